/**
 * A range query's samples laid onto the check's step grid, the shape the
 * detectors take: one Float64Array per series, NaN wherever the series
 * has no usable value (a gap, a stale series, NaN or an infinite value).
 * What was not usable is counted, so the run can report it.
 */
import type { Sample } from '../shared/prometheus-client';
import type { QueryRange } from './window';

/** One series on the grid. */
export interface AlignedSeries {
  /** Values on the grid; NaN where there is none. */
  readonly values: Float64Array;
  /** Grid points without a finite value. */
  readonly missing: number;
  /** Samples whose value was NaN or infinite (counted in `missing`). */
  readonly nonFinite: number;
  /** Samples off the grid or outside the range (ignored): another step than asked for. */
  readonly offGrid: number;
}

/** The grid's timestamps (UTC ms), shared by every series of a check. */
export function gridTimestamps(range: QueryRange): Float64Array {
  const timestamps = new Float64Array(range.points);
  for (let i = 0; i < range.points; i++) timestamps[i] = range.startMs + i * range.stepMs;
  return timestamps;
}

/**
 * Lays samples (epoch seconds, as the API returns them) onto the grid.
 * Prometheus evaluates a range query exactly at `start + k * step`, so a
 * sample belongs to grid point k when its timestamp is that instant (to
 * the millisecond the API resolves).
 */
export function alignSamples(samples: readonly Sample[], range: QueryRange): AlignedSeries {
  const values = new Float64Array(range.points).fill(NaN);
  let nonFinite = 0;
  let offGrid = 0;
  for (const [seconds, value] of samples) {
    const offset = Math.round(seconds * 1000) - range.startMs;
    const index = offset / range.stepMs;
    if (!Number.isInteger(index) || index < 0 || index >= range.points) {
      offGrid++;
      continue;
    }
    if (Number.isFinite(value)) values[index] = value;
    else nonFinite++;
  }
  let missing = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) missing++;
  return { values, missing, nonFinite, offGrid };
}
