/**
 * The known answers of the SLA report over the synthetic scenario
 * (`test/helpers/sla-report-scenario.ts`), computed straight from the
 * events behind every sample, without Prometheus and without the
 * report's code: for each objective, the history cut into the intervals
 * the report documents (each 5-minute step `(t - 5m, t]` that has a
 * sample, cut at the period boundaries, and the partial step before
 * `asOf`), the period figures, the burn rates at `asOf` and the fast-burn
 * stretches, by brute force.
 */
import { BURN_RATE_ALERTS } from '../../config/slo';
import type { ScenarioSeries } from '../helpers/sla-report-scenario';

const STEP = 300_000;
const WINDOW_MS: Record<string, number> = { '5m': 300_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '6h': 21_600_000, '1d': 86_400_000, '3d': 259_200_000 };

export interface TruthInterval {
  readonly from: number;
  readonly to: number;
  readonly good: number;
  readonly total: number;
  readonly covered: boolean;
}

/** Timed contributions: `[time, good, total]`. */
type Event = readonly [number, number, number];

/** Sums of events by time, answered by binary search over prefix sums (events sorted by time). */
class EventIndex {
  private readonly times: Float64Array;
  private readonly good: Float64Array;
  private readonly total: Float64Array;

  constructor(events: readonly Event[]) {
    this.times = Float64Array.from(events.map((e) => e[0]));
    this.good = new Float64Array(events.length + 1);
    this.total = new Float64Array(events.length + 1);
    events.forEach(([, g, n], i) => {
      this.good[i + 1] = this.good[i] + g;
      this.total[i + 1] = this.total[i] + n;
    });
  }

  /** Index of the first event after `t`. */
  private after(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Events with times in `(from, to]`. */
  sum(from: number, to: number): { good: number; total: number; any: boolean } {
    const a = this.after(from);
    const b = this.after(to);
    return { good: this.good[b] - this.good[a], total: this.total[b] - this.total[a], any: b > a };
  }
}

/** Split `(from, to]` at the cuts inside it. */
function parts(from: number, to: number, cuts: readonly number[]): Array<[number, number]> {
  const inside = [...new Set(cuts)].filter((c) => c > from && c < to).sort((a, b) => a - b);
  const edges = [from, ...inside, to];
  return edges.slice(1).map((e, i) => [edges[i], e]);
}

/** Events of counters: each sample contributes its increment to good and/or total. */
export function counterEvents(series: readonly ScenarioSeries[], isGood: (s: ScenarioSeries) => boolean, isTotal: (s: ScenarioSeries) => boolean): Event[] {
  const events: Event[] = [];
  for (const s of series) {
    const good = isGood(s);
    const total = isTotal(s);
    if (!good && !total) continue;
    for (const [t, inc] of s.increments) events.push([t, good ? inc : 0, total ? inc : 0]);
  }
  return events.sort((a, b) => a[0] - b[0]);
}

/** Events of `up`: each scrape counts, successful ones are good. */
export function scrapeEvents(series: readonly ScenarioSeries[], isUp: (s: ScenarioSeries) => boolean): Event[] {
  return series
    .filter(isUp)
    .flatMap((s) => s.samples.map(([t, v]) => [t, v, 1] as const))
    .sort((a, b) => a[0] - b[0]);
}

export interface TruthOptions {
  /** Evaluation times of the step records (the rule group's grid over the backfilled range). */
  readonly ticks: readonly number[];
  /** Period boundaries minus 1 ms, and asOf - 1. */
  readonly cuts: readonly number[];
  readonly asOf: number;
}

/** The intervals of an event or scrape objective. */
export function truthTimeline(eventList: readonly Event[], presenceList: readonly Event[], options: TruthOptions): TruthInterval[] {
  const events = new EventIndex(eventList);
  const presence = new EventIndex(presenceList);
  const sumIn = (index: EventIndex, from: number, to: number) => index.sum(from, to);
  const intervals: TruthInterval[] = [];
  const end = options.asOf - 1;
  let last: number | undefined;
  for (const t of options.ticks) {
    if (!sumIn(presence, t - STEP, t).any) continue;
    last = t;
    for (const [a, b] of parts(t - STEP, t, options.cuts)) {
      const { good, total } = sumIn(events, a, b);
      intervals.push({ from: a, to: b, good, total, covered: true });
    }
  }
  if (last !== undefined && last < end && end - last < STEP) {
    const covered = sumIn(presence, last - STEP, end).any;
    for (const [a, b] of parts(last, end, options.cuts)) {
      const { good, total } = sumIn(events, a, b);
      intervals.push({ from: a, to: b, good, total, covered });
    }
  }
  return intervals;
}

/** The intervals of a throughput objective: a step is good for its whole length when it has at least `floor * 300` events. */
export function throughputTimeline(eventList: readonly Event[], floorPerSecond: number, options: TruthOptions): TruthInterval[] {
  const events = new EventIndex(eventList);
  const sumIn = (index: EventIndex, from: number, to: number) => index.sum(from, to);
  const intervals: TruthInterval[] = [];
  for (const t of options.ticks) {
    const step = sumIn(events, t - STEP, t);
    if (!step.any) continue;
    const good = step.total * 1000 >= floorPerSecond * STEP;
    for (const [a, b] of parts(t - STEP, t, options.cuts)) intervals.push({ from: a, to: b, good: good ? b - a : 0, total: b - a, covered: true });
  }
  return intervals;
}

/** Sums over the intervals ending in `(from, to]`. */
export function windowSum(intervals: readonly TruthInterval[], from: number, to: number): { good: number; total: number; coveredMs: number } {
  let good = 0;
  let total = 0;
  let coveredMs = 0;
  for (const i of intervals) {
    if (i.to > from && i.to <= to) {
      good += i.good;
      total += i.total;
      if (i.covered) coveredMs += i.to - i.from;
    }
  }
  return { good, total, coveredMs };
}

const burn = (sums: { good: number; total: number }, budget: number) => (sums.total > 0 ? Math.max(0, sums.total - sums.good) / sums.total / budget : null);

export interface TruthEpisode {
  readonly severity: 'page' | 'ticket';
  readonly start: number;
  readonly end: number;
  readonly bad: number;
  readonly peak: number;
}

/**
 * Window sums at each of `points` (interval indexes, in time order): a
 * sliding window over the intervals ending in `(end - ms, end]`.
 */
function slidingSums(intervals: readonly TruthInterval[], points: readonly number[], ms: number): Array<{ good: number; total: number }> {
  let left = 0;
  let right = 0;
  let good = 0;
  let total = 0;
  return points.map((index) => {
    const end = intervals[index].to;
    while (right <= index) {
      good += intervals[right].good;
      total += intervals[right].total;
      right++;
    }
    while (left < right && intervals[left].to <= end - ms) {
      good -= intervals[left].good;
      total -= intervals[left].total;
      left++;
    }
    return { good, total };
  });
}

/** The fast-burn stretches of `(from, to]`, evaluated at every covered interval's end. */
export function truthEpisodes(intervals: readonly TruthInterval[], from: number, to: number, budget: number): TruthEpisode[] {
  const episodes: TruthEpisode[] = [];
  const points = intervals.map((interval, index) => ({ interval, index })).filter(({ interval }) => interval.to > from && interval.to <= to && interval.covered).map(({ index }) => index);
  const sums = Object.fromEntries(Object.entries(WINDOW_MS).map(([w, ms]) => [w, slidingSums(intervals, points, ms)]));
  for (const alert of BURN_RATE_ALERTS) {
    const severity = alert.severity === 'critical' ? 'page' : 'ticket';
    let open: { first: number; last: number; peak: number } | undefined;
    const close = () => {
      if (!open) return;
      let good = 0;
      let total = 0;
      for (let i = open.first; i <= open.last; i++) {
        good += intervals[i].good;
        total += intervals[i].total;
      }
      episodes.push({ severity, start: intervals[open.first].from + 1, end: intervals[open.last].to + 1, bad: Math.max(0, total - good), peak: open.peak });
      open = undefined;
    };
    points.forEach((index, p) => {
      if (open && (!intervals[index - 1].covered || intervals[index - 1].to !== intervals[index].from)) close();
      let peak = -1;
      for (const c of alert.conditions) {
        const long = burn(sums[c.longWindow][p], budget);
        const short = burn(sums[c.shortWindow][p], budget);
        if (long !== null && short !== null && long > c.factor && short > c.factor) peak = Math.max(peak, long);
      }
      if (peak < 0) close();
      else if (open && open.last === points[p - 1]) {
        open.last = index;
        open.peak = Math.max(open.peak, peak);
      } else {
        close();
        open = { first: index, last: index, peak };
      }
    });
    close();
  }
  return episodes.sort((a, b) => a.start - b.start || (a.severity === 'page' ? -1 : 1));
}

/** Burn rates over the report's windows ending at `end`. */
export function truthBurnRates(intervals: readonly TruthInterval[], end: number, budget: number): Record<string, number | null> {
  return Object.fromEntries(['1h', '6h', '1d', '3d'].map((w) => [w, burn(windowSum(intervals, end - WINDOW_MS[w], end), budget)]));
}
