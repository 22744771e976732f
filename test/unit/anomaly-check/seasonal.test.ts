import { robustZScoreDetector } from '../../../lambdas/anomaly-check/detectors/robust-zscore';
import { seasonalDetector } from '../../../lambdas/anomaly-check/detectors/seasonal';
import { alarmsOf, inject, normalSeries, POINTS_PER_DAY, seasonalShape, START_MS, type SyntheticOptions } from './synthetic';

const OPTIONS: SyntheticOptions = { days: 12, daily: 20, noise: 2 };
const AT = 9 * POINTS_PER_DAY + 100;

/** The series with its daily pattern flattened for one day (values stay within the usual range). */
function flatDay(seed: number) {
  const s = normalSeries({ ...OPTIONS, seed });
  return inject(s, AT, AT + POINTS_PER_DAY, (v, i) => v - seasonalShape(s.timestamps[i], OPTIONS) + 100);
}

describe('seasonal detector', () => {
  it('finds a day without its daily pattern, which a level-based detector cannot see', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const s = flatDay(seed);
      const seasonal = seasonalDetector().score(s.values, s.timestamps);
      expect(Math.max(...seasonal.scores.slice(AT, AT + 36))).toBeGreaterThan(0.5);
      const robust = robustZScoreDetector().score(s.values, s.timestamps);
      expect(alarmsOf(robust.labels).filter((i) => i >= AT && i < AT + POINTS_PER_DAY)).toEqual([]);
    }
  });

  it('derives the season from timestamps: the same day at a 10-minute step, with a 6-hour gap, is found too', () => {
    const s = flatDay(1);
    const keep = (_: number, i: number): boolean => i % 2 === 0 && !(i > 7 * POINTS_PER_DAY && i < 7 * POINTS_PER_DAY + 72);
    const values = s.values.filter(keep);
    const timestamps = s.timestamps.filter(keep);
    const result = seasonalDetector().score(values, timestamps);
    const start = timestamps.findIndex((t) => t >= s.timestamps[AT]);
    expect(Math.max(...result.scores.slice(start, start + 18))).toBeGreaterThan(0.5);
  });

  it('has no baseline until two days of profile and a full day of departures are known', () => {
    const s = normalSeries({ ...OPTIONS, seed: 1 });
    const scores = seasonalDetector().score(s.values, s.timestamps).scores;
    const first = scores.findIndex((x) => !Number.isNaN(x));
    // Two days of profile (less the first points, spent learning the step), then a day (288) of departures.
    expect(first).toBeGreaterThan(2 * POINTS_PER_DAY + POINTS_PER_DAY);
    expect(first).toBeLessThan(2 * POINTS_PER_DAY + POINTS_PER_DAY + 30);
    expect(s.timestamps[0]).toBe(START_MS);
  });

  it('needs minHistory departures when that is more than a day of them', () => {
    const s = normalSeries({ ...OPTIONS, seed: 1 });
    const scores = seasonalDetector({ minHistory: 500 }).score(s.values, s.timestamps).scores;
    const first = scores.findIndex((x) => !Number.isNaN(x));
    expect(first).toBeGreaterThan(2 * POINTS_PER_DAY + 500);
    expect(first).toBeLessThan(2 * POINTS_PER_DAY + 530);
  });
});
