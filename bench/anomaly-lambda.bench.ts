/**
 * The anomaly-check Lambda at the issue's scale, against real servers on
 * loopback: a Prometheus 2.53 serving backfilled data (promtool), a real
 * Alertmanager and Pushgateway.
 *
 * - One run over 1,000 normal series x 7 days at 5 minutes (2,017 points
 *   each; the issue's shape) and x 15 days (4,321 points; the default
 *   lookback), through the handler in a fresh process each time (module
 *   loading included, as in a cold Lambda): wall time, peak RSS and heap,
 *   and the run's split between the query (Prometheus, HTTP, JSON) and
 *   the scoring. Its alarms on those normal series are false positives of
 *   one 15-minute interval.
 * - False positives of the default check settings (ensemble, sensitivity
 *   low, minHistory 100) on normal series (the integration tests'
 *   generator: daily cycle, 15% quieter weekends, noise), run by run (each
 *   15-minute run scores its own window, as the Lambda does) over a whole
 *   week, so every weekday and both weekend edges count: with the default
 *   15-day lookback, and with 7 days, too short to learn the weekly pattern.
 */
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnomalyCheck } from '../config/sections/anomaly';
import { evaluateCheck } from '../lambdas/anomaly-check/evaluate-check';
import { PrometheusGridReader } from '../lambdas/anomaly-check/range-reader';
import { evaluationWindow } from '../lambdas/anomaly-check/window';
import { startAlertmanager, startPrometheus, startPushgateway, tempDir } from '../test/helpers/processes';
import { backfill, type SyntheticSeries } from '../test/integration/anomaly-check-harness';
import { median, round, runFresh } from './lib';

const INTERVAL_MS = 900_000;
const DAY_MS = 86_400_000;
const FLEET = 1000;
const SWEEP_SERIES = Number(process.env.ANOMALY_BENCH_SWEEP_SERIES ?? 20);
const SWEEP_DAYS = 7;
const RUNS = 3;

const normal = (prefix: string, n: number, seedBase: number): SyntheticSeries[] => Array.from({ length: n }, (_, i) => ({ labels: { service: `${prefix}-${String(i).padStart(4, '0')}` }, seed: seedBase + i }));

export async function run(): Promise<Record<string, unknown>> {
  const T2 = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
  const stops: Array<() => Promise<void> | void> = [];
  try {
    const fleet = backfill('anomaly_bench_fleet', normal('fleet', FLEET, 10_000), T2 - 16 * DAY_MS, T2);
    const sweep = backfill('anomaly_bench_sweep', normal('sweep', SWEEP_SERIES, 20_000), T2 - (15 + SWEEP_DAYS + 1) * DAY_MS, T2);
    stops.push(() => rmSync(join(fleet.dataDir, '..'), { recursive: true, force: true }), () => rmSync(join(sweep.dataDir, '..'), { recursive: true, force: true }));
    for (const block of readdirSync(sweep.dataDir).filter((d) => /^[0-9A-Z]{26}$/.test(d))) cpSync(join(sweep.dataDir, block), join(fleet.dataDir, block), { recursive: true });
    const prometheus = await startPrometheus({ config: 'global: {}\n', dataDir: fleet.dataDir, args: ['--storage.tsdb.retention.time=90d', '--query.timeout=2m'] });
    stops.push(() => prometheus.stop());
    const alertmanager = await startAlertmanager({ config: 'route: { receiver: sink }\nreceivers: [{ name: sink }]\n' });
    stops.push(() => alertmanager.stop());
    const pushgateway = await startPushgateway();
    stops.push(() => pushgateway.stop());
    const dir = tempDir('anomaly-bench');
    stops.push(() => rmSync(dir, { recursive: true, force: true }));

    const lambdaRuns: Record<string, unknown> = {};
    for (const lookback of ['7d', '15d']) {
      const checksFile = join(dir, `checks-${lookback}.json`);
      writeFileSync(checksFile, JSON.stringify([{ name: `fleet-${lookback}`, query: 'anomaly_bench_fleet', lookback }]));
      const env = { CLUSTER_NAME: 'bench', PROMETHEUS_URL: prometheus.url, ALERTMANAGER_URLS: alertmanager.url, PUSHGATEWAY_URL: pushgateway.url, CHECKS_FILE: checksFile, BENCH_AT: String(T2 + 2_000) };
      const runs = Array.from({ length: RUNS }, () => runFresh(join(__dirname, 'anomaly-lambda-child.ts'), env).result);
      const first = runs[0];
      lambdaRuns[`lookback${lookback}`] = {
        series: first.series,
        samples: first.points,
        runs: RUNS,
        medianWallMs: round(median(runs.map((r) => r.wallMs))),
        medianRunMs: round(median(runs.map((r) => r.runMs))),
        medianQueryMs: round(median(runs.map((r) => r.queryMs))),
        medianScoreMs: round(median(runs.map((r) => r.scoreMs))),
        scoredPointsPerSecond: round(first.points / (median(runs.map((r) => r.scoreMs)) / 1000), 0),
        peakRssMiB: round(Math.max(...runs.map((r) => r.maxRssMiB))),
        peakHeapMiB: round(Math.max(...runs.map((r) => r.peakHeapMiB))),
        alarmsOnNormalSeries: first.newAnomalies,
        alertsPosted: first.fired,
        heldBackByCap: first.suppressed,
      };
    }

    const sweeps: Record<string, unknown> = {};
    for (const lookback of ['7d', '15d']) sweeps[`lookback${lookback}`] = await falsePositives(prometheus.url, lookback, T2);

    return {
      source: 'real Prometheus 2.53 on loopback, backfilled with promtool; real Alertmanager and Pushgateway; the handler in a fresh process per run',
      backfill: { fleetSamples: fleet.samples, fleetPromtoolMs: fleet.promtoolMs, sweepSamples: sweep.samples },
      lambdaRun: lambdaRuns,
      falsePositivesDefaultCheck: sweeps,
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** Every 15-minute run of a week over the sweep series, as the Lambda scores them: alarms are false (the series are normal). */
async function falsePositives(prometheusUrl: string, lookback: string, endMs: number): Promise<Record<string, unknown>> {
  const check = AnomalyCheck.parse({ name: 'sweep', query: 'anomaly_bench_sweep', lookback });
  const client = new PrometheusGridReader({ url: prometheusUrl });
  const runs = (SWEEP_DAYS * DAY_MS) / INTERVAL_MS;
  const byWeekday: Record<string, number> = {};
  let alarms = 0;
  const started = Date.now();
  for (let k = 0; k < runs; k++) {
    const at = endMs - k * INTERVAL_MS + 2_000;
    const evaluation = await evaluateCheck(check, client, at, evaluationWindow(at, INTERVAL_MS));
    for (const series of evaluation.series) {
      for (const alarm of series.alarms) {
        alarms++;
        const day = new Date(alarm.timestamp).toUTCString().slice(0, 3);
        byWeekday[day] = (byWeekday[day] ?? 0) + 1;
      }
    }
  }
  return {
    settings: { detector: check.detector, sensitivity: check.sensitivity, minHistory: check.minHistory, lookback, step: check.step },
    series: SWEEP_SERIES,
    days: SWEEP_DAYS,
    runs,
    falseAlarms: alarms,
    perSeriesPerDay: round(alarms / (SWEEP_SERIES * SWEEP_DAYS), 3),
    byWeekdayOfAlarm: byWeekday,
    meanRunMs: round((Date.now() - started) / runs),
  };
}
