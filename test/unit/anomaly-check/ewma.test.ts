import { EwmaBaseline, ewmaDetector } from '../../../lambdas/anomaly-check/detectors/ewma';
import { alarmsOf, inject, normalSeries, POINTS_PER_DAY } from './synthetic';

describe('EwmaBaseline', () => {
  it('moves at most alpha * 3 sigma towards an outlier once clipping is on', () => {
    const baseline = new EwmaBaseline(0.1);
    for (let i = 0; i < 200; i++) baseline.update(i % 2 ? 1 : -1, i > 50);
    const { mean, sigma } = baseline;
    baseline.update(1000, true);
    expect(baseline.mean - mean).toBeCloseTo(0.1 * 3 * sigma, 10);
  });
});

describe('EWMA detector', () => {
  const at = 4 * POINTS_PER_DAY;

  it('alarms when a level shift leaves the control band, once', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const s = inject(normalSeries({ days: 6, noise: 1, seed }), at, Infinity, (v) => v + 8);
      const alarms = alarmsOf(ewmaDetector().score(s.values, s.timestamps).labels);
      expect(alarms.length).toBe(1);
      expect(alarms[0] - at).toBeGreaterThanOrEqual(0);
      expect(alarms[0] - at).toBeLessThan(6);
    }
  });

  it('absorbs the new level: scores fall back below the threshold within a day', () => {
    const s = inject(normalSeries({ days: 6, noise: 1, seed: 1 }), at, Infinity, (v) => v + 8);
    const scores = ewmaDetector().score(s.values, s.timestamps).scores;
    expect(Math.max(...scores.slice(at + POINTS_PER_DAY))).toBeLessThan(0.5);
  });

  it('keeps values inside the band quiet', () => {
    const s = normalSeries({ days: 10, noise: 1, seed: 9 });
    expect(alarmsOf(ewmaDetector().score(s.values, s.timestamps).labels)).toEqual([]);
  });

  it('refuses a non-positive half-life', () => {
    expect(() => ewmaDetector({ halfLifePoints: 0 })).toThrow('halfLifePoints must be positive, got 0');
  });
});
