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
    expect(alarm.update(5, 1000)).toBe(0);
    expect(alarm.update(5.6, 2000)).toBe(1);
    // The bar is now the stronger alarm.
    expect(alarm.update(7, 3000)).toBe(0);
  });

  it('does not fire at exactly the threshold', () => {
    expect(new Alarm(2, 0).update(2, 0)).toBe(0);
  });
});
