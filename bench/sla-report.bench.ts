/**
 * The SLA report for 100 SLOs over 30 days of 1-minute data (the month
 * to date on 31 March, with the last 24 hours, the last 7 days and 3 days
 * of burn-rate history): wall time and peak memory of the computation,
 * each in a fresh process,
 *
 * - `pure`: over an in-memory source computing the same records and raw
 *   samples from formulas (the report's own cost: parsing, timelines,
 *   recounts, figures, burn rates, episodes, burn-down);
 * - `prometheus`: over a real Prometheus 2.53 from .tools serving the
 *   step records of the 100 SLOs (33 days, 9,500 steps each, three
 *   records) and their raw 1-minute counters around the period boundaries
 *   (the only raw samples the report reads), backfilled with `promtool
 *   tsdb create-blocks-from openmetrics`. The records are written
 *   directly rather than by `create-blocks-from rules`, which would take
 *   hours for 100 SLOs (one block per rule and 2 hours).
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { toolPath } from '../scripts/lib/tools';
import { startPrometheus } from '../test/helpers/processes';
import { round, runFresh } from './lib';
import { openMetricsLines, STEP } from './sla-report-data';

const SLOS = 100;
const AS_OF = Date.parse('2024-03-31T00:00:00Z');
const DAY = 86_400_000;
const FROM = AS_OF - 33 * DAY - 3_600_000;
const CHILD = join(__dirname, 'sla-report-child.ts');

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function summary(result: Record<string, number>, wallMs: number) {
  return {
    computeMs: round(result.ms),
    processWallMs: round(wallMs),
    peakRssMiB: round(result.rssMiB),
    rssBeforeMiB: round(result.baseRssMiB),
    heapUsedMiB: round(result.heapUsedMiB),
    objectives: result.objectives,
    failed: result.failed,
    exact: result.exact,
    monthEvents: result.monthEvents,
    reportKiB: round(result.reportKiB),
    ...(result.queries !== null ? { queries: result.queries } : {}),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const env = { SLA_BENCH_SLOS: String(SLOS), SLA_BENCH_AS_OF: String(AS_OF), SLA_BENCH_FROM: String(FROM) };
  const figures: Record<string, unknown> = { slos: SLOS, days: 30, periods: ['last-24h', 'last-7d', 'month-to-date (30 days)'], samplesPerStepRecord: 33 * 288 };
  const pure = runFresh(CHILD, { ...env, SLA_BENCH_MODE: 'pure' });
  figures.pure = summary(pure.result, pure.wallMs);

  let promtool: string;
  try {
    promtool = toolPath('promtool');
  } catch (error) {
    figures.prometheus = { skipped: (error as Error).message };
    return figures;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-sla-'));
  try {
    const started = performance.now();
    // Raw counters 20 minutes around each boundary and before asOf; records up to the last step before asOf.
    const boundaries = [AS_OF, AS_OF - DAY, AS_OF - 7 * DAY, Date.parse('2024-03-01T00:00:00Z')].sort((a, b) => a - b);
    const windows = boundaries.map((b) => [b - 20 * 60_000, b + 20 * 60_000] as const);
    await writeLines(join(dir, 'input.om'), openMetricsLines({ slos: SLOS, from: FROM, to: AS_OF + 600_000 }, AS_OF - STEP / 2, windows));
    const blocks = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=2400h', 'input.om', 'data'], { cwd: dir, encoding: 'utf8' });
    if (blocks.status !== 0) throw new Error(`promtool: ${blocks.stdout}${blocks.stderr}`);
    const backfillMs = performance.now() - started;
    const prometheus = await startPrometheus({ config: 'global: {}\n', dataDir: join(dir, 'data'), args: ['--storage.tsdb.retention.time=100y'] });
    try {
      const real = runFresh(CHILD, { ...env, SLA_BENCH_MODE: 'prometheus', SLA_BENCH_URL: prometheus.url });
      figures.prometheus = { ...summary(real.result, real.wallMs), backfillMs: round(backfillMs) };
    } finally {
      await prometheus.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
