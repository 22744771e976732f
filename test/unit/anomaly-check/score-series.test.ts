import { scoreSeries, summarizeInterval } from '../../../lambdas/anomaly-check/detectors/score-series';
import { inject, normalSeries, POINTS_PER_DAY, STEP_MS } from './synthetic';

describe('scoreSeries', () => {
  it('scores with the default detector and reports how much was scored', () => {
    const s = normalSeries({ days: 2, seed: 1 });
    const result = scoreSeries(s.values, s.timestamps);
    expect(result.detector).toBe('ensemble');
    expect(result.status).toBe('ok');
    expect(result.scoredPoints).toBe(2 * POINTS_PER_DAY - 100);
    expect(result.missingPoints).toBe(0);
  });

  it('says when there is too little history, or the newest point is a gap', () => {
    const short = normalSeries({ days: 1, seed: 1 });
    expect(scoreSeries(short.values.slice(0, 50), short.timestamps.slice(0, 50)).status).toBe('insufficient-history');
    const values = Float64Array.from(short.values);
    values[values.length - 1] = NaN;
    const stale = scoreSeries(values, short.timestamps, { detector: 'robust-zscore' });
    expect(stale.status).toBe('stale-tail');
    expect(stale.missingPoints).toBe(1);
  });

  it('passes options through and refuses unknown detectors', () => {
    const s = normalSeries({ days: 1, seed: 1 });
    expect(scoreSeries(s.values, s.timestamps, { minHistory: 200 }).scoredPoints).toBe(POINTS_PER_DAY - 200);
    expect(() => scoreSeries(s.values, s.timestamps, { detector: 'nope' })).toThrow('unknown detector "nope"');
  });
});

describe('summarizeInterval', () => {
  it('returns the alarms and scores of the newest interval only', () => {
    const at = 3 * POINTS_PER_DAY - 2;
    const s = inject(normalSeries({ days: 3, seed: 5, noise: 1 }), at, at + 1, (v) => v + 20);
    const result = scoreSeries(s.values, s.timestamps, { detector: 'robust-zscore' });
    const since = s.timestamps[s.timestamps.length - 1] - 3 * STEP_MS;
    const summary = summarizeInterval(s.values, s.timestamps, result, since);
    expect(summary.scoredPoints).toBe(3);
    expect(summary.alarms).toEqual([{ index: at, timestamp: s.timestamps[at], value: s.values[at], score: result.scores[at] }]);
    expect(summary.maxScore).toBe(result.scores[at]);
    expect(summary.lastScore).toBe(result.scores[s.values.length - 1]);
    expect(summary.lastScore).toBeLessThan(0.5);
  });

  it('has NaN scores when nothing in the interval was scored', () => {
    const s = normalSeries({ days: 1, seed: 1 });
    const summary = summarizeInterval(s.values, s.timestamps, scoreSeries(s.values, s.timestamps), s.timestamps[s.timestamps.length - 1]);
    expect(summary).toEqual({ alarms: [], maxScore: NaN, lastScore: NaN, scoredPoints: 0 });
  });
});
