/**
 * The cheap calibration path: with `relevantBelow`, a TailCalibrator keeps
 * only the tails of its history in order, and must answer exactly whenever
 * the exact answer is below `relevantBelow` (and never below it otherwise).
 */
import { seededRandom } from '../../../lambdas/anomaly-check/detectors/isolation-forest';
import { TailSets } from '../../../lambdas/anomaly-check/detectors/tail-sets';
import { TailCalibrator } from '../../../lambdas/anomaly-check/detectors/tail-surprise';
import { normalSampler } from './synthetic';

const RELEVANT = 1 / 6;

/** Streams that stress the cuts: noise, spikes, ties, a flat stretch, a trend, a level shift. */
function streams(n: number): Record<string, number[]> {
  const noise = normalSampler(5);
  const random = seededRandom(9);
  return {
    gaussian: Array.from({ length: n }, () => noise()),
    'spiky with ties': Array.from({ length: n }, () => (random() < 0.02 ? 50 + Math.floor(random() * 3) : Math.floor(random() * 5))),
    'flat, then noisy': Array.from({ length: n }, (_, i) => (i < n / 2 ? 3 : 3 + noise())),
    'rising counter': Array.from({ length: n }, (_, i) => i + noise()),
    'level shift': Array.from({ length: n }, (_, i) => (i < n / 3 ? 0 : 10) + noise()),
  };
}

describe('TailCalibrator with relevantBelow (TailSets history)', () => {
  describe.each([
    ['two-sided', false],
    ['upper only', true],
  ] as const)('%s', (_, upperOnly) => {
    it.each([[300], [1000]])('answers exactly below the relevance bound, capacity %i', (capacity) => {
      for (const [name, values] of Object.entries(streams(3000))) {
        const exact = new TailCalibrator(capacity);
        const fast = new TailCalibrator(capacity, { relevantBelow: RELEVANT, upperOnly });
        values.forEach((value, i) => {
          const expected = exact.probabilityThenPush(value, 100, upperOnly);
          const got = fast.probabilityThenPush(value, 100, upperOnly);
          if (expected < RELEVANT) {
            if (Math.abs(got - expected) > 1e-12 * Math.max(expected, 1e-300)) throw new Error(`${name} #${i}: expected ${expected}, got ${got}`);
          } else if (!(got >= RELEVANT)) throw new Error(`${name} #${i}: ${got} below the relevance bound where the exact answer is ${expected}`);
        });
      }
    });
  });

  it('gives the same direct answers (probability, upperProbability, surprise) in the tails', () => {
    const exact = new TailCalibrator(500);
    const fast = new TailCalibrator(500, { relevantBelow: RELEVANT });
    const noise = normalSampler(2);
    for (let i = 0; i < 2000; i++) {
      const value = noise();
      exact.push(value);
      fast.push(value);
    }
    for (const x of [-6, -3, -2, 2, 2.5, 6]) {
      expect(fast.probability(x)).toBeCloseTo(exact.probability(x), 12);
      expect(fast.surprise(x)).toBeCloseTo(exact.surprise(x), 10);
    }
    expect(fast.upperProbability(3)).toBeCloseTo(exact.upperProbability(3), 12);
    // In the bulk the answer is "not rare".
    expect(fast.probability(0)).toBe(1);
  });

  it('refuses shares it cannot keep, naming them', () => {
    expect(() => new TailSets(100, 0, 0.1, 10)).toThrow('tail shares must be in (0, 0.25), got 0 and 0.1');
    expect(() => new TailCalibrator(100, { relevantBelow: 0 })).toThrow('relevantBelow must be a probability in (0, 1], got 0');
  });
});
