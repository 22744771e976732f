/**
 * Alertmanager: clustered replicas and the typed notification routing they
 * share. Receiver credentials are never values here: they are keys of the
 * Secret `secretName`, mounted as files and read through Alertmanager's
 * `*_file` settings.
 */
import { z } from 'zod';
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

const WebhookConfig = z.strictObject({
  /** Endpoint URL. Not a secret: authentication goes in `bearerTokenSecretKey`. */
  url: Url,
  /** Key of a bearer token in the receivers Secret, sent as `Authorization: Bearer`. */
  bearerTokenSecretKey: SecretKey.optional(),
  sendResolved: z.boolean().default(true),
  /** Alerts per message; 0 sends all. */
  maxAlerts: z.number().int().min(0).default(0),
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

const DEFAULT_RECEIVERS: z.input<typeof Receiver>[] = [
  { name: 'default', slack: [{ channel: '#alerts' }] },
  { name: 'pagerduty', pagerduty: [{}] },
];

export const AlertmanagerSection = z.strictObject({
  /** Clustered replicas sharing silences and notification state; 2 or 3 for HA. */
  replicas: z.number().int().min(1).max(5).default(2),
  storage: z.strictObject({ size: Quantity.default('2Gi') }).prefault({}),
  resources: Resources.default(resources('50m', '128Mi', '500m', '256Mi')),
  /** How long silences and notification log entries are kept. */
  retention: Duration.default('120h'),
  /** The Secret the user creates with the receivers' credentials; see README. */
  secretName: z.string().default('alertmanager-receivers'),
  receivers: z.array(Receiver).min(1, { error: 'needs at least one receiver for the root route' }).prefault(DEFAULT_RECEIVERS),
  /** The root route; every alert enters here. */
  route: Route.default({
    receiver: 'default',
    groupBy: ['alertname', 'cluster', 'service'],
    groupWait: '30s',
    groupInterval: '5m',
    repeatInterval: '4h',
    routes: [{ matchers: ['severity="critical"'], receiver: 'pagerduty', groupWait: '0s', repeatInterval: '5m' }],
  }),
  inhibitRules: z.array(InhibitRule).prefault([
    { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity=~"warning|high"'], equal: ['alertname', 'cluster', 'service'] },
  ]),
});
export type AlertmanagerSection = z.infer<typeof AlertmanagerSection>;
