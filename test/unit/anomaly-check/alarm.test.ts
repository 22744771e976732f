import { Alarm, gaussianSurprise, surpriseToScore } from '../../../lambdas/anomaly-check/detectors/alarm';

describe('gaussianSurprise', () => {
  it('is -log10 of the two-sided normal tail', () => {
    expect(gaussianSurprise(0)).toBe(0);
    expect(gaussianSurprise(1.959964)).toBeCloseTo(-Math.log10(0.05), 4);
    expect(gaussianSurprise(3)).toBeCloseTo(-Math.log10(0.0026998), 4);
    expect(gaussianSurprise(-3)).toBe(gaussianSurprise(3));
  });

  it('continues smoothly into the asymptotic form and never overflows', () => {
    expect(Math.abs(gaussianSurprise(5 - 1e-9) - gaussianSurprise(5))).toBeLessThan(0.01);
    expect(gaussianSurprise(6)).toBeCloseTo(-Math.log10(1.973e-9), 2);
    expect(Number.isFinite(gaussianSurprise(1e6))).toBe(true);
  });
});

describe('surpriseToScore', () => {
  it('maps the reference threshold to 0.5 and stays in [0, 1)', () => {
    expect(surpriseToScore(0, 3)).toBe(0);
    expect(surpriseToScore(3, 3)).toBe(0.5);
    expect(surpriseToScore(6, 3)).toBe(0.75);
    expect(surpriseToScore(300, 3)).toBeLessThanOrEqual(1);
  });
});

describe('Alarm', () => {
  it('fires on a crossing, then stays quiet for the quiet period of series time', () => {
    const alarm = new Alarm(2, 3000);
    const fired = [5, 5, 5, 5, 1, 5, 5].map((s, i) => alarm.update(s, i * 1000));
    expect(fired).toEqual([1, 0, 0, 1, 0, 0, 1]);
  });

  it('lets a far stronger event through the quiet period', () => {
    const alarm = new Alarm(2, 10_000, 3);
    expect(alarm.update(2.5, 0)).toBe(1);
    expect(alarm.update(5.6, 1000)).toBe(1);
    // The bar is now the stronger alarm.
    expect(alarm.update(7, 2000)).toBe(0);
  });

  it('raises the escalation bar with the episode peak, so a growing episode stays one alarm', () => {
    const alarm = new Alarm(2, 10_000, 3);
    expect(alarm.update(2.5, 0)).toBe(1);
    // Each step is less than 1,000 times rarer than the last: no new alarm, however far it grows.
    expect([4, 6, 8, 10, 12].map((s, i) => alarm.update(s, 1000 * (i + 1)))).toEqual([0, 0, 0, 0, 0]);
    expect(alarm.update(15.5, 7000)).toBe(1);
  });

  it('with an episode rule, stays quiet until the evidence has settled, even after the quiet period', () => {
    const alarm = new Alarm(2, 1000, Infinity, { level: 1, points: 3 });
    expect(alarm.update(3, 0)).toBe(1);
    // Past the quiet period, but the episode goes on (never 3 points below 1 in a row).
    expect([1.5, 0.5, 0.5, 2.5, 0.5, 3].map((s, i) => alarm.update(s, 5000 + 1000 * i))).toEqual([0, 0, 0, 0, 0, 0]);
    // Three calm points end it; the next crossing is a new episode.
    expect([0.5, 0.5, 0.5, 3].map((s, i) => alarm.update(s, 20_000 + 1000 * i))).toEqual([0, 0, 0, 1]);
  });

  it('does not escalate while an episode builds up', () => {
    const alarm = new Alarm(2, 10_000, 3, { level: 1, points: 100, buildUpPoints: 2 });
    expect(alarm.update(2.5, 0)).toBe(1);
    expect(alarm.update(6, 1000)).toBe(0);
    expect(alarm.update(9.5, 2000)).toBe(0);
    // After the build-up, escalation is judged against the peak (9.5, then 12).
    expect(alarm.update(12, 3000)).toBe(0);
    expect(alarm.update(14.5, 4000)).toBe(0);
    expect(alarm.update(17.6, 5000)).toBe(1);
  });

  it('does not fire at exactly the threshold', () => {
    expect(new Alarm(2, 0).update(2, 0)).toBe(0);
  });
});
