/**
 * One SLA report computation in a fresh process, for the benchmark's wall
 * time and peak memory: `SLA_BENCH_MODE=pure` over the in-memory
 * procedural source, `prometheus` over a real Prometheus at
 * `SLA_BENCH_URL`. Prints one JSON line.
 */
import { Deadline } from '../lambdas/shared/deadline';
import { reportPeriods } from '../lambdas/sla-report/periods';
import { PrometheusSource } from '../lambdas/sla-report/prometheus-source';
import { buildReport } from '../lambdas/sla-report/report';
import { benchDefinitions, ProceduralSource } from './sla-report-data';

async function main(): Promise<void> {
  const slos = Number(process.env.SLA_BENCH_SLOS ?? 100);
  const asOf = Number(process.env.SLA_BENCH_AS_OF);
  const from = Number(process.env.SLA_BENCH_FROM);
  const mode = process.env.SLA_BENCH_MODE ?? 'pure';
  const definitions = benchDefinitions(slos);
  const baseRssMiB = process.memoryUsage().rss / 2 ** 20;
  const procedural = new ProceduralSource({ slos, from, to: asOf + 600_000 });
  const source = mode === 'prometheus' ? new PrometheusSource({ url: process.env.SLA_BENCH_URL!, deadline: Deadline.after(600_000) }) : procedural;
  const started = performance.now();
  const report = await buildReport(definitions, source, {
    asOf,
    periods: reportPeriods(['last-24h', 'last-7d', 'month-to-date'], asOf, 'UTC'),
    timeZone: 'UTC',
    minCoverage: 0.9,
    schedule: 'bench',
    prometheusUrl: 'http://bench',
    concurrency: Number(process.env.SLA_BENCH_CONCURRENCY ?? 4),
  });
  const ms = performance.now() - started;
  const mtd = report.objectives.map((o) => o.periods.find((p) => p.period === 'month-to-date')!);
  console.log(
    JSON.stringify({
      ms,
      rssMiB: process.resourceUsage().maxRSS / 1024,
      baseRssMiB,
      heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
      objectives: report.objectives.length,
      failed: report.summary.failed.length,
      exact: mtd.every((p) => p.exact),
      monthEvents: mtd.reduce((sum, p) => sum + p.total, 0),
      reportKiB: Buffer.byteLength(JSON.stringify(report)) / 1024,
      queries: mode === 'prometheus' ? null : procedural.queries,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
