/**
 * One anomaly-check Lambda run in this fresh process, through the handler
 * (`invoke`) with the environment the parent passes; prints its wall time,
 * peak memory and the run's own figures as JSON on the last line.
 */
const started = performance.now();
// Loaded here, not at the top, so module loading counts as it does in a cold Lambda.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { invoke } = require('../lambdas/anomaly-check/handler');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { silentLogger } = require('../lambdas/shared/log');

let peakHeap = 0;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 10);
const at = Number(process.env.BENCH_AT);
invoke(process.env, undefined, { getRemainingTimeInMillis: () => 300_000 }, { logger: silentLogger, now: () => at })
  .then((report: any) => {
    clearInterval(sampler);
    const check = report.checks[0];
    console.log(
      JSON.stringify({
        wallMs: performance.now() - started,
        runMs: report.durationMs,
        queryMs: check.queryMs,
        scoreMs: check.scoreMs,
        series: check.series.total,
        points: check.points.samples,
        newAnomalies: check.newAnomalies,
        fired: check.alerts.fired,
        suppressed: check.alerts.suppressed,
        maxRssMiB: process.resourceUsage().maxRSS / 1024,
        peakHeapMiB: peakHeap / 2 ** 20,
      }),
    );
  })
  .catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
