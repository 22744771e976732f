/**
 * Checks that span several fields, run after the schema has accepted the
 * shape. Each check is a named function returning the problems it finds,
 * so a test can exercise each message on its own.
 */
import type { ConfigIssue } from './errors';
import type { MonitoringConfig } from './schema';
import type { Route } from './sections/alertmanager';
import { durationToSeconds, prometheusSizeToBytes, quantityToBytes, retentionSizeFor } from './units';

/** A cross-field rule over the whole configuration. */
export type ConfigCheck = (config: MonitoringConfig) => ConfigIssue[];

/** The largest share of a Prometheus volume that size-based retention may use; compaction needs headroom. */
export const MAX_RETENTION_SHARE = 0.85;

/** External labels the stack sets itself and a user must not override. */
export const RESERVED_EXTERNAL_LABELS = ['cluster', 'environment', 'replica'];

export const checkScrapeTimeout: ConfigCheck = ({ prometheus }) =>
  durationToSeconds(prometheus.scrapeTimeout) > durationToSeconds(prometheus.scrapeInterval)
    ? [{ path: 'prometheus.scrapeTimeout', message: `${prometheus.scrapeTimeout} is longer than prometheus.scrapeInterval (${prometheus.scrapeInterval}); Prometheus refuses a timeout above the interval` }]
    : [];

export const checkRetentionFitsVolume: ConfigCheck = ({ prometheus }) => {
  const size = prometheus.retention.size;
  if (!size) return [];
  const limit = quantityToBytes(prometheus.storage.size) * MAX_RETENTION_SHARE;
  return prometheusSizeToBytes(size) > limit
    ? [{ path: 'prometheus.retention.size', message: `${size} exceeds 85% of prometheus.storage.size (${prometheus.storage.size}); compaction needs free space, so use at most ${retentionSizeFor(prometheus.storage.size, MAX_RETENTION_SHARE)} or grow the volume` }]
    : [];
};

export const checkReservedExternalLabels: ConfigCheck = ({ prometheus }) =>
  Object.keys(prometheus.externalLabels)
    .filter((name) => RESERVED_EXTERNAL_LABELS.includes(name))
    .map((name) => ({ path: `prometheus.externalLabels.${name}`, message: `"${name}" is set by the stack (from cluster.name, cluster.environment and the pod name); remove it here` }));

export const checkProductionIsHighlyAvailable: ConfigCheck = ({ cluster, prometheus, alertmanager }) => {
  if (cluster.environment !== 'production') return [];
  const issues: ConfigIssue[] = [];
  if (prometheus.replicas < 2) issues.push({ path: 'prometheus.replicas', message: `${prometheus.replicas} in environment "production"; use at least 2 so a node loss or a rollout does not stop alerting` });
  if (alertmanager.replicas < 2) issues.push({ path: 'alertmanager.replicas', message: `${alertmanager.replicas} in environment "production"; use at least 2 so notifications survive a node loss` });
  return issues;
};

export const checkReceiverNamesUnique: ConfigCheck = ({ alertmanager }) => {
  const seen = new Set<string>();
  return alertmanager.receivers.flatMap((receiver, index) => {
    if (!seen.has(receiver.name)) {
      seen.add(receiver.name);
      return [];
    }
    return [{ path: `alertmanager.receivers.${index}.name`, message: `receiver "${receiver.name}" is defined twice; receiver names must be unique` }];
  });
};

export const checkRoutesUseKnownReceivers: ConfigCheck = ({ alertmanager }) => {
  const known = new Set(alertmanager.receivers.map((r) => r.name));
  const issues: ConfigIssue[] = [];
  if (!alertmanager.route.receiver) {
    issues.push({ path: 'alertmanager.route.receiver', message: 'the root route needs a receiver: alerts that match no child route go there' });
  }
  const visit = (route: Route, path: string): void => {
    if (route.receiver !== undefined && !known.has(route.receiver)) {
      issues.push({ path: `${path}.receiver`, message: `"${route.receiver}" is not a receiver; define it in alertmanager.receivers or use one of: ${[...known].join(', ')}` });
    }
    route.routes?.forEach((child, i) => visit(child, `${path}.routes.${i}`));
  };
  visit(alertmanager.route, 'alertmanager.route');
  return issues;
};

export const checkReceiversHaveAnIntegration: ConfigCheck = ({ alertmanager }) =>
  alertmanager.receivers
    .map((receiver, index) => ({ receiver, index }))
    .filter(({ receiver }) => receiver.slack.length + receiver.pagerduty.length + receiver.email.length + receiver.webhook.length === 0 && receiver.name !== 'null')
    .map(({ receiver, index }) => ({
      path: `alertmanager.receivers.${index}`,
      message: `receiver "${receiver.name}" has no slack, pagerduty, email or webhook entry, so its alerts would be dropped; add one, or name it "null" to drop alerts on purpose`,
    }));

/** Every cross-field check, in the order their messages are reported. */
export const CONFIG_CHECKS: readonly ConfigCheck[] = [
  checkScrapeTimeout,
  checkRetentionFitsVolume,
  checkReservedExternalLabels,
  checkProductionIsHighlyAvailable,
  checkReceiverNamesUnique,
  checkRoutesUseKnownReceivers,
  checkReceiversHaveAnIntegration,
];
