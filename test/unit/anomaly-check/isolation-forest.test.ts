import { averagePathLength, IsolationForest, isolationForestDetector, scoreMultiMetric } from '../../../lambdas/anomaly-check/detectors/isolation-forest';
import { robustZScoreDetector } from '../../../lambdas/anomaly-check/detectors/robust-zscore';
import { alarmsOf, inject, normalSampler, normalSeries, POINTS_PER_DAY } from './synthetic';

describe('IsolationForest', () => {
  it('uses the paper\'s normalizer c(n)', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(10.24, 2);
  });

  it('scores an isolated point higher than the bulk, reproducibly', () => {
    const noise = normalSampler(5);
    const rows = Float64Array.from({ length: 1000 }, () => noise());
    const forest = IsolationForest.fit(rows, 500, 2, { seed: 3 });
    const inlier = forest.score(Float64Array.from([0, 0]));
    const outlier = forest.score(Float64Array.from([6, -6]));
    expect(inlier).toBeLessThan(0.5);
    expect(outlier).toBeGreaterThan(0.7);
    expect(IsolationForest.fit(rows, 500, 2, { seed: 3 }).score(Float64Array.from([6, -6]))).toBe(outlier);
  });

  it('needs two rows', () => {
    expect(() => IsolationForest.fit(new Float64Array(2), 1, 2)).toThrow('at least 2 rows');
  });
});

describe('multi-metric isolation forest', () => {
  // Two independent metrics (say latency and error rate) that leave their
  // usual range together, each by 5 sigma: below the robust z-score's
  // 6-sigma threshold one metric at a time, far out of the joint cloud.
  const AT = 5 * POINTS_PER_DAY;
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  function pair(seed: number): { a: Float64Array; b: Float64Array; timestamps: Float64Array } {
    const a = normalSeries({ days: 6, noise: 1, seed });
    const b = normalSeries({ days: 6, noise: 1, seed: seed + 100 });
    const bump = (v: number, i: number): number => (i >= AT && i < AT + 6 ? 105 : v);
    return { a: Float64Array.from(a.values, bump), b: Float64Array.from(b.values, bump), timestamps: a.timestamps };
  }

  it('flags a joint excursion that neither metric shows alone', () => {
    let alarmed = 0;
    for (const seed of SEEDS) {
      const { a, b, timestamps } = pair(seed);
      const result = scoreMultiMetric([a, b], timestamps);
      expect(result.scores[AT]).toBeGreaterThan(0.5);
      if (alarmsOf(result.labels).includes(AT)) alarmed++;
      for (const metric of [a, b]) expect(alarmsOf(robustZScoreDetector().score(metric, timestamps).labels).filter((i) => i >= AT && i < AT + 6)).toEqual([]);
    }
    // A false alarm shortly before may hold the quiet period.
    expect(alarmed).toBeGreaterThanOrEqual(8);
  });

  it('skips rows where any metric is missing', () => {
    const { a, b, timestamps } = pair(1);
    b[AT - 10] = NaN;
    const result = scoreMultiMetric([a, b], timestamps);
    expect(result.scores[AT - 10]).toBeNaN();
    expect(result.labels[AT - 10]).toBe(0);
    expect(result.scores[AT - 9]).not.toBeNaN();
  });

  it('refuses misaligned series', () => {
    const { a, b, timestamps } = pair(1);
    expect(() => scoreMultiMetric([a, b.slice(1)], timestamps)).toThrow('series 1 has');
  });
});

describe('single-metric isolation forest (lag features)', () => {
  it('scores a spike above its alarm threshold', () => {
    const at = 4 * POINTS_PER_DAY;
    const s = inject(normalSeries({ days: 6, noise: 1, seed: 4 }), at, at + 1, (v) => v + 10);
    expect(isolationForestDetector().score(s.values, s.timestamps).scores[at]).toBeGreaterThan(0.5);
  });
});
