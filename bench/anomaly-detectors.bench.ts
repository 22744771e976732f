/**
 * Throughput of each anomaly detector on one core: points per second over a
 * 1,000,000-point series (5-minute steps, about 9.5 years of a daily
 * pattern with noise and occasional spikes; the isolation forest, refitted
 * every 512 points, gets the first 200,000), best of 3 runs after a
 * warm-up, plus the default detector over the anomaly-check Lambda's
 * workload shape: 1,000 series of 7 days at 5-minute steps. Each figure is
 * given by wall time and by CPU time (see {@link bestMs}).
 */
import { seededRandom } from '../lambdas/anomaly-check/detectors/isolation-forest';
import { createDetector, DEFAULT_DETECTOR, DETECTOR_NAMES } from '../lambdas/anomaly-check/detectors/registry';
import { round } from './lib';

const POINTS = 1_000_000;
/** Points for detectors too slow for the full series within a benchmark run. */
const SLOW_POINTS: Readonly<Record<string, number>> = { 'isolation-forest': 200_000 };
const STEP_MS = 300_000;
const RUNS = 3;

/** A seasonal, noisy, spiky series of `n` points. */
function series(n: number, seed: number): { values: Float64Array; timestamps: Float64Array } {
  const random = seededRandom(seed);
  const values = new Float64Array(n);
  const timestamps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timestamps[i] = Date.UTC(2024, 0, 1) + i * STEP_MS;
    const noise = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    values[i] = 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * noise + (random() < 0.0005 ? 40 : 0);
  }
  return { values, timestamps };
}

/**
 * Best wall time and best CPU time (ms) of `runs` calls after one warm-up
 * call. On a shared machine the wall time includes waiting for a core; the
 * CPU time (user + system of this process) is what the work itself costs.
 */
function bestMs(runs: number, fn: () => void): { wall: number; cpu: number } {
  fn();
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    const cpuStarted = process.cpuUsage();
    fn();
    const used = process.cpuUsage(cpuStarted);
    wall = Math.min(wall, Number(process.hrtime.bigint() - started) / 1e6);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

export async function run(): Promise<Record<string, unknown>> {
  const long = series(POINTS, 1);
  const pointsPerSecond: Record<string, number> = {};
  const cpuPointsPerSecond: Record<string, number> = {};
  for (const name of DETECTOR_NAMES) {
    const n = SLOW_POINTS[name] ?? POINTS;
    const values = long.values.subarray(0, n);
    const timestamps = long.timestamps.subarray(0, n);
    const ms = bestMs(RUNS, () => createDetector(name).score(values, timestamps));
    pointsPerSecond[name] = round(n / (ms.wall / 1000), 0);
    cpuPointsPerSecond[name] = round(n / (ms.cpu / 1000), 0);
  }
  const fleet = Array.from({ length: 1000 }, (_, i) => series(7 * 288, 100 + i));
  const fleetMs = bestMs(RUNS, () => {
    for (const s of fleet) createDetector(DEFAULT_DETECTOR).score(s.values, s.timestamps);
  });
  const fleetPoints = 1000 * 7 * 288;
  return {
    points: POINTS,
    pointsOverride: SLOW_POINTS,
    pointsPerSecond,
    cpuPointsPerSecond,
    [`${DEFAULT_DETECTOR}1000Series7Days`]: {
      points: fleetPoints,
      wallMs: round(fleetMs.wall),
      cpuMs: round(fleetMs.cpu),
      pointsPerSecond: round(fleetPoints / (fleetMs.wall / 1000), 0),
      cpuPointsPerSecond: round(fleetPoints / (fleetMs.cpu / 1000), 0),
    },
    heapUsedMiB: round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}
