/**
 * Calibrates a statistic against its own history: how rare would a value
 * be among the last `capacity` values? The answer is a *surprise*,
 * -log10 of the two-sided tail probability (2 = 1 in 100, 4 = 1 in 10,000).
 *
 * Inside the observed range the probability is the empirical rank. Beyond
 * the most extreme `tailFraction` of the history the tail is extrapolated as
 * exponential (a generalized Pareto tail with shape 0, the usual
 * peaks-over-threshold model), with its scale taken from the mean excess of
 * those extreme values. That keeps two properties every caller relies on:
 * a series whose spikes are routine (their excesses are large) stays calm
 * when a spike of the usual height comes, and a value far beyond anything
 * seen is very surprising, in proportion to how far beyond it is.
 */
import { SortedWindow } from './sorted-window';

/** Surprise is capped here: past it, every value is simply "impossible". */
export const MAX_SURPRISE = 30;

/** Tuning of a {@link TailCalibrator}. */
export interface TailCalibratorOptions {
  /**
   * Share of the history in each tail used to fit the exponential tail.
   * @default 0.01
   */
  readonly tailFraction?: number;
  /**
   * Fewest values per tail fit. Fewer than about ten make the fitted scale
   * too noisy while the history is short, and noise there means false alarms.
   * @default 10
   */
  readonly minTail?: number;
}

export class TailCalibrator {
  private readonly window: SortedWindow;
  private readonly tailFraction: number;
  private readonly minTail: number;

  constructor(capacity: number, options: TailCalibratorOptions = {}) {
    this.window = new SortedWindow(capacity);
    this.tailFraction = options.tailFraction ?? 0.01;
    this.minTail = options.minTail ?? 10;
  }

  /** Number of values in the history. */
  get size(): number {
    return this.window.size;
  }

  /** Adds a finite value to the history. */
  push(value: number): void {
    this.window.push(value);
  }

  /** Two-sided surprise of `value` against the history; 0 with no history. */
  surprise(value: number): number {
    const n = this.window.size;
    if (n === 0) return 0;
    // Only the tail on the value's side of the median can be the smaller one.
    const tail = value >= this.window.at(n >> 1) ? this.upperTailProbability(value) : this.lowerTailProbability(value);
    return clampSurprise(-Math.log10(Math.min(1, 2 * tail)));
  }

  /** One-sided surprise for statistics where only large values matter. */
  upperSurprise(value: number): number {
    if (this.window.size === 0) return 0;
    return clampSurprise(-Math.log10(Math.min(1, this.upperTailProbability(value))));
  }

  /** Fewest values in one tail fit for the current history size. */
  private tailSize(): number {
    const n = this.window.size;
    return Math.min(n, Math.max(this.minTail, Math.ceil(n * this.tailFraction)));
  }

  /**
   * Smallest excess scale the tail fit may use: a constant history has no
   * excess at all, and any departure from it is then maximally surprising.
   */
  private scaleFloor(): number {
    const w = this.window;
    const low = w.at(0);
    const high = w.at(w.size - 1);
    return Math.max((high - low) * 1e-3, 1e-9 * Math.max(Math.abs(low), Math.abs(high)), 1e-12);
  }

  /** P(X >= value): empirical rank, or the fitted exponential tail beyond the top values. */
  private upperTailProbability(value: number): number {
    const w = this.window;
    const n = w.size;
    const k = this.tailSize();
    const threshold = w.at(n - k);
    if (value > threshold) {
      let excess = 0;
      for (let i = n - k; i < n; i++) excess += w.at(i) - threshold;
      const scale = Math.max(excess / k, this.scaleFloor());
      return (k / (n + 1)) * Math.exp(-(value - threshold) / scale);
    }
    // Ties count as "at least as extreme", so a value equal to a long run of
    // identical history (a flat line) is not mistaken for a record.
    return (n - w.countBelow(value) + 1) / (n + 1);
  }

  /** P(X <= value), mirroring {@link upperTailProbability}. */
  private lowerTailProbability(value: number): number {
    const w = this.window;
    const n = w.size;
    const k = this.tailSize();
    const threshold = w.at(k - 1);
    if (value < threshold) {
      let excess = 0;
      for (let i = 0; i < k; i++) excess += threshold - w.at(i);
      const scale = Math.max(excess / k, this.scaleFloor());
      return (k / (n + 1)) * Math.exp(-(threshold - value) / scale);
    }
    return (n - w.countAbove(value) + 1) / (n + 1);
  }
}

/** Keeps surprise in [0, MAX_SURPRISE] (probabilities above 1/2 are simply unsurprising). */
function clampSurprise(surprise: number): number {
  if (!(surprise > 0)) return 0;
  return surprise > MAX_SURPRISE ? MAX_SURPRISE : surprise;
}
