/**
 * A seasonal profile: what a series usually does at this time of day (or
 * of the week). For each phase bucket it keeps the values of the last few
 * cycles and predicts their median: a seasonal-naive forecast, robust to
 * one odd day, in the family of Holt-Winters' seasonal component but
 * without smoothing constants to tune. The bucket width is the series'
 * step, learned from its timestamps; the period is calendar time, so a
 * 5-minute series has 288 daily buckets and a 30-minute one 48.
 */
import { phaseBucket, StepEstimator } from './time-step';

/** Fewest and most buckets a profile accepts; outside that, the period does not fit the step. */
const MIN_BUCKETS = 4;
const MAX_BUCKETS = 100_000;

export class SeasonalProfile {
  private readonly step = new StepEstimator();
  private buckets = 0;
  /** `cycles` slots per bucket, a ring per bucket. */
  private values = new Float64Array(0);
  private filled = new Uint8Array(0);
  private next = new Uint8Array(0);
  private readonly scratch: Float64Array;
  private disabled = false;

  /**
   * @param periodMs the season, e.g. a day or a week in milliseconds
   * @param cycles how many past cycles each bucket remembers
   * @param minCycles how many it needs before predicting
   */
  constructor(
    readonly periodMs: number,
    readonly cycles = 3,
    readonly minCycles = 2,
  ) {
    if (!(cycles >= minCycles && minCycles >= 1 && cycles <= 255)) throw new Error(`seasonal profile needs 1 <= minCycles <= cycles <= 255, got minCycles=${minCycles}, cycles=${cycles}`);
    this.scratch = new Float64Array(cycles);
  }

  /** Whether the period fits the learned step (false while the step is unknown). */
  get active(): boolean {
    return this.buckets > 0;
  }

  /** Phase buckets per period (points per cycle at the learned step); 0 while the step is unknown. */
  get bucketCount(): number {
    return this.buckets;
  }

  /**
   * The expected value at `timestamp`: the median of this phase's values in
   * the last cycles, or NaN when fewer than `minCycles` are known.
   */
  expected(timestamp: number): number {
    if (this.buckets === 0) return NaN;
    const bucket = phaseBucket(timestamp, this.periodMs, this.step.stepMs, this.buckets);
    const count = this.filled[bucket];
    if (count < this.minCycles) return NaN;
    const base = bucket * this.cycles;
    const v = this.values;
    // The usual profiles remember two or three cycles: their medians in closed form.
    if (count === 2) return (v[base] + v[base + 1]) / 2;
    if (count === 3) return medianOfThree(v[base], v[base + 1], v[base + 2]);
    for (let i = 0; i < count; i++) this.scratch[i] = v[base + i];
    return smallMedian(this.scratch, count);
  }

  /** Learns one point. Call after {@link expected} so a point never predicts itself. */
  observe(value: number, timestamp: number): void {
    if (this.buckets === 0) {
      this.step.observe(timestamp);
      if (!this.disabled && !Number.isNaN(this.step.stepMs)) this.allocate(this.step.stepMs);
      if (this.buckets === 0) return;
    }
    const bucket = phaseBucket(timestamp, this.periodMs, this.step.stepMs, this.buckets);
    this.values[bucket * this.cycles + this.next[bucket]] = value;
    this.next[bucket] = (this.next[bucket] + 1) % this.cycles;
    if (this.filled[bucket] < this.cycles) this.filled[bucket]++;
  }

  /** Sizes the profile once the step is known, or disables it when the period does not fit. */
  private allocate(stepMs: number): void {
    const buckets = Math.round(this.periodMs / stepMs);
    if (buckets < MIN_BUCKETS || buckets > MAX_BUCKETS) {
      this.disabled = true;
      return;
    }
    this.buckets = buckets;
    this.values = new Float64Array(buckets * this.cycles);
    this.filled = new Uint8Array(buckets);
    this.next = new Uint8Array(buckets);
  }
}

/** Median of three numbers. */
function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** Median of `a[0..n)` for small n, by insertion sort in place. */
function smallMedian(a: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
  const mid = n >> 1;
  return n & 1 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
}
