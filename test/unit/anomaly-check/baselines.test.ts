import { skylineDetector } from '../../../lambdas/anomaly-check/detectors/skyline';
import { SlidingMoments, windowedGaussianDetector } from '../../../lambdas/anomaly-check/detectors/windowed-gaussian';
import { alarmsOf, inject, normalSeries, POINTS_PER_DAY } from './synthetic';

describe('SlidingMoments', () => {
  it('gives the window mean and population deviation, without cancellation at large offsets', () => {
    const moments = new SlidingMoments(3);
    [1e12 + 1, 1e12 + 2, 1e12 + 3, 1e12 + 4].forEach((x) => moments.push(x));
    expect(moments.mean).toBe(1e12 + 3);
    expect(moments.std).toBeCloseTo(Math.sqrt(2 / 3), 6);
  });
});

describe.each([
  ['windowed Gaussian', windowedGaussianDetector],
  ['Skyline', skylineDetector],
])('%s baseline', (_, create) => {
  it('alarms on a large spike in noise', () => {
    const at = 4 * POINTS_PER_DAY;
    const s = inject(normalSeries({ days: 6, noise: 1, seed: 1 }), at, at + 1, (v) => v + 12);
    expect(alarmsOf(create().score(s.values, s.timestamps).labels)).toContain(at);
  });

  it('stays quiet on normal noise at low sensitivity', () => {
    const s = normalSeries({ days: 10, noise: 1, seed: 2 });
    expect(alarmsOf(create({ sensitivity: 'low' }).score(s.values, s.timestamps).labels)).toEqual([]);
  });
});
