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

  it('matches brute force while growing past its first allocation, inserting at both ends', () => {
    const random = seededRandom(11);
    const window = new SortedWindow(700);
    const history: number[] = [];
    for (let i = 0; i < 1500; i++) {
      // Drifting up and down, with ties, so values land at both ends and in the middle.
      const value = Math.round((Math.sin(i / 50) * 100 + random() * 40) * 2) / 2;
      const current = history.slice(-700);
      const below = window.pushRanked(value);
      expect(below).toBe(current.filter((x) => x < value).length);
      expect(window.lastNotAbove).toBe(current.filter((x) => x <= value).length);
      history.push(value);
      if (i >= 5 && (i % 37 === 0 || i > 1490)) {
        const sorted = history.slice(-700).sort((a, b) => a - b);
        expect(window.size).toBe(sorted.length);
        expect(Array.from({ length: sorted.length }, (_, k) => window.at(k))).toEqual(sorted);
        expect(window.kthSmallest(3)).toBe(sorted[2]);
        expect(window.kthLargest(3)).toBe(sorted[sorted.length - 3]);
        expect(window.sumOfLargest(5)).toBeCloseTo(sorted.slice(-5).reduce((a, b) => a + b, 0), 9);
        expect(window.sumOfSmallest(5)).toBeCloseTo(sorted.slice(0, 5).reduce((a, b) => a + b, 0), 9);
        expect(window.countNotAbove(0)).toBe(sorted.filter((x) => x <= 0).length);
        expect(window.median()).toBeCloseTo(median(sorted), 12);
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
