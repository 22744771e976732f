import { SortedWindow } from '../../../lambdas/anomaly-check/detectors/sorted-window';
import { seededRandom } from '../../../lambdas/anomaly-check/detectors/isolation-forest';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

describe('SortedWindow', () => {
  it('matches brute-force median, MAD, quantiles and counts over a sliding window, ties included', () => {
    const random = seededRandom(7);
    for (const capacity of [1, 2, 5, 17, 64]) {
      const window = new SortedWindow(capacity);
      const history: number[] = [];
      for (let i = 0; i < 400; i++) {
        // A third of the values are small integers, so ties are frequent.
        const value = random() < 0.3 ? Math.floor(random() * 4) : random() * 10;
        window.push(value);
        history.push(value);
        const current = history.slice(-capacity);
        const m = median(current);
        expect(window.size).toBe(current.length);
        expect(window.median()).toBeCloseTo(m, 12);
        expect(window.mad()).toBeCloseTo(median(current.map((x) => Math.abs(x - m))), 12);
        const sorted = [...current].sort((a, b) => a - b);
        expect(window.at(0)).toBe(sorted[0]);
        expect(window.quantile(1)).toBe(sorted[sorted.length - 1]);
        expect(window.countAbove(5)).toBe(current.filter((x) => x > 5).length);
        expect(window.countBelow(2)).toBe(current.filter((x) => x < 2).length);
      }
    }
  });

  it('interpolates quantiles between order statistics', () => {
    const window = new SortedWindow(10);
    [10, 0, 30, 20].forEach((x) => window.push(x));
    expect(window.quantile(0)).toBe(0);
    expect(window.quantile(0.5)).toBe(15);
    expect(window.quantile(1 / 3)).toBeCloseTo(10, 12);
  });

  it('is empty until filled, and empties on clear', () => {
    const window = new SortedWindow(3);
    expect(window.median()).toBeNaN();
    expect(window.mad()).toBeNaN();
    window.push(1);
    window.clear();
    expect(window.size).toBe(0);
    expect(window.median()).toBeNaN();
  });

  it('refuses a non-positive capacity', () => {
    expect(() => new SortedWindow(0)).toThrow('window capacity must be a positive integer, got 0');
  });
});
