/**
 * Renders `alertmanager.yml` from the typed routing configuration.
 * Credentials are never values: each is a key of the receivers Secret,
 * mounted under `secretsDir` and referenced through a `*_file` setting.
 * The output keeps to settings that both the Alertmanager we ship and the
 * `amtool` the tests run accept (both 0.28): a webhook URL that embeds a
 * token is read from a file (`url_file`), like every other credential.
 */
import type { InhibitRule, Receiver, Route } from '../../config/sections/alertmanager';

export interface AlertmanagerConfigSettings {
  readonly receivers: readonly Receiver[];
  readonly route: Route;
  readonly inhibitRules: readonly InhibitRule[];
  /** Directory the receivers Secret is mounted at. */
  readonly secretsDir: string;
  /** How long an alert without updates stays firing. @default '5m' */
  readonly resolveTimeout?: string;
}

/**
 * The PagerDuty Events API v2 severity of a notification, from the alerts'
 * `severity` label: `critical`, `warning` and `info` as they are, `high` as
 * `error`; anything else as `critical`, since it was routed to a pager.
 */
export const PAGERDUTY_SEVERITY =
  '{{ if eq .CommonLabels.severity "high" }}error{{ else if eq .CommonLabels.severity "warning" }}warning{{ else if eq .CommonLabels.severity "info" }}info{{ else }}critical{{ end }}';

/** The `alertmanager.yml` document as a plain object. */
export function renderAlertmanagerConfig(settings: AlertmanagerConfigSettings): Record<string, unknown> {
  const file = (key: string) => `${settings.secretsDir}/${key}`;
  return {
    global: { resolve_timeout: settings.resolveTimeout ?? '5m' },
    route: renderRoute(settings.route),
    inhibit_rules: settings.inhibitRules.map((rule) => ({
      source_matchers: rule.sourceMatchers,
      target_matchers: rule.targetMatchers,
      ...(rule.equal.length > 0 ? { equal: rule.equal } : {}),
    })),
    receivers: settings.receivers.map((receiver) => renderReceiver(receiver, file)),
  };
}

function renderRoute(route: Route): Record<string, unknown> {
  return dropUndefined({
    receiver: route.receiver,
    matchers: route.matchers,
    group_by: route.groupBy,
    group_wait: route.groupWait,
    group_interval: route.groupInterval,
    repeat_interval: route.repeatInterval,
    continue: route.continue,
    routes: route.routes?.map(renderRoute),
  });
}

function renderReceiver(receiver: Receiver, file: (key: string) => string): Record<string, unknown> {
  return dropUndefined({
    name: receiver.name,
    slack_configs: nonEmpty(
      receiver.slack.map((slack) => ({
        api_url_file: file(slack.apiUrlSecretKey),
        channel: slack.channel,
        send_resolved: slack.sendResolved,
        title: '{{ template "slack.default.title" . }}',
        text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}',
      })),
    ),
    pagerduty_configs: nonEmpty(
      receiver.pagerduty.map((pagerduty) =>
        dropUndefined({
          routing_key_file: file(pagerduty.routingKeySecretKey),
          url: pagerduty.url,
          // Alertmanager sends "error" by default; PagerDuty's urgency rules key on the event's severity.
          severity: PAGERDUTY_SEVERITY,
          send_resolved: pagerduty.sendResolved,
        }),
      ),
    ),
    email_configs: nonEmpty(
      receiver.email.map((email) =>
        dropUndefined({
          to: email.to,
          from: email.from,
          smarthost: email.smarthost,
          auth_username: email.authUsername,
          auth_password_file: email.authPasswordSecretKey ? file(email.authPasswordSecretKey) : undefined,
          require_tls: email.requireTls,
          send_resolved: email.sendResolved,
        }),
      ),
    ),
    webhook_configs: nonEmpty(
      receiver.webhook.map((webhook) =>
        dropUndefined({
          url: webhook.url,
          url_file: webhook.urlSecretKey ? file(webhook.urlSecretKey) : undefined,
          send_resolved: webhook.sendResolved,
          max_alerts: webhook.maxAlerts,
          http_config: webhook.bearerTokenSecretKey
            ? { authorization: { type: 'Bearer', credentials_file: file(webhook.bearerTokenSecretKey) } }
            : undefined,
        }),
      ),
    ),
  });
}

/** Every Secret key the configuration reads, so the docs and checks can list what the user must create. */
export function referencedSecretKeys(receivers: readonly Receiver[]): string[] {
  const keys = receivers.flatMap((receiver) => [
    ...receiver.slack.map((s) => s.apiUrlSecretKey),
    ...receiver.pagerduty.map((p) => p.routingKeySecretKey),
    ...receiver.email.flatMap((e) => (e.authPasswordSecretKey ? [e.authPasswordSecretKey] : [])),
    ...receiver.webhook.flatMap((w) => [w.urlSecretKey, w.bearerTokenSecretKey].filter((key): key is string => key !== undefined)),
  ]);
  return [...new Set(keys)].sort();
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

function dropUndefined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
