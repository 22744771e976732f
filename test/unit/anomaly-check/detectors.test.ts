/**
 * The contract every detector keeps: scores in [0, 1] or NaN, no score
 * before `minHistory`, causality, NaN handling, streaming = batch.
 */
import { createDetector, DEFAULT_DETECTOR, DETECTOR_NAMES } from '../../../lambdas/anomaly-check/detectors/registry';
import { inject, normalSeries, POINTS_PER_DAY } from './synthetic';

const series = inject(normalSeries({ days: 5, daily: 10, noise: 1, seed: 11 }), 3 * POINTS_PER_DAY, 3 * POINTS_PER_DAY + 1, (v) => v + 40);

describe.each(DETECTOR_NAMES)('%s', (name) => {
  const result = createDetector(name).score(series.values, series.timestamps);

  it('gives scores in [0, 1] and 0/1 labels, aligned with the input', () => {
    expect(result.scores.length).toBe(series.values.length);
    expect(result.labels.length).toBe(series.values.length);
    for (let i = 0; i < result.scores.length; i++) {
      const score = result.scores[i];
      if (!Number.isNaN(score)) {
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
      expect([0, 1]).toContain(result.labels[i]);
      if (Number.isNaN(score)) expect(result.labels[i]).toBe(0);
    }
  });

  it('scores nothing before the baseline has minHistory points (default 100, configurable)', () => {
    expect(result.scores.slice(0, 100).every(Number.isNaN)).toBe(true);
    const late = createDetector(name, { minHistory: 300 }).score(series.values, series.timestamps);
    expect(late.scores.slice(0, 300).every(Number.isNaN)).toBe(true);
    expect(late.scores.slice(300).some((s) => !Number.isNaN(s))).toBe(true);
  });

  it('is causal: appending points never changes the scores of a prefix', () => {
    const cut = 2 * POINTS_PER_DAY + 37;
    const prefix = createDetector(name).score(series.values.slice(0, cut), series.timestamps.slice(0, cut));
    expect(Array.from(prefix.scores)).toEqual(Array.from(result.scores.slice(0, cut)));
    expect(Array.from(prefix.labels)).toEqual(Array.from(result.labels.slice(0, cut)));
  });

  it('skips NaN values without poisoning its state', () => {
    const gap = 3 * POINTS_PER_DAY + 150;
    const withGaps = Float64Array.from(series.values);
    for (let i = gap; i < gap + 12; i++) withGaps[i] = NaN;
    const gapped = createDetector(name).score(withGaps, series.timestamps);
    expect(Array.from(gapped.scores.slice(gap, gap + 12)).every(Number.isNaN)).toBe(true);
    // The same series with the gap rows removed scores every later point identically.
    const keep = (_: number, i: number): boolean => i < gap || i >= gap + 12;
    const removed = createDetector(name).score(series.values.filter(keep), series.timestamps.filter(keep));
    expect(Array.from(gapped.scores.filter(keep))).toEqual(Array.from(removed.scores));
    expect(Array.from(gapped.scores.slice(gap + 12)).some(Number.isNaN)).toBe(false);
  });

  it('streams point by point exactly as it scores in batch', () => {
    const stream = createDetector(name).stream();
    const scores = Array.from(series.values, (v, i) => stream.push(v, series.timestamps[i]));
    expect(scores).toEqual(Array.from(result.scores));
  });

  it('refuses misaligned input', () => {
    expect(() => createDetector(name).score(new Float64Array(3), new Float64Array(2))).toThrow('must be aligned');
  });
});

describe('registry', () => {
  it('names the default detector and resolves the alias', () => {
    expect(createDetector('default').name).toBe(DEFAULT_DETECTOR);
    expect(createDetector().name).toBe(DEFAULT_DETECTOR);
  });

  it('refuses unknown names and bad options, saying what is allowed', () => {
    expect(() => createDetector('prophet')).toThrow('unknown detector "prophet"; use one of: default, ensemble');
    expect(() => createDetector('ensemble', { minHistory: 1 })).toThrow('minHistory must be an integer >= 2, got 1');
    expect(() => createDetector('ensemble', { sensitivity: 'extreme' as never })).toThrow('sensitivity must be one of low, medium, high, got "extreme"');
    expect(() => createDetector('ensemble', { quietMs: -1 })).toThrow('quietMs must be a duration in milliseconds >= 0, got -1');
  });
});
