/**
 * A sliding window of the last `capacity` values that keeps only its two
 * tails in order: the values at or below a lower cut and those at or above
 * an upper cut, each a sorted run; the values between the cuts (the bulk)
 * are only counted.
 *
 * It serves calibrations whose caller only cares about rare values: when
 * the default detector combines six views, a view whose tail probability is
 * above 1/6 cannot change the result, so ranks are needed only in the
 * tails. A value in the bulk costs two comparisons instead of a binary
 * search and a memmove over the whole history, which is most of the
 * detector's cost per point. Ranks of tail values are exact: every value
 * below a lower-tail value is itself in the lower tail (and likewise above).
 *
 * The cuts are chosen so each tail holds {@link TAIL_SLACK} times `share`
 * of the values (plus `minTail`), and
 * chosen again (a linear-time selection over the window) whenever a tail
 * falls below `share` of the values or below the `minTail` values a tail
 * fit needs, or grows past four times its target (which bounds the cost of
 * a trend that keeps adding to one tail). Until the window holds
 * {@link SPLIT_AT} values everything is kept in order.
 */

/**
 * How much more than its share a tail keeps right after a cut. The kept
 * tails' memmoves are most of the cost per point, so they are kept small;
 * the slack only decides how often the cuts are chosen again (a linear
 * pass), never a result. Measured on one core (1M-point seasonal series,
 * 8,640-value histories): 2 gave 571k points/s, 1.25 770k, 1.1 836k but
 * slower than 2 on a trending series (328k against 430k; 1.25: 437k), where
 * a tail drains and is cut anew often. Scores are bit-identical for all
 * three on the 35 NAB series.
 */
export const TAIL_SLACK = 1.25;

/** Values held in full order before the first split into tails and bulk. */
export const SPLIT_AT = 256;

/** A sorted, growable run of values. */
class SortedRun {
  values = new Float64Array(64);
  size = 0;

  /** Inserts after any equal values. */
  insert(value: number): void {
    this.insertAt(upperBound(this.values, this.size, value), value);
  }

  /** Inserts at a slot that keeps the run sorted. */
  insertAt(at: number, value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(2 * this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    if (at < this.size) this.values.copyWithin(at + 1, at, this.size);
    this.values[at] = value;
    this.size++;
  }

  /** Removes one occurrence of a value the run holds. */
  remove(value: number): void {
    const at = lowerBound(this.values, this.size, value);
    this.values.copyWithin(at, at + 1, this.size);
    this.size--;
  }

  /** Replaces the contents by `source[0..count)`, sorted. */
  fill(source: Float64Array, count: number): void {
    if (this.values.length < count) this.values = new Float64Array(Math.max(64, 2 * count));
    this.values.set(source.subarray(0, count));
    this.values.subarray(0, count).sort();
    this.size = count;
  }

  countBelow(x: number): number {
    return lowerBound(this.values, this.size, x);
  }

  countNotAbove(x: number): number {
    return upperBound(this.values, this.size, x);
  }
}

export class TailSets {
  private ring: Float64Array;
  private oldest = 0;
  private count = 0;
  private readonly lower = new SortedRun();
  private readonly upper = new SortedRun();
  /** Values strictly between the cuts. */
  private bulk = 0;
  /** Lower tail: values <= lowCut. Upper tail: values >= highCut (and > lowCut). */
  private lowCut = Infinity;
  private highCut = Infinity;
  private split = false;
  private sinceCut = 0;
  private scratch = new Float64Array(0);
  private notAbove = NaN;

  /**
   * @param capacity values in the window
   * @param lowerShare least share of the values the lower tail keeps in order
   * @param upperShare least share of the values the upper tail keeps in order
   * @param minTail fewest values each kept tail must hold (for tail fits)
   */
  constructor(
    readonly capacity: number,
    private readonly lowerShare: number,
    private readonly upperShare: number,
    private readonly minTail: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`window capacity must be a positive integer, got ${capacity}`);
    if (!(lowerShare > 0 && upperShare > 0 && lowerShare < 0.25 && upperShare < 0.25)) throw new Error(`tail shares must be in (0, 0.25), got ${lowerShare} and ${upperShare}`);
    this.ring = new Float64Array(Math.min(capacity, SPLIT_AT));
  }

  get size(): number {
    return this.count;
  }

  /** Adds a finite value, evicting the oldest when full. */
  push(value: number): void {
    this.pushRanked(value);
  }

  /**
   * Adds a value and returns how many values were below it before (NaN when
   * it falls in the bulk, where ranks are not kept); {@link lastNotAbove}
   * then tells how many were not above it (NaN likewise).
   */
  pushRanked(value: number): number {
    const n = this.count;
    // The value's run, and its slot there (after equal values), found once for the ranks and the insertion.
    const run = value <= this.lowCut ? this.lower : value >= this.highCut ? this.upper : null;
    let below = NaN;
    let slot = 0;
    if (run !== null) {
      const before = run === this.upper ? n - run.size : 0;
      const lower = run.countBelow(value);
      slot = lower < run.size && run.values[lower] === value ? run.countNotAbove(value) : lower;
      below = before + lower;
      this.notAbove = before + slot;
    } else this.notAbove = NaN;
    if (n === this.capacity) {
      const evicted = this.ring[this.oldest];
      this.ring[this.oldest] = value;
      this.oldest = this.oldest + 1 === this.capacity ? 0 : this.oldest + 1;
      this.forget(evicted);
      // The eviction may have moved the slot down by one.
      if (run !== null) run.insert(value);
      else this.bulk++;
    } else {
      if (n === this.ring.length) this.growRing();
      this.ring[this.count++] = value;
      if (run !== null) run.insertAt(slot, value);
      else this.bulk++;
    }
    if (this.needsNewCuts()) this.cut();
    return below;
  }

  /** After {@link pushRanked}: values not above the pushed one before it was added (NaN in the bulk). */
  get lastNotAbove(): number {
    return this.notAbove;
  }

  /** Values < x, or NaN when x falls in the bulk. */
  countBelow(x: number): number {
    if (x <= this.lowCut) return this.lower.countBelow(x);
    if (x >= this.highCut) return this.count - this.upper.size + this.upper.countBelow(x);
    return NaN;
  }

  /** Values <= x, or NaN when x falls in the bulk. */
  countNotAbove(x: number): number {
    if (x <= this.lowCut) return this.lower.countNotAbove(x);
    if (x >= this.highCut) return this.count - this.upper.size + this.upper.countNotAbove(x);
    return NaN;
  }

  /**
   * Whether every value is in one of the two runs (before the first split,
   * or when ties leave nothing between the cuts): then the runs together
   * are the whole window in order.
   */
  private get complete(): boolean {
    return this.bulk === 0;
  }

  /** The k-th smallest value (1-based); NaN when k reaches into the bulk. */
  kthSmallest(k: number): number {
    if (k <= this.lower.size) return this.lower.values[k - 1];
    return this.complete ? this.upper.values[k - this.lower.size - 1] : NaN;
  }

  /** The k-th largest value (1-based); NaN when k reaches into the bulk. */
  kthLargest(k: number): number {
    if (k <= this.upper.size) return this.upper.values[this.upper.size - k];
    return this.complete ? this.lower.values[this.lower.size - (k - this.upper.size)] : NaN;
  }

  /** Sum of the k smallest values (NaN when k reaches into the bulk). */
  sumOfSmallest(k: number): number {
    let sum = 0;
    for (let i = 1; i <= k; i++) sum += this.kthSmallest(i);
    return sum;
  }

  /** Sum of the k largest values (NaN when k reaches into the bulk). */
  sumOfLargest(k: number): number {
    let sum = 0;
    for (let i = 1; i <= k; i++) sum += this.kthLargest(i);
    return sum;
  }

  smallest(): number {
    return this.count === 0 ? NaN : this.kthSmallest(1);
  }

  largest(): number {
    return this.count === 0 ? NaN : this.kthLargest(1);
  }

  private forget(value: number): void {
    if (value <= this.lowCut) this.lower.remove(value);
    else if (value >= this.highCut) this.upper.remove(value);
    else this.bulk--;
  }

  /** Whether a kept tail of `size` values holds its share of the window (and a tail fit's worth). */
  private holds(size: number, share: number): boolean {
    return size >= share * (this.count + 1) && size >= Math.min(this.count, this.minTail);
  }

  /** Values a tail holds right after a cut: its share with some slack, plus a tail fit's worth. */
  private target(share: number): number {
    return Math.min(this.count - 1, Math.ceil(TAIL_SLACK * share * (this.count + 1)) + this.minTail);
  }

  private needsNewCuts(): boolean {
    const n = this.count;
    if (!this.split) return n >= SPLIT_AT;
    this.sinceCut++;
    // Too few in a tail: bulk values could be rare after all. Only possible with a bulk.
    if (this.bulk > 0 && !(this.holds(this.lower.size, this.lowerShare) && this.holds(this.upper.size, this.upperShare))) return true;
    // Too many (a trend, or ties with nothing between the cuts): correct, only slower; retry now and then.
    if (this.sinceCut < Math.max(SPLIT_AT, n >> 2)) return false;
    return this.lower.size > 4 * this.target(this.lowerShare) || this.upper.size > 4 * this.target(this.upperShare);
  }

  /** Chooses the cuts anew so each kept tail holds twice its share, and redistributes the window. */
  private cut(): void {
    const n = this.count;
    if (this.scratch.length < n) this.scratch = new Float64Array(this.ring.length);
    const values = this.scratch;
    values.set(this.ring.subarray(0, n));
    this.highCut = select(values, n, n - this.target(this.upperShare));
    this.lowCut = select(values, n, this.target(this.lowerShare) - 1);
    this.split = true;
    this.sinceCut = 0;
    // Tails to the front and the back of the scratch, then into the runs.
    let lows = 0;
    let highs = 0;
    for (let i = 0; i < n; i++) {
      const v = this.ring[i];
      if (v <= this.lowCut) values[lows++] = v;
      else if (v >= this.highCut) values[n - 1 - highs++] = v;
    }
    this.lower.fill(values.subarray(0, lows), lows);
    this.upper.fill(values.subarray(n - highs, n), highs);
    this.bulk = n - lows - highs;
  }

  private growRing(): void {
    const ring = new Float64Array(Math.min(this.capacity, 2 * this.ring.length));
    ring.set(this.ring);
    this.ring = ring;
  }
}

/**
 * The k-th smallest (0-based) of `a[0..n)`, partially reordering `a`
 * (Hoare's selection with a median-of-three pivot: linear on average).
 */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** First index in `a[0..n)` whose value is >= x. */
function lowerBound(a: Float64Array, n: number, x: number): number {
  let base = 0;
  let length = n;
  while (length > 1) {
    const half = length >>> 1;
    base += +(a[base + half - 1] < x) * half;
    length -= half;
  }
  return base + +(length === 1 && a[base] < x);
}

/** First index in `a[0..n)` whose value is > x. */
function upperBound(a: Float64Array, n: number, x: number): number {
  let base = 0;
  let length = n;
  while (length > 1) {
    const half = length >>> 1;
    base += +(a[base + half - 1] <= x) * half;
    length -= half;
  }
  return base + +(length === 1 && a[base] <= x);
}
