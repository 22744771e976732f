/**
 * The anomaly-check Lambda's error paths and awkward data on loopback,
 * through its local runner, against real Prometheus (backfilled series),
 * Alertmanager and Pushgateway servers and the SNS stand-in. Each case
 * checks the documented outcome:
 *
 * - stale, young and gappy series are scored or reported, never alerted on;
 * - a check whose query Prometheus refuses fails alone (exit 1), the others
 *   deliver;
 * - thirty series going anomalous at once raise at most `maxAlerts` alerts
 *   and one `AnomalyAlertsCapped` alert, and the SNS summary says so;
 * - a series the query stops returning has its alert resolved;
 * - Prometheus unreachable: retried within the time left, then the check
 *   fails and the metrics say so;
 * - an Alertmanager replica, SNS or the Pushgateway down: everything else is
 *   delivered, then the run fails (the Lambda's error alarm fires);
 *   throttled SNS calls are retried by the SDK.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as anomalyMain } from '../../lambdas/anomaly-check/cli';
import { silentLogger } from '../../lambdas/shared/log';
import { freePort, getJson, type RunningServer, startAlertmanager, startPrometheus, startPushgateway, tempDir } from '../helpers/processes';
import { backfill, FIVE_MINUTES_MS, SNS_TEST_ENV, type SnsSink, startSnsSink, type SyntheticSeries } from './anomaly-check-harness';

jest.setTimeout(180_000);

const INTERVAL_MS = 900_000;
const DAY_MS = 86_400_000;
const T2 = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
const T1 = T2 - INTERVAL_MS;
const START = T2 - 16 * DAY_MS;
const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:faults-monitoring-alerts';
const spike = { fromMs: T1 - FIVE_MINUTES_MS, toMs: T1, shift: 1.5 };

describe('anomaly check error paths', () => {
  const stops: Array<() => Promise<void>> = [];
  let prometheus: RunningServer;
  let alertmanager: RunningServer;
  let pushgateway: RunningServer;
  let sns: SnsSink;
  let dir: string;

  beforeAll(async () => {
    Object.assign(process.env, SNS_TEST_ENV);
    dir = tempDir('anomaly-faults');
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    // One TSDB, two metrics: five awkward series, and a fleet of thirty that jumps at once.
    const faults: SyntheticSeries[] = ['steady', 'spiky', 'ending', 'young', 'gappy'].map((name, i) => ({ labels: { series: name }, seed: 500 + i, ...(name === 'spiky' ? { anomaly: spike } : {}) }));
    const fleet: SyntheticSeries[] = Array.from({ length: 30 }, (_, i) => ({ labels: { pod: `web-${i}` }, seed: 600 + i, anomaly: spike }));
    const om = backfillEdited(faults, fleet);
    stops.push(async () => rmSync(join(om, '..'), { recursive: true, force: true }));
    prometheus = await startPrometheus({ config: 'global: {}\n', dataDir: om });
    stops.push(() => prometheus.stop());
    alertmanager = await startAlertmanager({ config: 'route: { receiver: sink, group_wait: 1s }\nreceivers: [{ name: sink }]\n' });
    stops.push(() => alertmanager.stop());
    pushgateway = await startPushgateway();
    stops.push(() => pushgateway.stop());
    sns = await startSnsSink();
    stops.push(() => sns.stop());
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });

  /**
   * Backfills both metrics; the awkward series are edited in OpenMetrics
   * terms: `ending` stops 40 minutes before the first run, `young` starts
   * 3 hours before it (36 points, under minHistory), `gappy` has a day of
   * NaN values in the middle of its week.
   */
  function backfillEdited(faults: SyntheticSeries[], fleet: SyntheticSeries[]): string {
    const full = backfill('anomaly_faults', faults, START, T2);
    const fleetData = backfill('anomaly_fleet', fleet, START, T2);
    // Rewrite the awkward series: promtool reads them from a second file into the same data directory.
    rmSync(full.dataDir, { recursive: true, force: true });
    const { readFileSync } = require('node:fs');
    const lines = (readFileSync(join(full.dataDir, '..', 'input.om'), 'utf8') as string).split('\n').filter((line) => {
      const t = Number(line.split(' ')[2]) * 1000;
      if (line.startsWith('anomaly_faults{series="ending"}')) return t <= T1 - 40 * 60_000;
      if (line.startsWith('anomaly_faults{series="young"}')) return t >= T1 - 3 * 3_600_000 + FIVE_MINUTES_MS;
      return true;
    }).map((line) => {
      const t = Number(line.split(' ')[2]) * 1000;
      return line.startsWith('anomaly_faults{series="gappy"}') && t > START + 3 * DAY_MS && t <= START + 4 * DAY_MS ? line.replace(/ [\d.]+ (\d+)$/, ' NaN $1') : line;
    });
    writeFileSync(join(full.dataDir, '..', 'input.om'), lines.join('\n'));
    const result = require('node:child_process').spawnSync(require('../../scripts/lib/tools').toolPath('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', join(full.dataDir, '..', 'input.om'), fleetData.dataDir], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return fleetData.dataDir;
  }

  function checksFile(name: string, checks: unknown[]): string {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(checks));
    return path;
  }

  async function run(atMs: number, file: string, change: { prometheusUrl?: string; alertmanagerUrls?: string[]; pushgatewayUrl?: string; timeout?: string } = {}): Promise<{ code: number; report: any; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((text) => void out.push(String(text)));
    const error = jest.spyOn(console, 'error').mockImplementation((text) => void err.push(String(text)));
    try {
      const code = await anomalyMain(
        [
          '--prometheus-url', change.prometheusUrl ?? prometheus.url,
          ...(change.alertmanagerUrls ?? [alertmanager.url]).flatMap((url) => ['--alertmanager-url', url]),
          '--pushgateway-url', change.pushgatewayUrl ?? pushgateway.url,
          '--topic-arn', TOPIC, '--region', 'eu-west-1', '--sns-endpoint', sns.url,
          '--cluster', 'faults', '--checks-file', file, '--at', new Date(atMs).toISOString(),
          ...(change.timeout ? ['--timeout', change.timeout] : []),
        ],
        {},
        { logger: silentLogger },
      );
      return { code, report: out.length ? JSON.parse(out.join('\n')) : undefined, stderr: err.join('\n') };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  const alertsOf = async (check: string) => (await getJson(`${alertmanager.url}/api/v2/alerts?filter=${encodeURIComponent(`anomaly_check="${check}"`)}`)) as Array<{ labels: Record<string, string>; annotations: Record<string, string> }>;
  const pushed = async () => (await (await fetch(`${pushgateway.url}/metrics`)).text()).split('\n');

  it('reports stale, young and gappy series, alerts on the real anomaly only, and fails only the check Prometheus refuses', async () => {
    const file = checksFile('first', [
      { name: 'faults', query: 'anomaly_faults' },
      { name: 'broken', query: 'sum(rate(anomaly_faults[5m])' },
      { name: 'fleet', query: 'anomaly_fleet', maxAlerts: 5, severity: 'high' },
    ]);
    const { code, report, stderr } = await run(T1 + 2_000, file);
    expect(code).toBe(1);
    const [faults, broken, fleet] = report.checks;
    expect(faults).toMatchObject({ status: 'ok', series: { total: 5, scored: 3, stale: 1, insufficientHistory: 1 }, alerts: { fired: 1 } });
    expect(faults.points.missing).toBeGreaterThanOrEqual(288);
    expect(faults.points.nonFinite).toBe(288);
    expect((await alertsOf('faults')).map((a) => a.labels.series)).toEqual(['spiky']);
    expect(broken).toMatchObject({ status: 'failed', error: expect.stringContaining('refused (400): bad_data') });
    expect(report.problems).toEqual([expect.stringMatching(/^check broken failed: PrometheusQueryError: Prometheus query "sum\(rate\(anomaly_faults\[5m\]\)": refused \(400\): bad_data: .*parse error/)]);
    expect(stderr).toContain('anomaly check run failed: check broken failed');

    // Thirty series at once: five alerts, highest scores first, and one alert that says so.
    expect(fleet).toMatchObject({ status: 'ok', newAnomalies: 30, capped: true, alerts: { fired: 6, suppressed: 25 } });
    const fleetAlerts = await alertsOf('fleet');
    expect(fleetAlerts.filter((a) => a.labels.alertname === 'AnomalyDetected')).toHaveLength(5);
    expect(fleetAlerts.find((a) => a.labels.alertname === 'AnomalyAlertsCapped')!.annotations.summary).toBe('30 series of check fleet turned anomalous in one run; alerted the 5 with the highest scores');

    const summary = sns.messages.at(-1)!;
    expect(summary.subject).toBe('[faults] Anomalies: 7 new, 0 resolved');
    expect(summary.message).toContain('fleet (high): 6 new, 0 resolved; capped: 30 new anomalies, 25 not alerted one by one');
    expect(summary.message).toContain('Failed checks (the run is reported as failed):\n  broken: PrometheusQueryError: Prometheus query');
    const metrics = await pushed();
    expect(metrics).toContain('anomaly_check_success{check="broken",cluster="faults",instance="",job="anomaly-check"} 0');
    expect(metrics).toContain('anomaly_check_series{check="faults",cluster="faults",instance="",job="anomaly-check",state="stale"} 1');
    expect(metrics).toContain('anomaly_check_capped{check="fleet",cluster="faults",instance="",job="anomaly-check"} 1');
    expect(metrics).toContain('anomaly_check_run_success{cluster="faults",instance="",job="anomaly-check"} 0');
  });

  it('resolves the alert of a series the query no longer returns, and the cap once the fleet is normal', async () => {
    const file = checksFile('second', [
      { name: 'faults', query: 'anomaly_faults{series!="spiky"}' },
      { name: 'fleet', query: 'anomaly_fleet', maxAlerts: 5, severity: 'high' },
    ]);
    const { code, report } = await run(T2 + 2_000, file);
    expect(code).toBe(0);
    expect(report.checks[0]).toMatchObject({ series: { total: 4 }, alerts: { resolved: 1 } });
    expect(report.checks[1]).toMatchObject({ capped: false, alerts: { fired: 0, resolved: 6 } });
    expect(await alertsOf('faults')).toEqual([]);
    expect(await alertsOf('fleet')).toEqual([]);
    expect(sns.messages.at(-1)!.message).toContain('RESOLVED  {series="spiky"} no longer returned by the query');
  });

  it('retries an unreachable Prometheus within the time left, then fails the check and says so in its metrics', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const { code, report } = await run(T2 + 2_000, checksFile('unreachable', [{ name: 'unreachable', query: 'anomaly_faults' }]), { prometheusUrl: closed, timeout: '30' });
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(report.checks[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/^RetryError: Prometheus query_range "anomaly_faults" at http:\/\/127\.0\.0\.1:\d+\/? failed \((gave up after 5 attempts|stopped after \d attempt\(s\): the remaining time cannot hold another)\): .*fetch failed/) });
    expect(await pushed()).toContain('anomaly_check_success{check="unreachable",cluster="faults",instance="",job="anomaly-check"} 0');
  });

  it('still alerts through the Alertmanager that is up when another is down, then fails the run naming it', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const { code, report } = await run(T1 + 2_000, checksFile('replica', [{ name: 'replica', query: 'anomaly_faults{series="spiky"}' }]), { alertmanagerUrls: [alertmanager.url, down] });
    expect(code).toBe(1);
    expect((await alertsOf('replica')).map((a) => a.labels.series)).toEqual(['spiky']);
    expect(report.problems).toEqual([`cannot read the active alerts of ${down}: ${report.alertmanager.read[1].error}`, expect.stringContaining(`cannot post 1 alerts to ${down}: `)]);
  });

  it('retries throttled SNS calls (the SDK), and fails the run when SNS stays down, after the alerts are out', async () => {
    sns.failNext(2, 400);
    const before = sns.messages.length;
    const throttled = await run(T1 + 2_000, checksFile('throttled', [{ name: 'throttled', query: 'anomaly_faults{series="spiky"}' }]));
    expect(throttled.code).toBe(0);
    expect(sns.messages.length).toBe(before + 1);

    sns.failNext(100, 500);
    const down = await run(T1 + 2_000, checksFile('sns-down', [{ name: 'sns-down', query: 'anomaly_faults{series="spiky"}' }]));
    sns.failNext(0, 500);
    expect(down.code).toBe(1);
    expect(down.report.sns).toMatchObject({ status: 'failed', error: expect.stringContaining('injected failure') });
    expect((await alertsOf('sns-down')).map((a) => a.labels.series)).toEqual(['spiky']);
  });

  it('fails the run when the Pushgateway is down, after the alerts are out', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const { code, report } = await run(T1 + 2_000, checksFile('no-metrics', [{ name: 'no-metrics', query: 'anomaly_faults{series="spiky"}' }]), { pushgatewayUrl: down });
    expect(code).toBe(1);
    expect(report.pushgateway).toMatchObject({ status: 'failed' });
    expect(report.problems).toEqual([expect.stringContaining(`cannot push the metrics to ${down}: `)]);
    expect((await alertsOf('no-metrics')).map((a) => a.labels.series)).toEqual(['spiky']);
  });
});
