/** One test per message a user can get from configuration validation. */
import { ConfigError, resolveConfig } from '../../../config';

function messages(input: unknown): string[] {
  try {
    resolveConfig(input, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('schema errors name the field and the fix', () => {
  it.each([
    [{ prometheus: { replica: 3 } }, 'prometheus.replica: unknown field; did you mean "replicas"?'],
    [{ grafna: {} }, 'grafna: unknown field'],
    [{ prometheus: { replicas: 0 } }, 'prometheus.replicas: must be at least 1'],
    [{ prometheus: { scrapeInterval: '15 seconds' } }, 'prometheus.scrapeInterval: "15 seconds" is not a Prometheus duration; write e.g. "15s", "5m", "1h30m" or "30d"'],
    [{ prometheus: { storage: { size: '100GB' } } }, 'prometheus.storage.size: "100GB" is not a Kubernetes quantity'],
    [{ prometheus: { retention: { size: '85Gi' } } }, 'prometheus.retention.size: "85Gi" is not a Prometheus size; write e.g. "85GB"'],
    [{ network: { nodeCidrs: ['10.0.0.1'] } }, 'network.nodeCidrs.0: "10.0.0.1" is not a CIDR with a mask, e.g. "10.0.0.0/16". Did you mean "10.0.0.1/32"?'],
    [{ network: { nodeCidrs: [] } }, 'network.nodeCidrs: needs at least one CIDR'],
    [{ images: { prometheus: 'quay.io/prometheus/prometheus' } }, 'images.prometheus: "quay.io/prometheus/prometheus" has no tag; pin a version'],
    [{ images: { alertmanager: 'quay.io/prometheus/alertmanager:latest' } }, 'images.alertmanager: "quay.io/prometheus/alertmanager:latest" uses "latest"'],
    [{ cluster: { accountId: '1234' } }, 'cluster.accountId: "1234" is not a 12-digit AWS account ID'],
    [{ cluster: { region: 'europe' } }, 'cluster.region: "europe" is not an AWS region such as "eu-west-1"'],
    [{ cluster: { name: 'My_Cluster' } }, 'cluster.name: "My_Cluster" is not a valid Kubernetes name'],
    [{ cluster: { domain: 'localhost' } }, 'cluster.domain: "localhost" is not a DNS domain'],
    [{ storage: { kmsKeyArn: 'my-key' } }, 'storage.kmsKeyArn: "my-key" is not a KMS key or alias ARN'],
    [{ kubeStateMetrics: { replicas: 2 } }, 'kubeStateMetrics.replicas: kube-state-metrics runs as 1 replica; two would duplicate every kube_* series'],
    [{ pushgateway: { replicas: 2 } }, 'pushgateway.replicas: the Pushgateway runs as 1 replica; replicas do not share pushed metrics'],
    [{ alertmanager: { route: { receiver: 'default', routes: [{ matchers: ['severity=critical'] }] } } }, 'alertmanager.route.routes.0.matchers.0: "severity=critical" is not a matcher; write e.g. severity="critical"'],
    [{ alertmanager: { receivers: [{ name: 'x', webhook: [{ url: 'not a url' }] }] } }, 'alertmanager.receivers.0.webhook.0.url: "not a url" is not an absolute URL'],
    [{ alertmanager: { receivers: [] } }, 'alertmanager.receivers: needs at least one receiver for the root route'],
  ])('%j', (input, expected) => {
    expect(messages(input)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });
});

describe('cross-field checks', () => {
  it('scrape timeout above the interval', () => {
    expect(messages({ prometheus: { scrapeInterval: '15s', scrapeTimeout: '20s' } })).toEqual([
      'prometheus.scrapeTimeout: 20s is longer than prometheus.scrapeInterval (15s); Prometheus refuses a timeout above the interval',
    ]);
  });

  it('retention size above 85% of the volume, with the size that fits', () => {
    expect(messages({ prometheus: { storage: { size: '100Gi' }, retention: { size: '90GB' } } })).toEqual([
      'prometheus.retention.size: 90GB exceeds 85% of prometheus.storage.size (100Gi); compaction needs free space, so use at most 85GB or grow the volume',
    ]);
    expect(messages({ prometheus: { storage: { size: '100Gi' }, retention: { size: '85GB' } } })).toEqual([]);
  });

  it('external labels the stack owns', () => {
    expect(messages({ prometheus: { externalLabels: { cluster: 'x', team: 'sre' } } })).toEqual([
      'prometheus.externalLabels.cluster: "cluster" is set by the stack (from cluster.name, cluster.environment and the pod name); remove it here',
    ]);
  });

  it('production without HA', () => {
    expect(messages({ cluster: { environment: 'production' }, prometheus: { replicas: 1 }, alertmanager: { replicas: 1 } })).toEqual([
      'prometheus.replicas: 1 in environment "production"; use at least 2 so a node loss or a rollout does not stop alerting',
      'alertmanager.replicas: 1 in environment "production"; use at least 2 so notifications survive a node loss',
    ]);
  });

  it('duplicate receivers, unknown receivers in routes, receivers without integrations', () => {
    const result = messages({
      alertmanager: {
        receivers: [{ name: 'a', slack: [{ channel: '#a' }] }, { name: 'a', slack: [{ channel: '#b' }] }, { name: 'empty' }],
        route: { receiver: 'a', routes: [{ matchers: ['team="db"'], receiver: 'dba' }] },
      },
    });
    expect(result).toEqual([
      'alertmanager.receivers.1.name: receiver "a" is defined twice; receiver names must be unique',
      'alertmanager.route.routes.0.receiver: "dba" is not a receiver; define it in alertmanager.receivers or use one of: a, empty',
      'alertmanager.receivers.2: receiver "empty" has no slack, pagerduty, email or webhook entry, so its alerts would be dropped; add one, or name it "null" to drop alerts on purpose',
    ]);
  });

  it('a root route without a receiver', () => {
    expect(messages({ alertmanager: { route: { groupBy: ['alertname'] } } })).toContain('alertmanager.route.receiver: the root route needs a receiver: alerts that match no child route go there');
  });

  it('lists every problem at once in the error message', () => {
    expect(() => resolveConfig({ prometheus: { replicas: 0 }, alertmanager: { replicas: 0 } }, 'my-file.yaml')).toThrow(
      /Invalid monitoring configuration \(my-file\.yaml\):\n {2}- prometheus\.replicas: .*\n {2}- alertmanager\.replicas: /,
    );
  });
});

describe('Grafana, Loki, Jaeger and Ingress refusals', () => {
  const postgres = { type: 'postgres', postgres: { host: 'grafana-db.internal' } };

  it('two Grafana replicas on SQLite', () => {
    expect(messages({ grafana: { replicas: 2 } })).toEqual([
      'grafana.replicas: 2 requires grafana.database.type=postgres; SQLite cannot be shared between replicas, so each would keep its own users, dashboards and alert state. Configure grafana.database.postgres or use 1 replica',
    ]);
    expect(messages({ grafana: { replicas: 2, database: postgres } })).toEqual([]);
  });

  it('PostgreSQL without its settings', () => {
    expect(messages({ grafana: { database: { type: 'postgres' } } })).toEqual([
      'grafana.database.postgres: grafana.database.type is "postgres" but grafana.database.postgres is missing; give at least its host (the password comes from a Secret)',
    ]);
  });

  it('more than one Loki replica without object storage', () => {
    expect(messages({ loki: { replicas: 3, replicationFactor: 3 } })).toEqual([
      'loki.replicas: 3 replicas on loki.storage.type "filesystem"; each replica would keep only the chunks it wrote, so queries would miss logs and retention would run per volume. Use loki.storage.type "s3" (object storage shared by the replicas) or 1 replica',
    ]);
  });

  it('fewer Loki replicas than the replication factor', () => {
    expect(messages({ loki: { replicas: 2, replicationFactor: 3, storage: { type: 's3' } } })).toEqual([
      'loki.replicationFactor: 3 is more than loki.replicas (2); the ring cannot place 3 copies of a stream on 2 ingesters, so every push would fail. Use at least 3 replicas or a lower replication factor',
    ]);
    expect(messages({ loki: { replicationFactor: 2 } })).toEqual([
      'loki.replicationFactor: 2 is more than loki.replicas (1); the ring cannot place 2 copies of a stream on 1 ingester, so every push would fail. Use at least 2 replicas or a lower replication factor',
    ]);
    expect(messages({ loki: { replicas: 3, replicationFactor: 3, storage: { type: 's3' } } })).toEqual([]);
  });

  it('more than one Jaeger collector (or query) on Badger', () => {
    expect(messages({ jaeger: { collector: { replicas: 2 }, query: { replicas: 2 } } })).toEqual([
      'jaeger.collector.replicas: 2 with jaeger.storage.type "badger"; Badger is a local database that only one process can open, so the other collectors could neither write nor be queried. Use jaeger.storage.type "elasticsearch" or "opensearch", or 1 replica',
      'jaeger.query.replicas: 2 with jaeger.storage.type "badger"; the query role runs in the collector\'s pod next to the Badger files. Use 1, or Elasticsearch/OpenSearch storage',
    ]);
    expect(messages({ jaeger: { collector: { replicas: 2 }, storage: { type: 'elasticsearch', elasticsearch: { urls: ['https://es.internal:9200'] } } } })).toEqual([]);
  });

  it('Elasticsearch or OpenSearch without its settings', () => {
    expect(messages({ jaeger: { storage: { type: 'opensearch' } } })).toEqual([
      'jaeger.storage.elasticsearch: jaeger.storage.type is "opensearch" but jaeger.storage.elasticsearch is missing; give at least the cluster\'s urls (credentials come from a Secret)',
    ]);
  });

  it('exposing Prometheus, Alertmanager or Jaeger without authentication', () => {
    expect(messages({ ingress: { auth: { type: 'none' } } })).toEqual([
      'ingress.expose.prometheus: exposing Prometheus with ingress.auth.type "none" would put it on the network without any login (it has none of its own). Use ingress.auth.type "basic" (an htpasswd Secret) or "oauth2" (an external auth URL), or set ingress.expose.prometheus to false',
      'ingress.expose.alertmanager: exposing Alertmanager with ingress.auth.type "none" would put it on the network without any login (it has none of its own). Use ingress.auth.type "basic" (an htpasswd Secret) or "oauth2" (an external auth URL), or set ingress.expose.alertmanager to false',
      'ingress.expose.jaeger: exposing Jaeger with ingress.auth.type "none" would put it on the network without any login (it has none of its own). Use ingress.auth.type "basic" (an htpasswd Secret) or "oauth2" (an external auth URL), or set ingress.expose.jaeger to false',
    ]);
    // Grafana alone has its own login.
    expect(messages({ ingress: { auth: { type: 'none' }, expose: { prometheus: false, alertmanager: false, jaeger: false } } })).toEqual([]);
    expect(messages({ ingress: { enabled: false, auth: { type: 'none' } } })).toEqual([]);
  });

  it('OAuth2 without its URLs', () => {
    expect(messages({ ingress: { auth: { type: 'oauth2' } } })).toEqual([
      'ingress.auth.oauth2: ingress.auth.type is "oauth2" but ingress.auth.oauth2 is missing; give the authUrl and signinUrl of your OAuth2 proxy',
    ]);
  });

  it.each([
    [{ grafana: { database: { type: 'postgres', postgres: { host: 'db.internal:5432' } } } }, 'grafana.database.postgres.host: "db.internal:5432" is not a host name'],
    [{ loki: { storage: { s3: { roleArn: 'loki' } } } }, 'loki.storage.s3.roleArn: "loki" is not an IAM role ARN'],
    [{ loki: { limits: { splitQueriesByInterval: '15 minutes' } } }, 'loki.limits.splitQueriesByInterval: "15 minutes" is not an interval such as "15m" or "1h"'],
    [{ jaeger: { storage: { type: 'elasticsearch', elasticsearch: { urls: ['es:9200'] } } } }, 'jaeger.storage.elasticsearch.urls.0: "es:9200" is not an http(s) URL'],
    [{ ingress: { proxy: { bodySize: '16 MB' } } }, 'ingress.proxy.bodySize: "16 MB" is not an NGINX size such as "16m"'],
    [{ ingress: { auth: { type: 'oauth2', oauth2: { authUrl: 'http://auth/oauth2/auth', signinUrl: 'https://auth/start' } } } }, 'ingress.auth.oauth2.authUrl: "http://auth/oauth2/auth" is not an https URL'],
    [{ images: { grafana: 'grafana/grafana:latest' } }, 'images.grafana: "grafana/grafana:latest" uses "latest"'],
  ])('schema: %j', (input, expected) => {
    expect(messages(input)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });
});

describe('alerting, SLO and routing refusals', () => {
  const latency = { name: 'api-latency', service: 'api', objective: 99, sli: { kind: 'latency', histogram: 'http_request_duration_seconds', threshold: '0.5' } };

  it.each([
    [{ alerting: { rules: { NodeCpuUsageWarnin: { threshold: 0.7 } } } }, 'alerting.rules.NodeCpuUsageWarnin: unknown field; did you mean "NodeCpuUsageWarning"?'],
    [{ alerting: { rules: { TargetDown: { threshold: 1 } } } }, 'alerting.rules.TargetDown.threshold: TargetDown compares no value, so it has no threshold; change its "for" or disable it instead'],
    [{ alerting: { rules: { NodeCpuUsageWarning: { threshold: '80%' } } } }, 'alerting.rules.NodeCpuUsageWarning.threshold: "80%" is not a number; NodeCpuUsageWarning compares a number (default 0.8)'],
    [{ alerting: { rules: { BackupStale: { threshold: '1 day' } } } }, 'alerting.rules.BackupStale.threshold: "1 day" is not a Prometheus duration'],
    [{ alerting: { rules: { RedisDown: { severity: 'page' } } } }, 'alerting.rules.RedisDown.severity: "page" is not a severity; use one of: critical, high, warning, info'],
    [{ alerting: { teams: { databases: 'DBA' } } }, 'alerting.teams.databases: "DBA" is not a team name; use lower case letters, digits and "-", e.g. "payments"'],
    [{ alerting: { runbookBaseUrl: 'https://example.com/runbooks/' } }, 'alerting.runbookBaseUrl: must not end with "/"; the alert name is appended as "/<AlertName>.md"'],
    [{ alerting: { http: { requestsTotal: 'http-requests' } } }, 'alerting.http.requestsTotal: "http-requests" is not a Prometheus metric name'],
    [{ slos: [{ ...latency, objective: 100 }] }, 'slos.0.objective: 100 leaves no error budget: one failed request breaks the SLO and every burn rate is infinite; use an objective below 100, e.g. 99.9'],
    [{ slos: [{ ...latency, objective: 0 }] }, 'slos.0.objective: 0 is not an objective; write the share of good events in percent, e.g. 99.9'],
    [{ slos: [{ ...latency, sli: { ...latency.sli, threshold: '0.50' } }] }, 'slos.0.sli.threshold: "0.50" is not a histogram bucket boundary; write the "le" value of an existing bucket as a plain decimal without trailing zeros, e.g. "0.25", "0.5", "1" or "2.5"'],
    [{ slos: [{ ...latency, sli: { ...latency.sli, threshold: '500ms' } }] }, 'slos.0.sli.threshold: "500ms" is not a histogram bucket boundary'],
    [{ slos: [{ ...latency, sli: { ...latency.sli, matchers: ['le="0.5"'] } }] }, 'slos.0.sli.matchers.0: selects on "le"; the bucket comes from "threshold", so remove this matcher'],
    [{ slos: [{ ...latency, sli: { ...latency.sli, matchers: ['service=api'] } }] }, 'slos.0.sli.matchers.0: "service=api" is not a label matcher; write e.g. service="api" or code!~"5.."'],
    [{ slos: [{ ...latency, name: 'API Latency' }] }, 'slos.0.name: "API Latency" is not an SLO name'],
    [{ slos: [{ ...latency, service: '' }] }, 'slos.0.service: must name the service the SLO is about'],
    [{ alertmanager: { receivers: [{ name: 'default', webhook: [{ url: 'https://hooks.example.com/x', urlSecretKey: 'hook-url' }] }] } }, 'alertmanager.receivers.0.webhook.0: set exactly one of "url" (a URL without secrets) and "urlSecretKey" (the Secret key holding the URL)'],
    [{ alertmanager: { receivers: [{ name: 'default', webhook: [{}] }] } }, 'alertmanager.receivers.0.webhook.0: set exactly one of "url"'],
  ])('%j', (input, expected) => {
    expect(messages(input)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it('routing that names receivers that do not exist', () => {
    expect(messages({ alertmanager: { receivers: [{ name: 'default', slack: [{ channel: '#alerts' }] }, { name: 'pagerduty', pagerduty: [{}] }] } })).toEqual([
      'alertmanager.routing.severities.high.receiver: "slack" is not a receiver; define it in alertmanager.receivers or use one of: default, pagerduty',
      'alertmanager.routing.severities.warning.receiver: "slack" is not a receiver; define it in alertmanager.receivers or use one of: default, pagerduty',
      'alertmanager.routing.severities.info.receiver: "low-traffic" is not a receiver; define it in alertmanager.receivers or use one of: default, pagerduty',
    ]);
    expect(messages({ alertmanager: { routing: { teams: [{ team: 'database', receiver: 'dba', pagerReceiver: 'dba-pager' }] } } })).toEqual([
      'alertmanager.routing.teams.0.receiver: "dba" is not a receiver; define it in alertmanager.receivers or use one of: default, pagerduty, slack, low-traffic',
      'alertmanager.routing.teams.0.pagerReceiver: "dba-pager" is not a receiver; define it in alertmanager.receivers or use one of: default, pagerduty, slack, low-traffic',
    ]);
  });

  it('a team routed twice', () => {
    expect(messages({ alertmanager: { routing: { teams: [{ team: 'ml', receiver: 'slack' }, { team: 'ml', receiver: 'default' }] } } })).toEqual([
      'alertmanager.routing.teams.1.team: team "ml" has two routes; merge them into one',
    ]);
  });

  it('leaves routing unchecked when a route of your own replaces it', () => {
    expect(messages({ alertmanager: { receivers: [{ name: 'only', slack: [{ channel: '#a' }] }], route: { receiver: 'only' } } })).toEqual([]);
  });

  it('two SLOs with one name', () => {
    expect(messages({ slos: [latency, { ...latency, objective: 95 }] })).toEqual([
      'slos.1.name: SLO "api-latency" is defined twice; the name labels its recorded series, so it must be unique',
    ]);
  });

  it('an SLO window shorter than the slow-burn window', () => {
    expect(messages({ slos: [{ ...latency, window: '1d' }] })).toEqual(['slos.0.window: 1d is shorter than the 3d window of the slow-burn ticket; use at least 3d (30d is usual)']);
  });

  it('an SLA named like an SLO (the SLA report keys its figures by name)', () => {
    expect(messages({ slas: [{ kind: 'uptime', name: 'api-latency', service: 'api', objective: 99.9, target: { matchers: ['job="api"'] } }] })).toEqual([
      'slas.0.name: "api-latency" is already the name of an SLO or SLA; the SLA report keys its figures by name, so use another',
    ]);
  });
});
