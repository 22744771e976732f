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
