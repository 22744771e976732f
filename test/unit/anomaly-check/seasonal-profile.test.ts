import { SeasonalProfile } from '../../../lambdas/anomaly-check/detectors/seasonal-profile';
import { DAY_MS, medianStepMs, phaseBucket, StepEstimator } from '../../../lambdas/anomaly-check/detectors/time-step';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

describe('StepEstimator', () => {
  it('learns the median positive step, ignoring duplicates and clock steps backwards', () => {
    const estimator = new StepEstimator(5);
    [0, 300, 300, 600, 900, 600, 1200, 1500, 1800].forEach((t) => estimator.observe(t * 1000));
    expect(estimator.stepMs).toBe(300_000);
  });

  it('is NaN until it has enough steps', () => {
    const estimator = new StepEstimator(3);
    estimator.observe(0);
    estimator.observe(1000);
    expect(estimator.stepMs).toBeNaN();
  });

  it('agrees with the whole-series median', () => {
    expect(medianStepMs(Float64Array.from([0, 60_000, 120_000, 240_000, 300_000]))).toBe(60_000);
  });
});

describe('phaseBucket', () => {
  it('indexes the time of day, whatever the row', () => {
    expect(phaseBucket(T0 + 13 * HOUR + 7 * 60_000, DAY_MS, 5 * 60_000, 288)).toBe(157);
    expect(phaseBucket(T0 + 5 * DAY_MS + 13 * HOUR + 7 * 60_000, DAY_MS, 5 * 60_000, 288)).toBe(157);
  });
});

describe('SeasonalProfile', () => {
  /** Hourly points for `days` days whose value is the hour of day, plus `offset` on day `odd`. */
  function feed(profile: SeasonalProfile, days: number, skipHours: Set<number> = new Set(), odd = -1, offset = 0): void {
    for (let h = 0; h < days * 24; h++) {
      if (skipHours.has(h)) continue;
      profile.observe((h % 24) + (Math.floor(h / 24) === odd ? offset : 0), T0 + h * HOUR);
    }
  }

  it('predicts the median of the same hour in the last cycles, by timestamp', () => {
    const profile = new SeasonalProfile(DAY_MS, 3, 2);
    feed(profile, 4, new Set([30, 31, 32]), 3, 100);
    expect(profile.active).toBe(true);
    // Day 3 was 100 higher: the median of days 1-3 ignores it.
    expect(profile.expected(T0 + 4 * DAY_MS + 9 * HOUR)).toBe(9);
    // Gaps (hours 30-32 of day 1) only mean fewer cycles for those hours.
    expect(profile.expected(T0 + 4 * DAY_MS + 7 * HOUR)).toBe(57);
  });

  it('says nothing before it has seen enough cycles', () => {
    const profile = new SeasonalProfile(DAY_MS, 3, 2);
    feed(profile, 1);
    expect(profile.expected(T0 + DAY_MS + 5 * HOUR)).toBeNaN();
  });

  it('switches itself off when the period does not fit the step (daily data, daily period)', () => {
    const profile = new SeasonalProfile(DAY_MS);
    for (let d = 0; d < 40; d++) profile.observe(d, T0 + d * DAY_MS);
    expect(profile.active).toBe(false);
    expect(profile.expected(T0 + 41 * DAY_MS)).toBeNaN();
  });

  it('refuses inconsistent cycle counts', () => {
    expect(() => new SeasonalProfile(DAY_MS, 2, 3)).toThrow('minCycles <= cycles');
  });
});
