/**
 * Alertmanager: clustered replicas and the typed notification routing they
 * share. Receiver credentials are never values here: they are keys of the
 * Secret `secretName`, mounted as files and read through Alertmanager's
 * `*_file` settings.
 *
 * The routing tree is generated from `routing` (severity and team routes,
 * see `routingTree`) unless `route` gives one of your own; `routingTree` is
 * exported so a TS config file can start from the generated tree.
 */
import { z } from 'zod';
import { SEVERITIES, type Severity, TeamName } from './alerting';
import { Duration, Quantity, Resources, resources, shown } from './common';

const SecretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: (i) => `${shown(i.input)} is not a valid Secret key` });
const Url = z.url({ error: (i) => `${shown(i.input)} is not an absolute URL` });

/** A label matcher in Alertmanager syntax: `severity="critical"`, `team=~"db|data"`. */
export const Matcher = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"$/, {
    error: (i) => `${shown(i.input)} is not a matcher; write e.g. severity="critical" or team=~"db|data"`,
  });

const SlackConfig = z.strictObject({
  channel: z.string().regex(/^[#@]?[-_a-z0-9.]+$/, { error: (i) => `${shown(i.input)} is not a Slack channel such as "#alerts"` }),
  /** Key of the incoming-webhook URL in the receivers Secret. */
  apiUrlSecretKey: SecretKey.default('slack-api-url'),
  sendResolved: z.boolean().default(true),
});

const PagerDutyConfig = z.strictObject({
  /** Key of the Events API v2 routing key in the receivers Secret. */
  routingKeySecretKey: SecretKey.default('pagerduty-routing-key'),
  /** Events API v2 endpoint, e.g. `https://events.eu.pagerduty.com/v2/enqueue` for EU accounts. @default - Alertmanager's, the US endpoint */
  url: Url.optional(),
  sendResolved: z.boolean().default(true),
});

const EmailConfig = z.strictObject({
  to: z.email(),
  from: z.email(),
  /** SMTP relay `host:port`. */
  smarthost: z.string().regex(/^[-.a-zA-Z0-9]+:\d+$/, { error: (i) => `${shown(i.input)} is not host:port` }),
  authUsername: z.string().optional(),
  /** Key of the SMTP password in the receivers Secret. */
  authPasswordSecretKey: SecretKey.optional(),
  requireTls: z.boolean().default(true),
  sendResolved: z.boolean().default(true),
});

const WebhookConfig = z
  .strictObject({
    /** Endpoint URL, when it holds no secret. Exactly one of `url` and `urlSecretKey`. */
    url: Url.optional(),
    /** Key of the endpoint URL in the receivers Secret, for URLs that embed a token (read through `url_file`). */
    urlSecretKey: SecretKey.optional(),
    /** Key of a bearer token in the receivers Secret, sent as `Authorization: Bearer`. */
    bearerTokenSecretKey: SecretKey.optional(),
    sendResolved: z.boolean().default(true),
    /** Alerts per message; 0 sends all. */
    maxAlerts: z.number().int().min(0).default(0),
  })
  .refine((webhook) => (webhook.url === undefined) !== (webhook.urlSecretKey === undefined), {
    error: 'set exactly one of "url" (a URL without secrets) and "urlSecretKey" (the Secret key holding the URL)',
  });

export const Receiver = z.strictObject({
  name: z.string().regex(/^[-_a-zA-Z0-9]+$/, { error: (i) => `${shown(i.input)} is not a receiver name; use letters, digits, "-" and "_"` }),
  slack: z.array(SlackConfig).default([]),
  pagerduty: z.array(PagerDutyConfig).default([]),
  email: z.array(EmailConfig).default([]),
  webhook: z.array(WebhookConfig).default([]),
});
export type Receiver = z.infer<typeof Receiver>;

/** One node of the routing tree. */
export interface Route {
  receiver?: string;
  matchers?: string[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  routes?: Route[];
}
export const Route: z.ZodType<Route> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().optional(),
    matchers: z.array(Matcher).optional(),
    groupBy: z.array(z.string()).optional(),
    groupWait: Duration.optional(),
    groupInterval: Duration.optional(),
    repeatInterval: Duration.optional(),
    continue: z.boolean().optional(),
    routes: z.array(Route).optional(),
  }),
);

export const InhibitRule = z.strictObject({
  sourceMatchers: z.array(Matcher).min(1),
  targetMatchers: z.array(Matcher).min(1),
  /** Labels that must be equal on source and target for the target to be muted. */
  equal: z.array(z.string()).default([]),
});
export type InhibitRule = z.infer<typeof InhibitRule>;

/** A receiver name as routes reference it. */
const ReceiverRef = z.string().min(1, { error: 'must name a receiver of alertmanager.receivers' });

/** Receiver and timing of one severity. */
export const SeverityRoute = z.strictObject({
  receiver: ReceiverRef,
  /** Wait before the first notification of a new group, to batch alerts that start together. */
  groupWait: Duration,
  /** Wait before notifying about alerts added to (or resolved in) a group already notified. */
  groupInterval: Duration,
  /** Resend a still-firing group this often. */
  repeatInterval: Duration,
});
export type SeverityRoute = z.infer<typeof SeverityRoute>;

/** A team's own destinations: alerts labelled `team="<team>"` go there instead of the shared channels. */
export const TeamRoute = z.strictObject({
  /** Value of the alerts' `team` label. */
  team: TeamName,
  /** Receiver of the team's alerts of every severity (its channel or address). */
  receiver: ReceiverRef,
  /** Receiver that pages the team for `critical` alerts instead of the shared pager. @default - `severities.critical.receiver` */
  pagerReceiver: ReceiverRef.optional(),
});
export type TeamRoute = z.infer<typeof TeamRoute>;

/**
 * The routing policy the default tree is generated from (see
 * `routingTree`): `critical` pages, `high` and `warning` go to chat with
 * their own timing, `info` to a low-traffic destination, each team's alerts
 * to its own receiver, and everything else to the root receiver.
 */
export const Routing = z.strictObject({
  /** Labels alerts are grouped by into one notification. */
  groupBy: z.array(z.string()).default(['alertname', 'cluster', 'service']),
  /** Root receiver: alerts no other route takes (no or an unknown severity). */
  receiver: ReceiverRef.default('default'),
  groupWait: Duration.default('30s'),
  groupInterval: Duration.default('5m'),
  repeatInterval: Duration.default('4h'),
  severities: z
    .strictObject({
      critical: SeverityRoute.default({ receiver: 'pagerduty', groupWait: '0s', groupInterval: '1m', repeatInterval: '5m' }),
      high: SeverityRoute.default({ receiver: 'slack', groupWait: '30s', groupInterval: '5m', repeatInterval: '1h' }),
      warning: SeverityRoute.default({ receiver: 'slack', groupWait: '2m', groupInterval: '5m', repeatInterval: '4h' }),
      info: SeverityRoute.default({ receiver: 'low-traffic', groupWait: '5m', groupInterval: '30m', repeatInterval: '24h' }),
    })
    .prefault({}),
  teams: z.array(TeamRoute).default([]),
});
export type Routing = z.infer<typeof Routing>;

/**
 * The routing tree of a policy. `critical` is matched first and continues,
 * so a page also reaches the team's channel; a team's route sends its
 * alerts of every severity to its receiver with that severity's timing;
 * the shared `high`, `warning` and `info` routes take the rest.
 */
export function routingTree(routing: Routing): Route {
  const timing = (route: SeverityRoute) => ({ groupWait: route.groupWait, groupInterval: route.groupInterval, repeatInterval: route.repeatInterval });
  const severity = (name: Severity) => `severity="${name}"`;
  const team = (name: string) => `team="${name}"`;
  const critical = routing.severities.critical;
  const teamPagers: Route[] = routing.teams.flatMap((t) => (t.pagerReceiver ? [{ matchers: [team(t.team)], receiver: t.pagerReceiver }] : []));
  return {
    receiver: routing.receiver,
    groupBy: routing.groupBy,
    groupWait: routing.groupWait,
    groupInterval: routing.groupInterval,
    repeatInterval: routing.repeatInterval,
    routes: [
      { matchers: [severity('critical')], receiver: critical.receiver, ...timing(critical), continue: true, ...(teamPagers.length > 0 ? { routes: teamPagers } : {}) },
      ...routing.teams.map((t) => ({
        matchers: [team(t.team)],
        receiver: t.receiver,
        routes: SEVERITIES.map((name) => ({ matchers: [severity(name)], ...timing(routing.severities[name]) })),
      })),
      ...(['high', 'warning', 'info'] as const).map((name) => ({ matchers: [severity(name)], receiver: routing.severities[name].receiver, ...timing(routing.severities[name]) })),
    ],
  };
}

const DEFAULT_RECEIVERS: z.input<typeof Receiver>[] = [
  { name: 'default', webhook: [{ urlSecretKey: 'default-webhook-url' }] },
  { name: 'pagerduty', pagerduty: [{}] },
  { name: 'slack', slack: [{ channel: '#alerts' }] },
  { name: 'low-traffic', slack: [{ channel: '#alerts-low-traffic' }] },
];

/** Equal labels of the severity inhibitions: the same service and instance, in the same cluster. */
const SAME_TARGET = ['cluster', 'service', 'instance'];

/**
 * The default inhibitions: a `critical` alert mutes `warning` alerts and a
 * `high` alert mutes `info` alerts of the same service and instance; a
 * service that is down mutes its error-ratio, latency and single-target
 * alerts, which only repeat the outage.
 */
export const DEFAULT_INHIBIT_RULES: z.input<typeof InhibitRule>[] = [
  { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: SAME_TARGET },
  { sourceMatchers: ['severity="high"'], targetMatchers: ['severity="info"'], equal: SAME_TARGET },
  {
    sourceMatchers: ['alertname="ServiceDown"'],
    targetMatchers: ['alertname=~"TargetDown|ServiceErrorRatio(Warning|Critical)|ServiceLatencyP95(Warning|Critical)"'],
    equal: ['cluster', 'namespace', 'service'],
  },
];

const AlertmanagerFields = z.strictObject({
  /** Clustered replicas sharing silences and notification state; 2 or 3 for HA. */
  replicas: z.number().int().min(1).max(5).default(2),
  storage: z.strictObject({ size: Quantity.default('2Gi') }).prefault({}),
  resources: Resources.default(resources('50m', '128Mi', '500m', '256Mi')),
  /** How long silences and notification log entries are kept. */
  retention: Duration.default('120h'),
  /** The Secret the user creates with the receivers' credentials; see README. */
  secretName: z.string().default('alertmanager-receivers'),
  receivers: z.array(Receiver).min(1, { error: 'needs at least one receiver for the root route' }).prefault(DEFAULT_RECEIVERS),
  /** The severity and team routing the tree is generated from, unless `route` is set. */
  routing: Routing.prefault({}),
  /** Your own routing tree; every alert enters here. @default - generated from `routing` */
  route: Route.optional(),
  inhibitRules: z.array(InhibitRule).prefault(DEFAULT_INHIBIT_RULES),
});

/** Receivers the routing policy names must exist (checked only when the tree is generated from it). */
function checkRoutingReceivers(section: z.output<typeof AlertmanagerFields>, ctx: z.RefinementCtx): void {
  if (section.route) return;
  const known = section.receivers.map((r) => r.name);
  const require = (name: string | undefined, path: (string | number)[]) => {
    if (name !== undefined && !known.includes(name)) {
      ctx.addIssue({ code: 'custom', path: ['routing', ...path], message: `"${name}" is not a receiver; define it in alertmanager.receivers or use one of: ${known.join(', ')}` });
    }
  };
  require(section.routing.receiver, ['receiver']);
  for (const severity of SEVERITIES) require(section.routing.severities[severity].receiver, ['severities', severity, 'receiver']);
  const teams = new Set<string>();
  section.routing.teams.forEach((team, i) => {
    require(team.receiver, ['teams', i, 'receiver']);
    require(team.pagerReceiver, ['teams', i, 'pagerReceiver']);
    if (teams.has(team.team)) ctx.addIssue({ code: 'custom', path: ['routing', 'teams', i, 'team'], message: `team "${team.team}" has two routes; merge them into one` });
    teams.add(team.team);
  });
}

export const AlertmanagerSection = AlertmanagerFields.superRefine(checkRoutingReceivers).overwrite((section) =>
  section.route ? section : { ...section, route: routingTree(section.routing) },
) as unknown as z.ZodType<AlertmanagerSection, z.input<typeof AlertmanagerFields>>;
/** The resolved section: `route` is always set, generated from `routing` when not given. */
export type AlertmanagerSection = Omit<z.output<typeof AlertmanagerFields>, 'route'> & { route: Route };
