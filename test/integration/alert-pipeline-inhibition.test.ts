/**
 * The rendered routing and inhibition on a real Alertmanager (0.28): alerts
 * posted to its API as Prometheus would send them are inhibited exactly as
 * configured (critical mutes warning, high mutes info, for the same service
 * and instance; ServiceDown mutes its service's error-ratio, latency and
 * target alerts), only the others are notified, and an alert without a
 * severity reaches the default webhook, whose URL comes from its `url_file`.
 */
import { configWith } from '../helpers/synth';
import { eventually, getJson, type RunningServer, startAlertmanager, tempDir } from '../helpers/processes';
import { alertmanagerYaml, type NotificationSink, sinkReceivers, startNotificationSink, writeReceiverSecrets } from './alert-pipeline-harness';

jest.setTimeout(60_000);

interface PostedAlert {
  labels: Record<string, string>;
}

describe('inhibition and routing on a real Alertmanager', () => {
  let sink: NotificationSink;
  let alertmanager: RunningServer;
  const secrets = tempDir('alertmanager-secrets');

  beforeAll(async () => {
    sink = await startNotificationSink();
    // The default policy, with test timings: every group is flushed within a second.
    const config = configWith({
      alertmanager: {
        receivers: sinkReceivers(sink),
        routing: {
          groupWait: '1s',
          groupInterval: '1s',
          severities: {
            critical: { receiver: 'pagerduty', groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
            high: { receiver: 'slack', groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
            warning: { receiver: 'slack', groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
            info: { receiver: 'low-traffic', groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
          },
        },
      },
    });
    writeReceiverSecrets(config, secrets, sink);
    alertmanager = await startAlertmanager({ config: alertmanagerYaml(config, secrets) });
  });
  afterAll(async () => {
    await alertmanager?.stop();
    await sink?.stop();
  });

  const cluster = { cluster: 'test' };
  const alerts: PostedAlert[] = [
    // critical mutes warning of the same service and instance, not of another instance
    { labels: { ...cluster, alertname: 'NodeDiskUsageCritical', severity: 'critical', service: 'node-exporter', instance: 'node-a' } },
    { labels: { ...cluster, alertname: 'NodeCpuUsageWarning', severity: 'warning', service: 'node-exporter', instance: 'node-a' } },
    { labels: { ...cluster, alertname: 'NodeMemoryUsageWarning', severity: 'warning', service: 'node-exporter', instance: 'node-b' } },
    // high mutes info of the same service (neither has an instance)
    { labels: { ...cluster, alertname: 'HighThing', severity: 'high', service: 'billing' } },
    { labels: { ...cluster, alertname: 'InfoThing', severity: 'info', service: 'billing' } },
    // info with no high alert of its service: the low-traffic channel
    { labels: { ...cluster, alertname: 'InfoThing', severity: 'info', service: 'reports' } },
    // critical does not mute high
    { labels: { ...cluster, alertname: 'HighThing', severity: 'high', service: 'node-exporter', instance: 'node-a' } },
    // ServiceDown mutes the service's error-ratio, latency and target alerts, even critical ones
    { labels: { ...cluster, alertname: 'ServiceDown', severity: 'critical', namespace: 'shop', service: 'checkout' } },
    { labels: { ...cluster, alertname: 'ServiceErrorRatioCritical', severity: 'critical', namespace: 'shop', service: 'checkout' } },
    { labels: { ...cluster, alertname: 'ServiceLatencyP95Critical', severity: 'critical', namespace: 'shop', service: 'checkout' } },
    { labels: { ...cluster, alertname: 'TargetDown', severity: 'warning', namespace: 'shop', service: 'checkout', instance: '10.1.2.3:8080' } },
    // ...but not another service's
    { labels: { ...cluster, alertname: 'ServiceErrorRatioCritical', severity: 'critical', namespace: 'shop', service: 'search' } },
    // no severity: the default webhook
    { labels: { ...cluster, alertname: 'Unclassified', service: 'legacy' } },
  ];
  const inhibited = ['NodeCpuUsageWarning/node-a', 'InfoThing/billing', 'ServiceErrorRatioCritical/checkout', 'ServiceLatencyP95Critical/checkout', 'TargetDown/checkout'];
  const key = (labels: Record<string, string>) => `${labels.alertname}/${labels.instance && labels.service === 'node-exporter' ? labels.instance : labels.service}`;

  it('mutes exactly the inhibited alerts', async () => {
    const startsAt = new Date().toISOString();
    const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts.map((a) => ({ ...a, startsAt, annotations: { summary: `${a.labels.alertname} on ${a.labels.service}` } }))),
    });
    expect(response.status).toBe(200);
    const states = await eventually('Alertmanager to have processed every alert', async () => {
      const list: Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }> = await getJson(`${alertmanager.url}/api/v2/alerts`);
      return list.length === alerts.length && list.every((a) => a.status.state !== 'unprocessed') ? list : undefined;
    });
    const muted = states.filter((a) => a.status.state === 'suppressed' && a.status.inhibitedBy.length > 0).map((a) => key(a.labels));
    expect(muted.sort()).toEqual([...inhibited].sort());
  });

  it('notifies the others, each on its route, and never the muted ones', async () => {
    const notified = (path: string, extract: (body: any) => string[]) => sink.at(path).flatMap((n) => extract(n.body));
    const expected = alerts.map((a) => key(a.labels)).filter((k) => !inhibited.includes(k));
    const all = await eventually(
      'every alert that is not muted to be notified',
      async () => {
        const seen = [
          ...notified('/pagerduty/v2/enqueue', (b) => [b.payload.custom_details.firing]),
          ...notified('/slack', (b) => b.attachments.map((a: { text: string }) => a.text)),
          ...notified('/webhook', (b) => b.alerts.map((a: { labels: Record<string, string> }) => key(a.labels))),
        ].join('\n');
        return expected.every((k) => seen.includes(k.split('/')[0])) ? seen : undefined;
      },
      15_000,
    );
    // Give the muted alerts' groups time to flush, had they not been muted.
    await new Promise((r) => setTimeout(r, 3000));
    const everything = JSON.stringify(sink.notifications.map((n) => n.body));
    expect(everything).not.toContain('NodeCpuUsageWarning');
    expect(everything).not.toContain('InfoThing on billing');
    expect(everything).not.toContain('ServiceLatencyP95Critical');
    expect(everything).not.toContain('TargetDown');
    expect(all).toContain('ServiceDown');
    const pagedServices = sink.at('/pagerduty/v2/enqueue').map((n) => n.body.payload.custom_details.firing as string);
    expect(pagedServices.filter((f) => f.includes('ServiceErrorRatioCritical')).every((f) => f.includes('search') && !f.includes('checkout'))).toBe(true);
  });

  it('sends alerts without a severity to the default webhook, at the URL read from its file', () => {
    const webhook = sink.at('/webhook');
    expect(webhook.map((n) => n.body.alerts.map((a: { labels: Record<string, string> }) => a.labels.alertname)).flat()).toEqual(['Unclassified']);
    expect(webhook[0].body.receiver).toBe('default');
  });

  it('routes info to the low-traffic channel and high to the alerts channel', () => {
    const channels = sink.at('/slack').map((n) => [n.body.channel, n.body.attachments[0].title]);
    expect(channels).toEqual(expect.arrayContaining([['#alerts', expect.stringContaining('HighThing')], ['#alerts', expect.stringContaining('NodeMemoryUsageWarning')]]));
    const lowTraffic = sink.at('/slack').filter((n) => n.body.channel === '#alerts-low-traffic');
    expect(lowTraffic.map((n) => n.body.attachments[0].title)).toEqual([expect.stringContaining('InfoThing')]);
    expect(lowTraffic[0].body.attachments[0].text).toContain('InfoThing on reports');
  });
});
