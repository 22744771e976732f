/** A small NAB-style corpus written to a temporary folder for the evaluation and CLI tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTimestamp } from '../../../lambdas/anomaly-check/nab/csv';
import { inject, normalSeries, POINTS_PER_DAY, type Synthetic } from './synthetic';

export interface Fixture {
  readonly root: string;
  readonly data: string;
  readonly labels: string;
}

/** Writes a series as a NAB CSV. */
export function writeCsv(path: string, series: Synthetic): void {
  const rows = Array.from(series.values, (v, i) => `${formatTimestamp(series.timestamps[i])},${v}`);
  writeFileSync(path, `timestamp,value\n${rows.join('\n')}\n`);
}

/**
 * Two folders: `withSpikes/a.csv` (a spike on day 4, in a window) and
 * `quiet/b.csv` (no anomaly, no window), 6 days at 5 minutes.
 */
export function makeFixture(profiles = defaultProfiles()): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'anomaly-nab-'));
  const data = join(root, 'data');
  const labels = join(root, 'labels');
  for (const folder of ['withSpikes', 'quiet']) mkdirSync(join(data, folder), { recursive: true });
  mkdirSync(labels);
  const at = 4 * POINTS_PER_DAY;
  const a = inject(normalSeries({ days: 6, noise: 1, seed: 1 }), at, at + 1, (v) => v + 30);
  writeCsv(join(data, 'withSpikes', 'a.csv'), a);
  writeCsv(join(data, 'quiet', 'b.csv'), normalSeries({ days: 6, noise: 1, seed: 2 }));
  const window = [formatTimestamp(a.timestamps[at - 40]), formatTimestamp(a.timestamps[at + 40])];
  writeFileSync(join(labels, 'combined_windows.json'), JSON.stringify({ 'withSpikes/a.csv': [window], 'quiet/b.csv': [] }));
  writeFileSync(join(labels, 'scoring-profiles.json'), profiles);
  return { root, data, labels };
}

/** NAB's published profiles, in NAB's file format. */
export function defaultProfiles(): string {
  const profile = (fpWeight: number, fnWeight: number): object => ({ CostMatrix: { tpWeight: 1, fpWeight, fnWeight, tnWeight: 1 } });
  return JSON.stringify({ standard: profile(0.11, 1), reward_low_FP_rate: profile(0.22, 1), reward_low_FN_rate: profile(0.11, 2) });
}
