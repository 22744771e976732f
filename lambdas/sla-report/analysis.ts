/**
 * Figures over an objective's timeline (`timeline.ts`): totals of a
 * period, counts over the trailing burn-rate windows, the stretches in
 * which the page or ticket burn-rate conditions held, and the error
 * budget's burn-down. Pure functions of the intervals.
 *
 * Periods are cut exactly (their boundaries are interval ends). The
 * burn-rate windows and the conditions are evaluated on the intervals'
 * ends, so on the 5-minute grid of the records: a window counts every
 * interval that ends inside it.
 */
import { BURN_RATE_ALERTS } from '../../config/slo';
import { budgetShareUsed, type Fraction } from './budget';
import type { Interval } from './timeline';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

const windowCache = new Map<string, number>();

/** Milliseconds of a window such as `5m`, `6h`, `3d`. */
export function windowMs(window: string): number {
  let ms = windowCache.get(window);
  if (ms === undefined) {
    const match = /^(\d+)([mhd])$/.exec(window);
    if (!match) throw new RangeError(`"${window}" is not a window such as "5m", "1h" or "3d"`);
    ms = Number(match[1]) * UNIT_MS[match[2]];
    windowCache.set(window, ms);
  }
  return ms;
}

/** The windows of the reported burn rates. */
export const BURN_RATE_WINDOWS = ['1h', '6h', '1d', '3d'] as const;
export type BurnRateWindow = (typeof BURN_RATE_WINDOWS)[number];

/** Sums over intervals, answered by prefix sums in O(log n). */
export class TimelineIndex {
  private readonly ends: number[];
  private readonly good: Float64Array;
  private readonly total: Float64Array;
  private readonly coveredMs: Float64Array;
  private readonly inexact: Int32Array;

  constructor(readonly intervals: readonly Interval[]) {
    for (let i = 1; i < intervals.length; i++) {
      if (intervals[i].from < intervals[i - 1].to) throw new Error(`TimelineIndex: interval ${i} (${intervals[i].from}..${intervals[i].to}) overlaps the previous one (..${intervals[i - 1].to})`);
    }
    const n = intervals.length;
    this.ends = intervals.map((i) => i.to);
    this.good = new Float64Array(n + 1);
    this.total = new Float64Array(n + 1);
    this.coveredMs = new Float64Array(n + 1);
    this.inexact = new Int32Array(n + 1);
    intervals.forEach((interval, i) => {
      this.good[i + 1] = this.good[i] + interval.good;
      this.total[i + 1] = this.total[i] + interval.total;
      this.coveredMs[i + 1] = this.coveredMs[i] + (interval.covered ? interval.to - interval.from : 0);
      this.inexact[i + 1] = this.inexact[i] + (interval.exact ? 0 : 1);
    });
  }

  /** Index of the first interval ending after `t`. */
  private firstEndingAfter(t: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Totals of the intervals ending in `(from, to]`. */
  sum(from: number, to: number): WindowTotals {
    const a = this.firstEndingAfter(from);
    const b = this.firstEndingAfter(to);
    if (b <= a) return { good: 0, total: 0, coveredMs: 0, inexactIntervals: 0, intervals: 0 };
    // Sums of whole-number counts are exact in doubles up to 2^53; the differences of prefix sums are too.
    return { good: this.good[b] - this.good[a], total: this.total[b] - this.total[a], coveredMs: this.coveredMs[b] - this.coveredMs[a], inexactIntervals: this.inexact[b] - this.inexact[a], intervals: b - a };
  }

  /** Index range `[a, b)` of the intervals ending in `(from, to]`. */
  range(from: number, to: number): [number, number] {
    return [this.firstEndingAfter(from), this.firstEndingAfter(to)];
  }
}

export interface WindowTotals {
  readonly good: number;
  readonly total: number;
  readonly coveredMs: number;
  readonly inexactIntervals: number;
  readonly intervals: number;
}

/** Burn rate over each window ending at `end` (inclusive ms); null without traffic in the window. */
export function burnRates(index: TimelineIndex, end: number, objective: Fraction): Record<BurnRateWindow, number | null> {
  const rates = {} as Record<BurnRateWindow, number | null>;
  for (const window of BURN_RATE_WINDOWS) {
    const totals = index.sum(end - windowMs(window), end);
    rates[window] = budgetShareUsed(Math.max(0, totals.total - totals.good), totals.total, objective);
  }
  return rates;
}

/** A stretch in which a burn-rate alert's condition held. */
export interface Episode {
  readonly severity: 'page' | 'ticket';
  /** Start (epoch ms, inclusive) and end (exclusive). */
  readonly start: number;
  readonly end: number;
  /** Bad units in it, as a share of the period's allowed bad units; null when the period allows none (no traffic). */
  readonly budgetBurntShare: number | null;
  /** The highest long-window burn rate of a condition that held. */
  readonly peakBurnRate: number;
}

/**
 * The stretches of `(from, to]` in which the page (14.4x over 1h and 5m,
 * or 6x over 6h and 30m) or the ticket (3x over 1d and 2h, or 1x over 3d
 * and 6h) conditions held, evaluated at each covered interval's end, with
 * the windows reaching back before the period. A stretch ends where the
 * condition stops holding or the data stops.
 */
export function burnEpisodes(index: TimelineIndex, from: number, to: number, objective: Fraction, periodAllowedBad: number): Episode[] {
  const [a, b] = index.range(from, to);
  const intervals = index.intervals;
  const episodes: Episode[] = [];
  for (const alert of BURN_RATE_ALERTS) {
    const severity = alert.severity === 'critical' ? 'page' : 'ticket';
    let open: { first: number; last: number; peak: number } | undefined;
    const close = () => {
      if (!open) return;
      const totals = index.sum(intervals[open.first].from, intervals[open.last].to);
      const bad = Math.max(0, totals.total - totals.good);
      episodes.push({ severity, start: intervals[open.first].from + 1, end: intervals[open.last].to + 1, budgetBurntShare: periodAllowedBad > 0 ? bad / periodAllowedBad : null, peakBurnRate: open.peak });
      open = undefined;
    };
    for (let i = a; i < b; i++) {
      const interval = intervals[i];
      if (!interval.covered || (open && intervals[i - 1].to !== interval.from)) close();
      if (!interval.covered) continue;
      let peak = -1;
      for (const condition of alert.conditions) {
        const long = burnOver(index, interval.to, windowMs(condition.longWindow), objective);
        const short = burnOver(index, interval.to, windowMs(condition.shortWindow), objective);
        if (long !== null && short !== null && long > condition.factor && short > condition.factor) peak = Math.max(peak, long);
      }
      if (peak < 0) {
        close();
        continue;
      }
      if (open) {
        open.last = i;
        open.peak = Math.max(open.peak, peak);
      } else {
        open = { first: i, last: i, peak };
      }
    }
    close();
  }
  return episodes.sort((x, y) => x.start - y.start || (x.severity === 'page' ? -1 : 1));
}

function burnOver(index: TimelineIndex, end: number, ms: number, objective: Fraction): number | null {
  const totals = index.sum(end - ms, end);
  return budgetShareUsed(Math.max(0, totals.total - totals.good), totals.total, objective);
}

/**
 * The remaining share of the period's error budget after each covered
 * interval (1 untouched, 0 spent, below 0 overspent), starting at 1 at
 * the period's start; at most `maxPoints` points, evenly picked, the last
 * always kept. Empty when the period allows no bad unit (no traffic).
 */
export function burnDown(index: TimelineIndex, from: number, to: number, allowedBad: number, maxPoints = 400): Array<[number, number]> {
  if (!(allowedBad > 0)) return [];
  const [a, b] = index.range(from, to);
  const points: Array<[number, number]> = [[from + 1, 1]];
  let good = 0;
  let total = 0;
  for (let i = a; i < b; i++) {
    const interval = index.intervals[i];
    good += interval.good;
    total += interval.total;
    // Bad units as the period's figures count them: all units less good ones, never below zero.
    if (interval.covered) points.push([interval.to + 1, 1 - Math.max(0, total - good) / allowedBad]);
  }
  if (points.length <= maxPoints) return points;
  const stride = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => points[Math.round(i * stride)]);
}

/** Which burn-rate alerts' conditions hold over the windows ending at `end`. */
export function conditionsHolding(index: TimelineIndex, end: number, objective: Fraction): { page: boolean; ticket: boolean } {
  const holds = (severity: 'critical' | 'warning') =>
    BURN_RATE_ALERTS.filter((a) => a.severity === severity).some((alert) =>
      alert.conditions.some((c) => {
        const long = burnOver(index, end, windowMs(c.longWindow), objective);
        const short = burnOver(index, end, windowMs(c.shortWindow), objective);
        return long !== null && short !== null && long > c.factor && short > c.factor;
      }),
    );
  return { page: holds('critical'), ticket: holds('warning') };
}
