/**
 * A sliding window of the last `capacity` values kept sorted, for rolling
 * medians, quantiles and the median absolute deviation (MAD).
 *
 * Each push moves only the values between the slot the oldest value leaves
 * and the slot the new one takes (one `copyWithin`, a memmove), so a window
 * of a few hundred values costs tens of nanoseconds per point; median and
 * quantiles are O(1) and the MAD is O(log n), a selection over the two
 * sorted runs of deviations on either side of the median.
 */
export class SortedWindow {
  /** Values in arrival order (a ring). */
  private readonly ring: Float64Array;
  /** The same values, ascending, in `sorted[0..size)`. */
  private readonly sorted: Float64Array;
  private oldest = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`window capacity must be a positive integer, got ${capacity}`);
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  /** Number of values currently in the window. */
  get size(): number {
    return this.count;
  }

  /** Adds a finite value, evicting the oldest when full. Callers filter NaN. */
  push(value: number): void {
    const sorted = this.sorted;
    if (this.count < this.capacity) {
      const at = upperBound(sorted, this.count, value);
      sorted.copyWithin(at + 1, at, this.count);
      sorted[at] = value;
      this.ring[(this.oldest + this.count) % this.capacity] = value;
      this.count++;
      return;
    }
    const evicted = this.ring[this.oldest];
    this.ring[this.oldest] = value;
    this.oldest = this.oldest + 1 === this.capacity ? 0 : this.oldest + 1;
    const from = lowerBound(sorted, this.count, evicted);
    const to = upperBound(sorted, this.count, value);
    // Slide only the run between the freed slot and the new value's slot.
    if (to > from) {
      sorted.copyWithin(from, from + 1, to);
      sorted[to - 1] = value;
    } else {
      sorted.copyWithin(to + 1, to, from);
      sorted[to] = value;
    }
  }

  /** Empties the window. */
  clear(): void {
    this.count = 0;
    this.oldest = 0;
  }

  /** The median (mean of the two middle values for an even size); NaN when empty. */
  median(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const mid = n >> 1;
    return n & 1 ? this.sorted[mid] : (this.sorted[mid - 1] + this.sorted[mid]) / 2;
  }

  /** The i-th smallest value (0-based); callers keep i < size. */
  at(i: number): number {
    return this.sorted[i];
  }

  /** How many values in the window are strictly greater than x. */
  countAbove(x: number): number {
    return this.count - upperBound(this.sorted, this.count, x);
  }

  /** How many values in the window are strictly less than x. */
  countBelow(x: number): number {
    return lowerBound(this.sorted, this.count, x);
  }

  /** The q-quantile (0..1) by linear interpolation between order statistics; NaN when empty. */
  quantile(q: number): number {
    const n = this.count;
    if (n === 0) return NaN;
    const position = Math.min(Math.max(q, 0), 1) * (n - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, n - 1);
    return this.sorted[below] + (this.sorted[above] - this.sorted[below]) * (position - below);
  }

  /** The median absolute deviation from the median (unscaled); NaN when empty. */
  mad(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const center = this.median();
    const split = lowerBound(this.sorted, n, center);
    const mid = n >> 1;
    return n & 1 ? this.kthDeviation(mid, center, split) : (this.kthDeviation(mid - 1, center, split) + this.kthDeviation(mid, center, split)) / 2;
  }

  /**
   * The k-th smallest (0-based) |x - center|. Deviations of the values below
   * `split` grow leftwards and those from `split` on grow rightwards: two
   * sorted runs, so the k-th of their merge is a binary search over how
   * many come from the left run.
   */
  private kthDeviation(k: number, center: number, split: number): number {
    const s = this.sorted;
    const leftCount = split;
    const rightCount = this.count - split;
    let lo = Math.max(0, k + 1 - rightCount);
    let hi = Math.min(leftCount, k + 1);
    while (lo < hi) {
      const i = (lo + hi) >> 1;
      // Taking i from the left and k+1-i from the right: if the next left
      // deviation is still smaller than the last right one taken, take more left.
      if (center - s[split - 1 - i] < s[split + k - i] - center) lo = i + 1;
      else hi = i;
    }
    const fromLeft = lo > 0 ? center - s[split - lo] : -Infinity;
    const fromRight = k - lo >= 0 ? s[split + k - lo] - center : -Infinity;
    return Math.max(fromLeft, fromRight);
  }
}

/** First index in `a[0..n)` whose value is >= x. */
function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in `a[0..n)` whose value is > x. */
function upperBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
