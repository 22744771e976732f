/**
 * Full synth of each profile, each run in a fresh process as a user runs
 * it: median in-process synth time (module loading included), median wall
 * time of the whole process (tsx start-up included) and peak memory.
 */
import { join } from 'node:path';
import { median, round, runFresh } from './lib';

const RUNS = 7;

export async function run(): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {};
  for (const profile of ['default', 'production']) {
    const runs = Array.from({ length: RUNS }, () => runFresh(join(__dirname, 'synth-child.ts'), { MONITORING_PROFILE: profile }));
    figures[profile] = {
      runs: RUNS,
      medianSynthMs: round(median(runs.map((r) => r.result.synthMs))),
      medianProcessWallMs: round(median(runs.map((r) => r.wallMs))),
      peakRssMiB: round(Math.max(...runs.map((r) => r.result.maxRssMiB))),
    };
  }
  return figures;
}
