/**
 * Short rolling statistics the default detector's views are built from:
 * the recent mean (a level), the departure from the recent median (a jump
 * relative to where the series is now) and the recent median absolute
 * deviation (how noisy the series is now). Each is O(1) or O(window) per
 * point on a window of at most a few dozen values.
 */
import { SortedWindow } from './sorted-window';

/** A rolling mean over the last `span` valid values. */
export class RollingMean {
  private readonly ring: Float64Array;
  private sum = 0;
  private count = 0;
  private next = 0;

  constructor(readonly span: number) {
    this.ring = new Float64Array(span);
  }

  /** Adds a value and returns the mean of the last `span` values (NaN until `span` are seen). */
  push(value: number): number {
    if (this.count === this.span) this.sum -= this.ring[this.next];
    else this.count++;
    this.ring[this.next] = value;
    this.sum += value;
    this.next = (this.next + 1) % this.span;
    return this.count === this.span ? this.sum / this.span : NaN;
  }
}

/**
 * The value minus the median of the `span` values before it: a spike or a
 * step judged against where the series is now rather than against its
 * whole history (a jump from a quiet night's level to the afternoon's is
 * ordinary, the same jump within the quiet night is not).
 */
export class LocalDeparture {
  private readonly window: SortedWindow;

  constructor(readonly span: number) {
    this.window = new SortedWindow(span);
  }

  /** The departure of `value` from the median of the previous `span` values (NaN until they are known), then learns it. */
  push(value: number): number {
    const departure = this.window.size === this.span ? value - this.window.median() : NaN;
    this.window.push(value);
    return departure;
  }
}

/**
 * The median absolute deviation of the last `span` values: the series'
 * current noise, robust to a single spike (variance changes show here
 * before any single value is extreme).
 */
export class RollingSpread {
  private readonly window: SortedWindow;

  constructor(readonly span: number) {
    this.window = new SortedWindow(span);
  }

  /** Adds a value and returns the MAD of the last `span` values (NaN until `span` are seen). */
  push(value: number): number {
    this.window.push(value);
    return this.window.size === this.span ? this.window.mad() : NaN;
  }
}
