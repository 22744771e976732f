/**
 * Checks that span several fields, run after the schema has accepted the
 * shape. Each check is a named function returning the problems it finds,
 * so a test can exercise each message on its own.
 */
import { ALERTING_CONFIG_CHECKS } from './alerting-checks';
import { ANOMALY_CONFIG_CHECKS } from './anomaly-checks';
import { AWS_CONFIG_CHECKS } from './aws-checks';
import { SLA_CONFIG_CHECKS } from './sla-checks';
import type { ConfigIssue } from './errors';
import type { MonitoringConfig } from './schema';
import type { Route } from './sections/alertmanager';
import { UIS_WITHOUT_LOGIN, type UiName } from './sections/ingress';
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

export const checkGrafanaDatabase: ConfigCheck = ({ grafana }) => {
  const issues: ConfigIssue[] = [];
  if (grafana.replicas > 1 && grafana.database.type === 'sqlite') {
    issues.push({
      path: 'grafana.replicas',
      message: `${grafana.replicas} requires grafana.database.type=postgres; SQLite cannot be shared between replicas, so each would keep its own users, dashboards and alert state. Configure grafana.database.postgres or use 1 replica`,
    });
  }
  if (grafana.database.type === 'postgres' && !grafana.database.postgres) {
    issues.push({ path: 'grafana.database.postgres', message: 'grafana.database.type is "postgres" but grafana.database.postgres is missing; give at least its host (the password comes from a Secret)' });
  }
  return issues;
};

export const checkLokiTopology: ConfigCheck = ({ loki }) => {
  const issues: ConfigIssue[] = [];
  if (loki.replicas > 1 && loki.storage.type === 'filesystem') {
    issues.push({
      path: 'loki.replicas',
      message: `${loki.replicas} replicas on loki.storage.type "filesystem"; each replica would keep only the chunks it wrote, so queries would miss logs and retention would run per volume. Use loki.storage.type "s3" (object storage shared by the replicas) or 1 replica`,
    });
  }
  if (loki.replicas < loki.replicationFactor) {
    issues.push({
      path: 'loki.replicationFactor',
      message: `${loki.replicationFactor} is more than loki.replicas (${loki.replicas}); the ring cannot place ${loki.replicationFactor} copies of a stream on ${loki.replicas} ingester${loki.replicas === 1 ? '' : 's'}, so every push would fail. Use at least ${loki.replicationFactor} replicas or a lower replication factor`,
    });
  }
  return issues;
};

export const checkJaegerStorage: ConfigCheck = ({ jaeger }) => {
  const issues: ConfigIssue[] = [];
  const { type } = jaeger.storage;
  if (type === 'badger' && jaeger.collector.replicas > 1) {
    issues.push({
      path: 'jaeger.collector.replicas',
      message: `${jaeger.collector.replicas} with jaeger.storage.type "badger"; Badger is a local database that only one process can open, so the other collectors could neither write nor be queried. Use jaeger.storage.type "elasticsearch" or "opensearch", or 1 replica`,
    });
  }
  if (type === 'badger' && jaeger.query.replicas > 1) {
    issues.push({ path: 'jaeger.query.replicas', message: `${jaeger.query.replicas} with jaeger.storage.type "badger"; the query role runs in the collector's pod next to the Badger files. Use 1, or Elasticsearch/OpenSearch storage` });
  }
  if (type !== 'badger' && !jaeger.storage.elasticsearch) {
    issues.push({ path: 'jaeger.storage.elasticsearch', message: `jaeger.storage.type is "${type}" but jaeger.storage.elasticsearch is missing; give at least the cluster's urls (credentials come from a Secret)` });
  }
  return issues;
};

const UI_TITLES: Record<UiName, string> = { grafana: 'Grafana', prometheus: 'Prometheus', alertmanager: 'Alertmanager', jaeger: 'Jaeger' };

export const checkUiAuth: ConfigCheck = ({ ingress }) => {
  if (!ingress.enabled) return [];
  const issues: ConfigIssue[] = [];
  if (ingress.auth.type === 'none') {
    for (const ui of UIS_WITHOUT_LOGIN.filter((name) => ingress.expose[name])) {
      issues.push({
        path: `ingress.expose.${ui}`,
        message: `exposing ${UI_TITLES[ui]} with ingress.auth.type "none" would put it on the network without any login (it has none of its own). Use ingress.auth.type "basic" (an htpasswd Secret) or "oauth2" (an external auth URL), or set ingress.expose.${ui} to false`,
      });
    }
  }
  if (ingress.auth.type === 'oauth2' && !ingress.auth.oauth2) {
    issues.push({ path: 'ingress.auth.oauth2', message: 'ingress.auth.type is "oauth2" but ingress.auth.oauth2 is missing; give the authUrl and signinUrl of your OAuth2 proxy' });
  }
  return issues;
};

/** Every cross-field check, in the order their messages are reported. */
export const CONFIG_CHECKS: readonly ConfigCheck[] = [
  checkScrapeTimeout,
  checkRetentionFitsVolume,
  checkReservedExternalLabels,
  checkProductionIsHighlyAvailable,
  checkReceiverNamesUnique,
  checkRoutesUseKnownReceivers,
  checkReceiversHaveAnIntegration,
  checkGrafanaDatabase,
  checkLokiTopology,
  checkJaegerStorage,
  checkUiAuth,
  ...AWS_CONFIG_CHECKS,
  ...ALERTING_CONFIG_CHECKS,
  ...ANOMALY_CONFIG_CHECKS,
  ...SLA_CONFIG_CHECKS,
];
