/**
 * The sampling step of a series, learned from its first timestamps, and
 * the phase of a timestamp within a calendar period (day, week). Seasonal
 * profiles are indexed by phase, not by row, so gaps and irregular rows do
 * not shift the profile.
 */

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** Median of a small array of numbers (sorts a copy). */
function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length & 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Learns the step online: the median of the first `samples` positive
 * timestamp differences (duplicates and clock steps backwards are ignored).
 * Until then `stepMs` is NaN. Online, so streaming and batch agree.
 */
export class StepEstimator {
  private readonly diffs: number[] = [];
  private previous = NaN;
  private step = NaN;

  constructor(private readonly samples = 16) {}

  /** The learned step in milliseconds, or NaN while still learning. */
  get stepMs(): number {
    return this.step;
  }

  /** Feeds one timestamp (UTC ms). */
  observe(timestamp: number): void {
    if (!Number.isNaN(this.step)) return;
    const diff = timestamp - this.previous;
    this.previous = timestamp;
    if (diff > 0) this.diffs.push(diff);
    if (this.diffs.length >= this.samples) this.step = medianOf(this.diffs);
  }
}

/** The median positive step of a whole series (for tools that see it all). */
export function medianStepMs(timestamps: Float64Array): number {
  const diffs: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const diff = timestamps[i] - timestamps[i - 1];
    if (diff > 0) diffs.push(diff);
  }
  return diffs.length ? medianOf(diffs) : NaN;
}

/** Index of `timestamp`'s phase bucket within `periodMs`, buckets `stepMs` wide. */
export function phaseBucket(timestamp: number, periodMs: number, stepMs: number, buckets: number): number {
  // timestamp mod period, without the slow floating-point remainder.
  const phase = timestamp - Math.floor(timestamp / periodMs) * periodMs;
  const bucket = Math.floor(phase / stepMs);
  return bucket < buckets ? bucket : buckets - 1;
}
