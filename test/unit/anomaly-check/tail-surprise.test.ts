import { MAX_SURPRISE, TailCalibrator } from '../../../lambdas/anomaly-check/detectors/tail-surprise';
import { normalSampler } from './synthetic';

function calibrated(values: number[], capacity = 5000): TailCalibrator {
  const calibrator = new TailCalibrator(capacity);
  values.forEach((v) => calibrator.push(v));
  return calibrator;
}

describe('TailCalibrator', () => {
  const noise = normalSampler(3);
  const gaussian = calibrated(Array.from({ length: 4000 }, () => noise()));

  it('finds typical values unsurprising and extreme ones surprising, in proportion', () => {
    expect(gaussian.surprise(0)).toBeLessThan(0.05);
    expect(gaussian.surprise(1)).toBeLessThan(0.6);
    const far = gaussian.surprise(6);
    const farther = gaussian.surprise(8);
    expect(far).toBeGreaterThan(4);
    expect(farther).toBeGreaterThan(far + 1);
    // Two-sided: a dip is judged by the lower tail (fitted separately, so not exactly equal).
    expect(gaussian.surprise(-6)).toBeGreaterThan(4);
    expect(gaussian.upperSurprise(-6)).toBe(0);
  });

  it('uses the empirical rank inside the range', () => {
    const ranks = calibrated(Array.from({ length: 999 }, (_, i) => i));
    // P(X >= 990) = 10/1000, two-sided 0.02.
    expect(ranks.surprise(989.5)).toBeCloseTo(-Math.log10(0.02), 1);
  });

  it('stays calm when a spike is as tall as the routine spikes in the history', () => {
    const spiky = Array.from({ length: 3000 }, (_, i) => (i % 100 === 0 ? 50 + (i % 7) : noise()));
    const calibrator = calibrated(spiky);
    // About 1 in 400: below every alarm threshold (3 and up, after the views' correction).
    expect(calibrator.upperSurprise(54)).toBeLessThan(3);
    expect(calibrator.upperSurprise(200)).toBeGreaterThan(6);
  });

  it('counts ties as ordinary: a flat history is not surprised by its own value, and maximally by any other', () => {
    const flat = calibrated(Array.from({ length: 500 }, () => 3));
    expect(flat.surprise(3)).toBe(0);
    expect(flat.surprise(3.001)).toBe(MAX_SURPRISE);
  });

  it('never calls a value the history has reached rarer than 1 in n + 1, however lumpy the tail', () => {
    // One huge outlier among small values: the parametric tail would call 900 impossible.
    const lumpy = calibrated([...Array.from({ length: 999 }, (_, i) => i % 10), 1000]);
    expect(lumpy.upperSurprise(900)).toBeCloseTo(-Math.log10(2 / 1001), 9);
    expect(lumpy.upperSurprise(1000)).toBeCloseTo(-Math.log10(2 / 1001), 9);
    // Beyond the record, surprise grows with the distance in tail scales.
    expect(lumpy.upperSurprise(1500)).toBeGreaterThan(lumpy.upperSurprise(1000) + 1);
  });

  it('with a learning delay, judges a value against the history from before the last pushes', () => {
    const delayed = new TailCalibrator(1000, { learningDelay: 3 });
    const now = new TailCalibrator(1000);
    for (let i = 0; i < 500; i++) {
      delayed.push(i % 10);
      now.push(i % 10);
    }
    // A departure that builds up: 20, 21, 22 ... judged against its own first steps, or not.
    for (const value of [20, 21, 22]) {
      delayed.push(value);
      now.push(value);
    }
    expect(delayed.size).toBe(now.size);
    expect(delayed.upperSurprise(23)).toBeGreaterThan(now.upperSurprise(23) + 3);
    expect(() => new TailCalibrator(10, { learningDelay: -1 })).toThrow('learningDelay must be an integer >= 0, got -1');
  });

  it('says nothing without history', () => {
    expect(new TailCalibrator(10).surprise(1)).toBe(0);
  });
});
