/**
 * Counting from raw samples, for the steps the recorded counts cannot
 * give exactly: a step whose count was extrapolated (a counter reset, a
 * new series, a series back after a gap), a step cut by a period
 * boundary, the partial step before the report's `asOf`.
 *
 * Time is in epoch milliseconds and intervals are `(from, to]`, as
 * Prometheus 3 ranges are; a sample belongs to the interval holding its
 * timestamp. A counter's increase between two consecutive samples is
 * attributed to the later one: the difference, or after a reset (a lower
 * value) the new value, counted from zero. A series' first sample ever
 * (no earlier sample within a day) adds nothing, as in Prometheus.
 */

/** One series' raw samples, oldest first: `[epoch ms, value]`. */
export interface RawSeries {
  /** Its label set as a stable key. */
  readonly key: string;
  readonly samples: ReadonlyArray<readonly [number, number]>;
}

/** An interval `(from, to]` in epoch milliseconds. */
export interface Part {
  readonly from: number;
  readonly to: number;
}

/** Consecutive parts `(from, s1], (s1, s2], ..., (sn, to]` of an interval cut at `splits` (inside it). */
export function partsOf(from: number, to: number, splits: readonly number[]): Part[] {
  const cuts = [...new Set(splits)].filter((s) => s > from && s < to).sort((a, b) => a - b);
  const edges = [from, ...cuts, to];
  return edges.slice(1).map((end, i) => ({ from: edges[i], to: end }));
}

function partIndex(parts: readonly Part[], t: number): number {
  for (let i = 0; i < parts.length; i++) if (t > parts[i].from && t <= parts[i].to) return i;
  return -1;
}

/** Thrown when the raw samples hold a value no counter or `up` series can have. */
export class RawDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RawDataError';
  }
}

/**
 * Increases of counters in each part. `previous` gives, per series key,
 * the value of its last sample at or before the first part's start when
 * that sample is not among `series`' own samples (it was further back).
 */
export function counterIncreases(series: readonly RawSeries[], parts: readonly Part[], previous: ReadonlyMap<string, number> = new Map()): number[] {
  const totals = parts.map(() => 0);
  if (parts.length === 0) return totals;
  const start = parts[0].from;
  for (const s of series) {
    let prior: number | undefined = previous.get(s.key);
    for (const [t, v] of s.samples) {
      if (!Number.isFinite(v)) throw new RawDataError(`series ${s.key} has the value ${v} at ${new Date(t).toISOString()}; a counter is a finite number`);
      if (t <= start) {
        prior = v;
        continue;
      }
      const index = partIndex(parts, t);
      if (index < 0) continue;
      if (prior !== undefined) totals[index] += v >= prior ? v - prior : v;
      prior = v;
    }
  }
  return totals;
}

/** Whether any series has a sample within a part (or, for the first part, within `lookbackMs` before it). */
export function observedIn(series: readonly RawSeries[], from: number, to: number, lookbackMs: number): boolean {
  return series.some((s) => s.samples.some(([t]) => t > from - lookbackMs && t <= to));
}

/** Scrapes and successful scrapes (`up` = 1) in each part. */
export function scrapeCounts(series: readonly RawSeries[], parts: readonly Part[]): { up: number[]; all: number[] } {
  const up = parts.map(() => 0);
  const all = parts.map(() => 0);
  for (const s of series) {
    for (const [t, v] of s.samples) {
      const index = partIndex(parts, t);
      if (index < 0) continue;
      if (v !== 0 && v !== 1) throw new RawDataError(`series ${s.key} has the value ${v} at ${new Date(t).toISOString()}; an up series is 0 or 1`);
      all[index] += 1;
      up[index] += v;
    }
  }
  return { up, all };
}

/** Keys of the series that have samples in `(from, to]` but none at or before `from` among their samples. */
export function seriesWithoutPrior(series: readonly RawSeries[], from: number, to: number): string[] {
  return series.filter((s) => s.samples.some(([t]) => t > from && t <= to) && !s.samples.some(([t]) => t <= from)).map((s) => s.key);
}
