/**
 * The whole alert pipeline on loopback: a real Prometheus evaluating the
 * rendered rule files scrapes two instances of a small service the test
 * drives with prom-client; a real Alertmanager with the rendered routing
 * (credentials read through `*_file` from a directory holding the
 * receivers Secret) notifies a local sink standing in for Slack, PagerDuty
 * and the default webhook.
 *
 * The test makes the service fail (one instance dies, the other answers
 * half its requests with 503) and checks: the critical error-ratio page
 * reaches PagerDuty as an Events API v2 trigger; the warning that one
 * target is down reaches Slack; the warning-level error-ratio alert fires
 * in Prometheus but is inhibited and never notified; when the service
 * recovers, PagerDuty gets the resolve for the same incident and Slack the
 * resolved message. It prints the time from failure to page.
 *
 * What differs from production, and why:
 * - Intervals: Prometheus scrapes and evaluates every second, and the
 *   configuration shortens the error-ratio window (`alerting.rateWindow`
 *   10s) and a few `for` durations, and the routing's group waits and
 *   intervals, through the same configuration fields a user sets; the
 *   rules and the routing tree are otherwise the rendered ones.
 * - Scrape targets are static, with the `service` and `namespace` labels
 *   the Kubernetes relabelling sets (scrape-discovery.test.ts covers the
 *   discovery itself).
 * - No SLOs, and the two down alerts that need kube-state-metrics and
 *   node-exporter are off: neither runs here.
 * - PagerDuty's endpoint is the receiver's `url` (a setting for EU
 *   accounts); Slack's and the webhook's URLs are the Secret's files.
 */
import { stringify } from 'yaml';
import { ruleFilesData, ruleFilesFor } from '../../charts/rules';
import type { MonitoringConfig } from '../../config';
import { configWith } from '../helpers/synth';
import { eventually, getJson, type RunningServer, startAlertmanager, startPrometheus, tempDir } from '../helpers/processes';
import { alertmanagerYaml, InstrumentedService, type Notification, type NotificationSink, sinkReceivers, startNotificationSink, TEST_ROUTING_KEY, writeReceiverSecrets } from './alert-pipeline-harness';

jest.setTimeout(180_000);

const fast = (groupWait: string) => ({ groupWait, groupInterval: '1s', repeatInterval: '1h' });

function pipelineConfig(sink: NotificationSink): MonitoringConfig {
  return configWith({
    slos: [],
    alerting: {
      rateWindow: '10s',
      rules: {
        TargetDown: { for: '2s' },
        ServiceDown: { for: '2s' },
        ServiceErrorRatioCritical: { for: '3s' },
        // Longer than the critical's, as in production (10m against 5m): the page is out before the warning could be.
        ServiceErrorRatioWarning: { for: '8s' },
        KubeStateMetricsDown: { enabled: false },
        NodeExporterDown: { enabled: false },
      },
    },
    alertmanager: {
      receivers: sinkReceivers(sink),
      routing: {
        groupWait: '1s',
        groupInterval: '1s',
        severities: {
          critical: { receiver: 'pagerduty', ...fast('0s'), repeatInterval: '5m' },
          high: { receiver: 'slack', ...fast('1s') },
          warning: { receiver: 'slack', ...fast('1s') },
          info: { receiver: 'low-traffic', ...fast('1s') },
        },
      },
    },
  });
}

describe('alert pipeline end to end', () => {
  let sink: NotificationSink;
  let alertmanager: RunningServer;
  let prometheus: RunningServer;
  let instances: InstrumentedService[] = [];
  let traffic: NodeJS.Timeout | undefined;
  let failedAt = 0;
  let page: Notification;

  beforeAll(async () => {
    sink = await startNotificationSink();
    const config = pipelineConfig(sink);
    const secrets = tempDir('alertmanager-receivers');
    writeReceiverSecrets(config, secrets, sink);
    alertmanager = await startAlertmanager({ config: alertmanagerYaml(config, secrets) });

    instances = [await InstrumentedService.start(), await InstrumentedService.start()];
    traffic = setInterval(() => instances.forEach((i) => i.serve(20)), 100);

    const rules = ruleFilesData(ruleFilesFor(config));
    const prometheusYml = {
      global: { scrape_interval: '1s', scrape_timeout: '500ms', evaluation_interval: '1s', external_labels: { cluster: 'e2e' } },
      rule_files: Object.keys(rules),
      alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }] }] },
      scrape_configs: [{ job_name: 'checkout', static_configs: [{ targets: instances.map((i) => i.address), labels: { namespace: 'shop', service: 'checkout' } }] }],
    };
    prometheus = await startPrometheus({ config: stringify(prometheusYml), files: rules, args: ['--rules.alert.resend-delay=1s'] });
  });

  afterAll(async () => {
    if (traffic) clearInterval(traffic);
    await prometheus?.stop();
    await alertmanager?.stop();
    await Promise.all(instances.map((i) => i.stop()));
    await sink?.stop();
  });

  const query = async (expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> =>
    (await getJson(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).data.result;

  it('loads every rendered rule file and evaluates without errors while the service is healthy', async () => {
    // A full rate window of healthy traffic from both instances.
    await eventually('both instances scraped with a full window of traffic', async () => {
      const up = await query('up{job="checkout"} == 1');
      const samples = await query('count_over_time(http_requests_total{code="200"}[10s]) >= 10');
      return up.length === 2 && samples.length === 2 ? true : undefined;
    }, 30_000);
    const groups = (await getJson(`${prometheus.url}/api/v1/rules`)).data.groups as Array<{ name: string; rules: Array<{ health: string; name: string; lastError?: string }> }>;
    expect(groups.map((g) => g.name).sort()).toEqual(['ai', 'databases', 'queues', 'resources', 'security', 'service', 'slo-counts', 'stack-health']);
    expect(groups.flatMap((g) => g.rules).filter((r) => r.health === 'err')).toEqual([]);
    expect(await query('ALERTS{service="checkout"}')).toEqual([]);
    expect(sink.notifications).toEqual([]);
  });

  it('pages PagerDuty with an Events API v2 trigger when the service fails', async () => {
    failedAt = Date.now();
    await instances[0].crash();
    instances[1].errorShare = 0.5;

    page = await eventually('the page to reach the PagerDuty sink', async () => sink.at('/pagerduty/v2/enqueue').find((n) => n.body.event_action === 'trigger'), 60_000, 50);
    const seconds = (page.at - failedAt) / 1000;
    console.info(`alert pipeline: failure to page ${seconds.toFixed(1)} s (scrape 1s, evaluation 1s, rate window 10s, for 3s, group_wait 0s)`);

    expect(page.body).toMatchObject({
      routing_key: TEST_ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: expect.stringMatching(/^[0-9a-f]{64}$/),
      client: 'Alertmanager',
      payload: {
        summary: expect.stringContaining('ServiceErrorRatioCritical'),
        source: expect.any(String),
        severity: 'critical',
      },
    });
    expect(page.body.payload.custom_details.firing).toContain('service = checkout');
    expect(page.body.payload.custom_details.firing).toContain('runbook_url = https://github.com/example-org/monitoring-stack/blob/main/docs/runbooks/ServiceErrorRatioCritical.md');
    expect(seconds).toBeLessThan(60);
  });

  it('sends the warning that one target is down to Slack', async () => {
    const message = await eventually('TargetDown to reach the Slack sink', async () => sink.at('/slack').find((n) => n.body.attachments?.[0]?.title?.includes('TargetDown')), 30_000);
    expect(message.body.channel).toBe('#alerts');
    expect(message.body.attachments[0].title).toMatch(/^\[FIRING:1\] TargetDown/);
    expect(message.body.attachments[0].text).toContain(`checkout target ${instances[0].address} is down`);
    expect(message.body.attachments[0].text).toContain('Runbook: https://github.com/example-org/monitoring-stack/blob/main/docs/runbooks/TargetDown.md');
  });

  it('inhibits the warning-level error ratio: it fires, but is never notified', async () => {
    const warning = await eventually('ServiceErrorRatioWarning to fire and be inhibited in Alertmanager', async () => {
      const alerts: Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }> = await getJson(`${alertmanager.url}/api/v2/alerts?filter=alertname%3D%22ServiceErrorRatioWarning%22`);
      return alerts.find((a) => a.status.state === 'suppressed' && a.status.inhibitedBy.length > 0);
    }, 30_000);
    expect(warning.labels).toMatchObject({ service: 'checkout', severity: 'warning', cluster: 'e2e' });
    // Long enough for its group (1s wait) to have been notified, were it not inhibited.
    await new Promise((r) => setTimeout(r, 3000));
    expect(JSON.stringify(sink.notifications.map((n) => n.body))).not.toContain('ServiceErrorRatioWarning');
    expect(sink.at('/webhook')).toEqual([]);
  });

  it('resolves the page and the Slack warning when the service recovers, still never notifying the inhibited warning', async () => {
    await instances[0].resume();
    instances[1].errorShare = 0;
    const resolve = await eventually('the PagerDuty resolve', async () => sink.at('/pagerduty/v2/enqueue').find((n) => n.body.event_action === 'resolve'), 60_000);
    expect(resolve.body).toMatchObject({ routing_key: TEST_ROUTING_KEY, dedup_key: page.body.dedup_key });
    const resolved = await eventually('the resolved message in Slack', async () => sink.at('/slack').find((n) => n.body.attachments?.[0]?.title?.startsWith('[RESOLVED] TargetDown')), 30_000);
    expect(resolved.body.channel).toBe('#alerts');
    expect(JSON.stringify(sink.notifications.map((n) => n.body))).not.toContain('ServiceErrorRatioWarning');
  });
});

