/**
 * The anomaly-check Lambda end to end on loopback, through its local
 * runner (the handler's own code path):
 *
 * - a real Prometheus 2.53 serving 16 days of backfilled 5-minute series
 *   (`promtool tsdb create-blocks-from openmetrics`): 20 normal services
 *   (daily and weekly pattern, noise) and `checkout`, whose request rate
 *   jumps to twice its level for the last two points of the first run's
 *   interval and is normal after;
 * - two real Alertmanagers 0.28, clustered, with the routing rendered from
 *   the default profile (receivers' credentials read through `*_file`
 *   from a directory holding the receivers Secret; Slack and the default
 *   webhook point at a local sink);
 * - a real Pushgateway; SNS through a local endpoint speaking the SDK's
 *   Query protocol (`SNS_ENDPOINT`).
 *
 * Run 1 (as of the first interval's end) raises the anomaly: it reaches
 * Slack as a routed notification, once although both replicas hold it.
 * Run 2 (one interval later, the series normal again) resolves it: the
 * resolved notification arrives. Then a dry-run sweep over the last day
 * of runs (96) measures the false alarms of the default check settings on
 * the series outside the injected anomaly.
 *
 * What differs from production: the runs are told the instant they
 * evaluate (`--at`: the data ends at the last grid point before the test
 * started, so both runs' instants are at most 30 minutes old); the check
 * queries the synthetic metric with every other field at its default; and
 * the warning route's group wait and interval are 1s instead of 2m and 5m,
 * set through `alertmanager.routing` as a user would (the routing tree
 * and receivers are otherwise the default profile's).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfigFile, type MonitoringConfig } from '../../config';
import { main as anomalyMain } from '../../lambdas/anomaly-check/cli';
import { silentLogger } from '../../lambdas/shared/log';
import { eventually, freePort, getJson, type RunningServer, startAlertmanager, startPrometheus, startPushgateway, tempDir } from '../helpers/processes';
import { alertmanagerYaml, type NotificationSink, startNotificationSink, writeReceiverSecrets } from './alert-pipeline-harness';
import { backfill, FIVE_MINUTES_MS, SNS_TEST_ENV, type SnsSink, startSnsSink, type SyntheticSeries } from './anomaly-check-harness';

jest.setTimeout(300_000);

const INTERVAL_MS = 900_000;
const DAY_MS = 86_400_000;
const METRIC = 'anomaly_e2e_requests_per_second';
const CHECK = 'e2e-requests';
const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:e2e-monitoring-alerts';
/** The data ends on the last grid point before now: run 2 evaluates it, run 1 the interval before. */
const T2 = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
const T1 = T2 - INTERVAL_MS;
const SWEEP_DAYS = 1;
const NORMAL: SyntheticSeries[] = Array.from({ length: 20 }, (_, i) => ({ labels: { service: `normal-${String(i).padStart(2, '0')}` }, seed: 1000 + i }));
const ANOMALOUS: SyntheticSeries = { labels: { service: 'checkout' }, seed: 77, anomaly: { fromMs: T1 - FIVE_MINUTES_MS, toMs: T1, shift: 1 } };

const figures: Record<string, unknown> = {};

describe('anomaly check end to end', () => {
  const stops: Array<() => Promise<void>> = [];
  let prometheus: RunningServer;
  let alertmanagers: RunningServer[];
  let pushgateway: RunningServer;
  let sink: NotificationSink;
  let sns: SnsSink;
  let configFile: string;
  let config: MonitoringConfig;

  beforeAll(async () => {
    Object.assign(process.env, SNS_TEST_ENV);
    // The default lookback (15 days) before every run of the sweep.
    const data = backfill(METRIC, [...NORMAL, ANOMALOUS], T2 - (15 + SWEEP_DAYS) * DAY_MS, T2);
    figures.backfill = { series: NORMAL.length + 1, samples: data.samples, promtoolMs: data.promtoolMs };
    stops.push(async () => require('node:fs').rmSync(join(data.dataDir, '..'), { recursive: true, force: true }));
    prometheus = await startPrometheus({ config: 'global: {}\n', dataDir: data.dataDir });
    stops.push(() => prometheus.stop());

    sink = await startNotificationSink();
    stops.push(() => sink.stop());
    sns = await startSnsSink();
    stops.push(() => sns.stop());
    pushgateway = await startPushgateway();
    stops.push(() => pushgateway.stop());

    const dir = tempDir('anomaly-e2e');
    stops.push(async () => require('node:fs').rmSync(dir, { recursive: true, force: true }));
    configFile = join(dir, 'monitoring.yaml');
    writeFileSync(
      configFile,
      stringify({
        cluster: { name: 'e2e' },
        alertmanager: { routing: { severities: { warning: { receiver: 'slack', groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' } } } },
        anomaly: { checks: [{ name: CHECK, description: 'Requests per second of each service.', query: METRIC }] },
      }),
    );
    config = loadConfigFile(configFile);
    const secrets = join(dir, 'secrets');
    require('node:fs').mkdirSync(secrets);
    writeReceiverSecrets(config, secrets, sink);
    const ports = [await freePort(), await freePort()];
    const yaml = alertmanagerYaml(config, secrets);
    alertmanagers = [
      await startAlertmanager({ config: yaml, clusterPort: ports[0], peers: [`127.0.0.1:${ports[1]}`] }),
      await startAlertmanager({ config: yaml, clusterPort: ports[1], peers: [`127.0.0.1:${ports[0]}`] }),
    ];
    stops.push(...alertmanagers.map((am) => () => am.stop()));
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    console.info(`anomaly check e2e: ${JSON.stringify(figures)}`);
  });

  /** The local runner as the Lambda runs it, as of `atMs`; resolves to its exit code and printed report. */
  async function runLambda(atMs: number, extra: string[] = []): Promise<{ code: number; report: any }> {
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((text) => void printed.push(String(text)));
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const code = await anomalyMain(
        [
          '--prometheus-url', prometheus.url,
          ...alertmanagers.flatMap((am) => ['--alertmanager-url', am.url]),
          '--pushgateway-url', pushgateway.url,
          '--topic-arn', TOPIC,
          '--region', 'eu-west-1',
          '--sns-endpoint', sns.url,
          '--at', new Date(atMs).toISOString(),
          ...extra,
        ],
        { MONITORING_CONFIG: configFile },
        { logger: silentLogger },
      );
      return { code, report: JSON.parse(printed.join('\n')) };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  const activeAlerts = async (am: RunningServer) => (await getJson(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`anomaly_check="${CHECK}"`)}`)) as Array<{ labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string }>;
  const slack = (status: 'FIRING' | 'RESOLVED') => sink.at('/slack').filter((n) => n.body.attachments?.[0]?.title?.startsWith(`[${status}`) && n.body.attachments[0].title.includes('AnomalyDetected'));

  it('raises the injected anomaly as a routed notification, once, with its score and a link to the graph', async () => {
    const started = Date.now();
    const { code, report } = await runLambda(T1 + 2_000);
    expect(code).toBe(0);
    const check = report.checks.find((c: any) => c.name === CHECK);
    expect(check).toMatchObject({ status: 'ok', series: { total: 21, scored: 21, insufficientHistory: 0, stale: 0 }, points: { perSeries: 4321, missing: 0 }, alerts: { fired: 1 } });
    expect(report.alertmanager.posted).toEqual(alertmanagers.map((am) => ({ url: am.url, ok: true })));

    const notification = await eventually('the anomaly in Slack', async () => slack('FIRING')[0], 60_000, 50);
    figures.runToFiringNotificationSeconds = (notification.at - started) / 1000;
    expect(notification.body.channel).toBe('#alerts');
    expect(notification.body.attachments[0].title).toBe('[FIRING:1] AnomalyDetected e2e checkout (e2e-requests warning)');
    expect(notification.body.attachments[0].text).toMatch(/^Anomaly in e2e-requests \{service="checkout"\}: [\d.]+ at .*\(score 0\.\d{3}\)/);
    expect(notification.body.attachments[0].text).toContain('Runbook: ');

    for (const am of alertmanagers) {
      const [alert, ...others] = await activeAlerts(am);
      expect(others).toEqual([]);
      expect(alert.labels).toEqual({ alertname: 'AnomalyDetected', anomaly_check: CHECK, cluster: 'e2e', service: 'checkout', severity: 'warning' });
      expect(Number(alert.annotations.score)).toBeGreaterThan(0.5);
      expect(alert.startsAt).toBe(new Date(T1 - FIVE_MINUTES_MS).toISOString());
      expect(Date.parse(alert.endsAt)).toBe(T1 + 2_000 + 45 * 60_000);
      expect(alert.generatorURL).toBe(`${prometheus.url}/graph?g0.expr=${METRIC}&g0.tab=0&g0.range_input=1d`);
    }
    // Two replicas hold the alert; their gossip (notification log) lets only one notify.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(slack('FIRING')).toHaveLength(1);
    expect(sink.at('/webhook')).toEqual([]);
  });

  it('publishes one summary to SNS and pushes the run\'s metrics', async () => {
    expect(sns.messages).toEqual([{ topicArn: TOPIC, subject: '[e2e] Anomalies: 1 new, 0 resolved', message: expect.stringContaining('NEW       {service="checkout"}'), at: expect.any(Number) }]);
    const metrics = await (await fetch(`${pushgateway.url}/metrics`)).text();
    const line = (text: string) => expect(metrics.split('\n')).toContain(text);
    line(`anomaly_check_alerts{action="fired",check="${CHECK}",cluster="e2e",instance="",job="anomaly-check"} 1`);
    line(`anomaly_check_series{check="${CHECK}",cluster="e2e",instance="",job="anomaly-check",state="scored"} 21`);
    line('anomaly_check_run_success{cluster="e2e",instance="",job="anomaly-check"} 1');
    expect(metrics).toMatch(/anomaly_check_run_last_success_timestamp_seconds\{cluster="e2e",instance="",job="anomaly-check"\} \d/);
  });

  it('resolves the alert when the next run sees the series back to normal, and the resolution is notified', async () => {
    const started = Date.now();
    const { code, report } = await runLambda(T2 + 2_000);
    expect(code).toBe(0);
    expect(report.checks.find((c: any) => c.name === CHECK)).toMatchObject({ newAnomalies: 0, alerts: { fired: 0, kept: 0, resolved: 1 } });
    const resolved = await eventually('the resolution in Slack', async () => slack('RESOLVED')[0], 60_000, 50);
    figures.runToResolvedNotificationSeconds = (resolved.at - started) / 1000;
    expect(resolved.body.attachments[0].title).toBe('[RESOLVED] AnomalyDetected e2e checkout (e2e-requests warning)');
    expect(resolved.body.attachments[0].text).toMatch(/^Anomaly in e2e-requests \{service="checkout"\} is over: /);
    for (const am of alertmanagers) expect(await activeAlerts(am)).toEqual([]);
    expect(sns.messages.map((m) => m.subject)).toEqual(['[e2e] Anomalies: 1 new, 0 resolved', '[e2e] Anomalies: 0 new, 1 resolved']);
  });

  it(`raises few false alarms on the normal series over ${SWEEP_DAYS} day(s) of runs (default check settings, dry run)`, async () => {
    // The handler's path (the runs above went through the runner's flags and configuration), in a plain Node process (see anomaly-check-sweep.ts).
    const checksFile = join(tempDir('anomaly-sweep'), 'checks.json');
    writeFileSync(checksFile, JSON.stringify(config.anomaly.checks));
    const runs = (SWEEP_DAYS * DAY_MS) / INTERVAL_MS;
    const env = { CLUSTER_NAME: 'e2e', PROMETHEUS_URL: prometheus.url, ALERTMANAGER_URLS: alertmanagers.map((am) => am.url).join(','), CHECKS_FILE: checksFile, CHECKS: CHECK, SWEEP_END: String(T2 + 2_000), SWEEP_RUNS: String(runs), SWEEP_INTERVAL_MS: String(INTERVAL_MS) };
    const child = spawnSync(join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'), [join(__dirname, 'anomaly-check-sweep.ts')], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`the sweep failed: ${child.stderr}`);
    const swept = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { alarms: Array<{ labels: Record<string, string>; startsAt: string }>; meanRunMs: number };
    const alarms = swept.alarms.map((a) => ({ service: a.labels.service, at: Date.parse(a.startsAt) }));
    const injected = (a: { service: string; at: number }) => a.service === 'checkout' && a.at >= ANOMALOUS.anomaly!.fromMs && a.at <= ANOMALOUS.anomaly!.toMs;
    const falseAlarms = alarms.filter((a) => !injected(a));
    const seriesDays = (NORMAL.length + 1) * SWEEP_DAYS;
    figures.falsePositives = {
      runs,
      series: NORMAL.length + 1,
      seriesDays,
      falseAlarms: falseAlarms.length,
      perSeriesPerDay: Number((falseAlarms.length / seriesDays).toFixed(3)),
      falseAlarmTimes: falseAlarms.map((a) => `${a.service}@${new Date(a.at).toISOString()}`),
      injectedDetected: alarms.filter(injected).length,
      meanRunMs: swept.meanRunMs,
    };
    // The injected jump is raised once, in its run. docs/anomaly-detection.md measures 0.04-0.10 false alarms per
    // series and day at "low" on clean data; bench/anomaly-lambda.bench.ts sweeps a whole week.
    expect(alarms.filter(injected)).toHaveLength(1);
    expect(falseAlarms.length / seriesDays).toBeLessThan(0.2);
  });
});
