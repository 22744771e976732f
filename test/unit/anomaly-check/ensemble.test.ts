/**
 * The default detector on synthetic series: injected anomalies of each
 * kind are found, normal-but-noisy and seasonal stretches stay quiet.
 */
import { ensembleDetector } from '../../../lambdas/anomaly-check/detectors/ensemble';
import type { Sensitivity } from '../../../lambdas/anomaly-check/detectors/types';
import { alarmsOf, inject, normalSeries, POINTS_PER_DAY, seasonalShape, type Synthetic, type SyntheticOptions } from './synthetic';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** The anomaly starts on day 10 at 08:20 UTC, after 10 days of normal history. */
const AT = 10 * POINTS_PER_DAY + 100;
const SEASONAL: SyntheticOptions = { days: 14, daily: 20, noise: 2 };

/** An anomaly kind: how to inject it into a normal series, and how soon it must be flagged (points). */
interface Kind {
  readonly make: (seed: number) => Synthetic;
  readonly within: number;
}

const kinds: Record<string, Kind> = {
  'a spike': { make: (seed) => inject(normalSeries({ ...SEASONAL, seed }), AT, AT + 1, (v) => v + 16), within: 1 },
  'a dip': { make: (seed) => inject(normalSeries({ ...SEASONAL, seed }), AT, AT + 1, (v) => v - 16), within: 1 },
  'a level shift': { make: (seed) => inject(normalSeries({ ...SEASONAL, seed }), AT, Infinity, (v) => v + 10), within: 12 },
  'a variance change': {
    make: (seed) => {
      const s = normalSeries({ ...SEASONAL, seed });
      return inject(s, AT, Infinity, (v, i) => seasonalShape(s.timestamps[i], SEASONAL) + 4 * (v - seasonalShape(s.timestamps[i], SEASONAL)));
    },
    within: 36,
  },
  'a flat day (seasonal break)': {
    make: (seed) => {
      const s = normalSeries({ ...SEASONAL, seed });
      return inject(s, AT, AT + POINTS_PER_DAY, (v, i) => v - seasonalShape(s.timestamps[i], SEASONAL) + 100);
    },
    within: 36,
  },
  'a peak at the wrong time of day': { make: (seed) => inject(normalSeries({ ...SEASONAL, seed }), AT, AT + 24, (v) => v + 30), within: 3 },
};

describe('ensemble detector', () => {
  describe.each(Object.entries(kinds))('finds %s', (_, kind) => {
    const runs = SEEDS.map((seed) => ensembleDetector().score(kind.make(seed).values, kind.make(seed).timestamps));

    it('with evidence above the alarm threshold in every run', () => {
      for (const run of runs) expect(Math.max(...run.scores.slice(AT, AT + kind.within))).toBeGreaterThan(0.5);
    });

    it('with an alarm in at least 8 of 10 runs (a false alarm shortly before may hold the quiet period)', () => {
      const found = runs.filter((run) => alarmsOf(run.labels).some((i) => i >= AT && i < AT + kind.within));
      expect(found.length).toBeGreaterThanOrEqual(8);
    });
  });

  it('raises at most one alarm for a lasting shift, not one per point', () => {
    for (const seed of SEEDS) {
      const s = inject(normalSeries({ ...SEASONAL, seed }), AT, Infinity, (v) => v + 10);
      const alarms = alarmsOf(ensembleDetector().score(s.values, s.timestamps).labels);
      expect(alarms.filter((i) => i >= AT && i < AT + POINTS_PER_DAY).length).toBeLessThanOrEqual(1);
    }
  });

  /** False alarms per day after a 3-day warm-up, over 5 seeds of 30 days. */
  function falseAlarmsPerDay(options: SyntheticOptions, sensitivity: Sensitivity): number {
    let alarms = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const s = normalSeries({ ...options, seed });
      alarms += alarmsOf(ensembleDetector({ sensitivity }).score(s.values, s.timestamps).labels).filter((i) => i >= 3 * POINTS_PER_DAY).length;
    }
    return alarms / (5 * (options.days - 3));
  }

  describe.each([
    ['noisy but normal', { days: 30, noise: 5 }],
    ['daily seasonal', { days: 30, daily: 20, noise: 2 }],
    ['daily and weekly seasonal', { days: 30, daily: 20, weekday: 15, noise: 2 }],
  ] as const)('on %s data stays quiet', (_, options) => {
    // Bounds: the measured rates (docs/anomaly-detection.md) with headroom.
    it('medium: at most 0.3 false alarms per day', () => expect(falseAlarmsPerDay(options, 'medium')).toBeLessThanOrEqual(0.3));
    it('low: at most 0.12 false alarms per day', () => expect(falseAlarmsPerDay(options, 'low')).toBeLessThanOrEqual(0.12));
  });

  it('orders sensitivities: high alarms at least as often as medium, medium as low', () => {
    const s = inject(normalSeries({ ...SEASONAL, days: 30, seed: 4 }), AT, AT + 1, (v) => v + 16);
    const count = (sensitivity: Sensitivity): number => alarmsOf(ensembleDetector({ sensitivity }).score(s.values, s.timestamps).labels).length;
    expect(count('high')).toBeGreaterThanOrEqual(count('medium'));
    expect(count('medium')).toBeGreaterThanOrEqual(count('low'));
    expect(count('high')).toBeGreaterThan(count('low'));
  });

  it('is not alarmed by a long flat line, and is by its first departure', () => {
    const flat = normalSeries({ days: 3, noise: 0, seed: 1 });
    const stepped = inject(flat, 600, Infinity, (v) => v + 1);
    const result = ensembleDetector().score(stepped.values, stepped.timestamps);
    expect(alarmsOf(result.labels)).toEqual([600]);
  });
});

describe('ensemble options', () => {
  it('refuses nonsensical history and level spans, naming the option', () => {
    expect(() => ensembleDetector({ historyPoints: 1 })).toThrow('historyPoints must be an integer >= 2, got 1');
    expect(() => ensembleDetector({ levelSpan: 0.5 })).toThrow('levelSpan must be a positive integer, got 0.5');
  });
});
