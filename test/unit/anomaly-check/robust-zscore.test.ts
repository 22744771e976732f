import { robustZ, robustZScoreDetector } from '../../../lambdas/anomaly-check/detectors/robust-zscore';
import { SortedWindow } from '../../../lambdas/anomaly-check/detectors/sorted-window';
import { windowedGaussianDetector } from '../../../lambdas/anomaly-check/detectors/windowed-gaussian';
import { alarmsOf, inject, normalSeries, POINTS_PER_DAY } from './synthetic';

describe('robustZ', () => {
  it('is the distance from the median in units of 1.4826 MAD', () => {
    const window = new SortedWindow(10);
    [1, 2, 3, 4, 100].forEach((x) => window.push(x));
    // median 3, MAD median(|-2|,|-1|,0,1,97) = 1
    expect(robustZ(6, window, 0)).toBeCloseTo(3 / 1.4826, 10);
  });

  it('falls back to the mean absolute deviation when most of the window is one value', () => {
    const window = new SortedWindow(10);
    [5, 5, 5, 5, 5, 5, 9].forEach((x) => window.push(x));
    expect(robustZ(7, window, 0.5)).toBeCloseTo(2 / (1.2533 * 0.5), 10);
  });
});

describe('robust z-score detector', () => {
  const at = 4 * POINTS_PER_DAY;

  it('alarms on a spike in noise, at the spike', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const s = inject(normalSeries({ days: 6, noise: 1, seed }), at, at + 1, (v) => v + 9);
      expect(alarmsOf(robustZScoreDetector().score(s.values, s.timestamps).labels)).toEqual([at]);
    }
  });

  it('is not blinded by an earlier outlier, as a mean/variance window is', () => {
    let s = normalSeries({ days: 6, noise: 1, seed: 2 });
    s = inject(s, at - 50, at - 49, () => 10_000);
    s = inject(s, at, at + 1, (v) => v + 8);
    const robust = robustZScoreDetector().score(s.values, s.timestamps).scores[at];
    const gaussian = windowedGaussianDetector().score(s.values, s.timestamps).scores[at];
    expect(robust).toBeGreaterThan(0.5);
    expect(gaussian).toBeLessThan(0.1);
  });
});
