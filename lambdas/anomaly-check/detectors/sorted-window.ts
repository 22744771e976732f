/**
 * A sliding window of the last `capacity` values kept sorted, for rolling
 * medians, quantiles, ranks and the median absolute deviation (MAD).
 *
 * The sorted values sit in the middle of a larger buffer. While the window
 * fills, a new value shifts whichever side of its slot is shorter (half the
 * memmove of a plain sorted array); once full, each push moves only the
 * values between the slot the oldest value leaves and the slot the new one
 * takes. Median and quantiles are O(1), ranks O(log n) and the MAD O(log n),
 * a selection over the two sorted runs of deviations on either side of the
 * median. The buffers grow as values come, so a long window over a short
 * series (30 days of history for a 7-day query) costs only what it holds.
 */

/** Values allocated up front; the buffers double from there as the window fills. */
const INITIAL_ALLOCATION = 256;

export class SortedWindow {
  /** Values in arrival order (a ring once full; until then `ring[i]` is the i-th value). */
  private ring: Float64Array;
  /** The same values, ascending, in `sorted[start..start + size)`. */
  private sorted: Float64Array;
  private start: number;
  private oldest = 0;
  private count = 0;
  /** Values that were not above the last value given to {@link pushRanked}, before it was added. */
  private notAbove = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`window capacity must be a positive integer, got ${capacity}`);
    const initial = Math.min(capacity, INITIAL_ALLOCATION);
    this.ring = new Float64Array(initial);
    this.sorted = new Float64Array(2 * initial);
    this.start = initial;
  }

  /** Number of values currently in the window. */
  get size(): number {
    return this.count;
  }

  /** Adds a finite value, evicting the oldest when full. Callers filter NaN. */
  push(value: number): void {
    this.pushRanked(value);
  }

  /**
   * Adds a finite value like {@link push} and returns how many values were
   * below it before; {@link lastNotAbove} then tells how many were not
   * above it. One search serves both the rank and the insertion, which is
   * what a calibration needs per point.
   */
  pushRanked(value: number): number {
    const sorted = this.sorted;
    const start = this.start;
    const end = start + this.count;
    const below = lowerBound(sorted, start, end, value) - start;
    // After any equal values: usually there are none and the slot is the same.
    const to = below < this.count && sorted[start + below] === value ? upperBound(sorted, start + below, end, value) - start : below;
    this.notAbove = to;
    if (this.count < this.capacity) this.insertWhileFilling(value, to);
    else this.replaceOldest(value, to);
    return below;
  }

  /** After {@link pushRanked}: how many values were not above the pushed one before it was added. */
  get lastNotAbove(): number {
    return this.notAbove;
  }

  /** Inserts at relative slot `to`, shifting the shorter side (filling: nothing was evicted yet, so the ring is in arrival order from 0). */
  private insertWhileFilling(value: number, to: number): void {
    if (this.count === this.ring.length) this.growRing();
    if (to < this.count >> 1 ? this.start === 0 : this.start + this.count === this.sorted.length) this.recenter();
    const sorted = this.sorted;
    const start = this.start;
    if (to < this.count >> 1) {
      move(sorted, start, start + to, start - 1);
      this.start = start - 1;
    } else move(sorted, start + to, start + this.count, start + to + 1);
    sorted[this.start + to] = value;
    this.ring[this.count++] = value;
  }

  /** Replaces the oldest value by `value`, whose slot among the current values is `to`. */
  private replaceOldest(value: number, to: number): void {
    const sorted = this.sorted;
    const start = this.start;
    const evicted = this.ring[this.oldest];
    this.ring[this.oldest] = value;
    this.oldest = this.oldest + 1 === this.capacity ? 0 : this.oldest + 1;
    const from = lowerBound(sorted, start, start + this.count, evicted) - start;
    // Slide only the run between the freed slot and the new value's slot.
    if (to > from) {
      move(sorted, start + from + 1, start + to, start + from);
      sorted[start + to - 1] = value;
    } else {
      move(sorted, start + to, start + from, start + to + 1);
      sorted[start + to] = value;
    }
  }

  /** Doubles the arrival-order ring (up to `capacity`). */
  private growRing(): void {
    const ring = new Float64Array(Math.min(this.capacity, 2 * this.ring.length));
    ring.set(this.ring);
    this.ring = ring;
  }

  /** Moves the sorted values to the middle of a buffer with room on both sides (twice the ring). */
  private recenter(): void {
    const length = Math.max(2 * this.ring.length, this.sorted.length);
    const sorted = length === this.sorted.length ? this.sorted : new Float64Array(length);
    const start = (length - this.count) >> 1;
    if (sorted === this.sorted) sorted.copyWithin(start, this.start, this.start + this.count);
    else sorted.set(this.sorted.subarray(this.start, this.start + this.count), start);
    this.sorted = sorted;
    this.start = start;
  }

  /** Empties the window. */
  clear(): void {
    this.count = 0;
    this.oldest = 0;
    this.start = this.sorted.length >> 1;
  }

  /** The median (mean of the two middle values for an even size); NaN when empty. */
  median(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const mid = this.start + (n >> 1);
    return n & 1 ? this.sorted[mid] : (this.sorted[mid - 1] + this.sorted[mid]) / 2;
  }

  /** The i-th smallest value (0-based); callers keep i < size. */
  at(i: number): number {
    return this.sorted[this.start + i];
  }

  /** How many values in the window are strictly greater than x. */
  countAbove(x: number): number {
    return this.start + this.count - upperBound(this.sorted, this.start, this.start + this.count, x);
  }

  /** How many values in the window are at most x. */
  countNotAbove(x: number): number {
    return upperBound(this.sorted, this.start, this.start + this.count, x) - this.start;
  }

  /** The k-th smallest value (1-based, k <= size). */
  kthSmallest(k: number): number {
    return this.sorted[this.start + k - 1];
  }

  /** The k-th largest value (1-based, k <= size). */
  kthLargest(k: number): number {
    return this.sorted[this.start + this.count - k];
  }

  /** Sum of the k smallest values. */
  sumOfSmallest(k: number): number {
    let sum = 0;
    for (let i = this.start; i < this.start + k; i++) sum += this.sorted[i];
    return sum;
  }

  /** Sum of the k largest values. */
  sumOfLargest(k: number): number {
    let sum = 0;
    for (let i = this.start + this.count - k; i < this.start + this.count; i++) sum += this.sorted[i];
    return sum;
  }

  /** The smallest value (NaN when empty). */
  smallest(): number {
    return this.count === 0 ? NaN : this.sorted[this.start];
  }

  /** The largest value (NaN when empty). */
  largest(): number {
    return this.count === 0 ? NaN : this.sorted[this.start + this.count - 1];
  }

  /** How many values in the window are strictly less than x. */
  countBelow(x: number): number {
    return lowerBound(this.sorted, this.start, this.start + this.count, x) - this.start;
  }

  /** The q-quantile (0..1) by linear interpolation between order statistics; NaN when empty. */
  quantile(q: number): number {
    const n = this.count;
    if (n === 0) return NaN;
    const position = Math.min(Math.max(q, 0), 1) * (n - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, n - 1);
    return this.at(below) + (this.at(above) - this.at(below)) * (position - below);
  }

  /** The median absolute deviation from the median (unscaled); NaN when empty. */
  mad(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const center = this.median();
    const split = lowerBound(this.sorted, this.start, this.start + n, center);
    const mid = n >> 1;
    if (n & 1) return this.kthDeviation(mid, center, split);
    // The two middle deviations: the largest and second largest of the mid + 1 smallest.
    // They come `fromLeft` from the left run (deviations center - s[split - 1 - i])
    // and the rest from the right run (s[split + i] - center).
    const s = this.sorted;
    const fromLeft = this.kthDeviationSplit(mid, center, split);
    const fromRight = mid + 1 - fromLeft;
    const lastLeft = fromLeft > 0 ? center - s[split - fromLeft] : -Infinity;
    const lastRight = fromRight > 0 ? s[split + fromRight - 1] - center : -Infinity;
    let second: number;
    if (lastLeft >= lastRight) second = Math.max(lastRight, fromLeft > 1 ? center - s[split - fromLeft + 1] : -Infinity);
    else second = Math.max(lastLeft, fromRight > 1 ? s[split + fromRight - 2] - center : -Infinity);
    return (Math.max(lastLeft, lastRight) + second) / 2;
  }

  /**
   * The k-th smallest (0-based) |x - center|. Deviations of the values below
   * the buffer index `split` grow leftwards and those from `split` on grow
   * rightwards: two sorted runs, so the k-th of their merge is a search over
   * how many come from the left run.
   */
  private kthDeviation(k: number, center: number, split: number): number {
    const s = this.sorted;
    const lo = this.kthDeviationSplit(k, center, split);
    const fromLeft = lo > 0 ? center - s[split - lo] : -Infinity;
    const fromRight = k - lo >= 0 ? s[split + k - lo] - center : -Infinity;
    return Math.max(fromLeft, fromRight);
  }

  /** How many of the k + 1 smallest deviations come from the left run (see {@link kthDeviation}). */
  private kthDeviationSplit(k: number, center: number, split: number): number {
    const s = this.sorted;
    const leftCount = split - this.start;
    const rightCount = this.count - leftCount;
    // Taking i from the left and k+1-i from the right: while the next left
    // deviation is still smaller than the last right one taken, take more
    // left. That predicate holds, then fails, as i grows: find where it
    // fails, branch-free like the searches below.
    let lo = Math.max(0, k + 1 - rightCount);
    let length = Math.min(leftCount, k + 1) - lo;
    while (length > 1) {
      const half = length >>> 1;
      const i = lo + half - 1;
      lo += +(center - s[split - 1 - i] < s[split + k - i] - center) * half;
      length -= half;
    }
    if (length === 1 && center - s[split - 1 - lo] < s[split + k - lo] - center) lo++;
    return lo;
  }
}

/**
 * Moves `a[from..to)` to start at `target` (overlap allowed). Short runs,
 * the usual case, are moved in place: a `copyWithin` call costs more than
 * moving a few dozen values.
 */
function move(a: Float64Array, from: number, to: number, target: number): void {
  const length = to - from;
  if (length <= 0) return;
  if (length > 32) {
    a.copyWithin(target, from, to);
    return;
  }
  if (target > from) for (let i = length - 1; i >= 0; i--) a[target + i] = a[from + i];
  else for (let i = 0; i < length; i++) a[target + i] = a[from + i];
}

/*
 * The two searches are branch-free (the comparison's 0/1 scales the step):
 * on random queries a branchy binary search mispredicts about every other
 * step, and these run about twice as fast.
 */

/** First index in `a[from..to)` whose value is >= x (`to` if none). */
function lowerBound(a: Float64Array, from: number, to: number, x: number): number {
  let base = from;
  let length = to - from;
  while (length > 1) {
    const half = length >>> 1;
    base += +(a[base + half - 1] < x) * half;
    length -= half;
  }
  return base + +(length === 1 && a[base] < x);
}

/** First index in `a[from..to)` whose value is > x (`to` if none). */
function upperBound(a: Float64Array, from: number, to: number, x: number): number {
  let base = from;
  let length = to - from;
  while (length > 1) {
    const half = length >>> 1;
    base += +(a[base + half - 1] <= x) * half;
    length -= half;
  }
  return base + +(length === 1 && a[base] <= x);
}
