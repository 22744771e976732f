/**
 * An objective's history as consecutive intervals `(from, to]` (epoch
 * ms) with good and total counts, built from the 5-minute step records
 * and, where they cannot be exact, from raw samples:
 *
 * 1. `planSlots`: every recorded step `(t - 5m, t]`, cut at the period
 *    boundaries, and the partial step before `asOf`; each slot says
 *    whether it must be recounted from raw samples (its count was
 *    extrapolated, it overlaps the previous step, a boundary cuts it, or
 *    it is the partial step).
 * 2. The caller recounts those slots (`report.ts`, which queries
 *    Prometheus).
 * 3. `assembleTimeline`: the intervals, each with its counts, whether it
 *    had data (coverage) and whether its counts are exact.
 *
 * Period boundaries are instants `B`; a sample at exactly `B` belongs to
 * the period starting at `B`, so intervals are cut at `B - 1` ms.
 */
import type { Part } from './raw-counts';
import { partsOf } from './raw-counts';

/** Milliseconds in a step of the count records. */
export const STEP_MS = 300_000;

/** The recorded values of one step, at its evaluation time `t`. */
export interface StepRecord {
  readonly t: number;
  readonly good?: number;
  readonly total?: number;
  /** Series whose count in the step is extrapolated (not exact). */
  readonly inexact?: number;
}

export type CountingMode = 'events' | 'scrapes' | 'throughput';

export type RecountReason = 'inexact' | 'overlap' | 'boundary' | 'tail';

/** A step (or the partial step before `asOf`) to count. */
export interface Slot {
  readonly from: number;
  readonly to: number;
  readonly record?: StepRecord;
  /** Where periods cut it. */
  readonly parts: readonly Part[];
  /** Why it must be counted from raw samples; undefined when the record is exact as it is. */
  readonly recount?: RecountReason;
}

/** Good and total counts of a slot's parts, from raw samples. */
export interface RecountResult {
  readonly good: readonly number[];
  readonly total: readonly number[];
  /** Some series of the total selector had samples in the slot or within 5 minutes before it. */
  readonly observed: boolean;
  /** False when Prometheus no longer has the raw samples of a recorded step (retention): the record is used as it is. */
  readonly rawAvailable: boolean;
}

/** One interval of the history. */
export interface Interval {
  readonly from: number;
  readonly to: number;
  readonly good: number;
  readonly total: number;
  /** Data was recorded for it (coverage). */
  readonly covered: boolean;
  /** Its counts are exact. */
  readonly exact: boolean;
}

/** Thrown when the recorded series hold values no count can have; the objective is reported as failed. */
export class RecordDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordDataError';
  }
}

export interface PlanOptions {
  /** Count from after this instant (inclusive-ms convention: intervals end after it). */
  readonly start: number;
  /** Count up to and including this instant (`asOf - 1`). */
  readonly end: number;
  /** Instants (inclusive-ms) where intervals must end: period boundaries minus 1 ms, `end` among them. */
  readonly cuts: readonly number[];
  readonly mode: CountingMode;
  /** Latency SLOs: a step with a total but no good count has lost its threshold bucket. */
  readonly goodRequired: boolean;
}

/** Check a recorded value. */
function checkValue(name: string, t: number, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0) throw new RecordDataError(`the ${name} record has the value ${value} at ${new Date(t).toISOString()}; a count is a finite number of at least 0`);
}

/** The slots covering `(start, end]`, in time order. */
export function planSlots(records: readonly StepRecord[], options: PlanOptions): Slot[] {
  const { start, end, mode } = options;
  const slots: Slot[] = [];
  const recorded = [...records].filter((r) => r.total !== undefined).sort((a, b) => a.t - b.t);
  let previousT: number | undefined;
  for (const record of recorded) {
    checkValue('total', record.t, record.total);
    checkValue('good', record.t, record.good);
    checkValue('inexact-series', record.t, record.inexact);
    if (options.goodRequired && record.good === undefined) {
      throw new RecordDataError(`the step ending ${new Date(record.t).toISOString()} has a total count but no good count: the histogram lost its threshold bucket (see the SloThresholdBucketMissing alert)`);
    }
    const overlap = previousT !== undefined && record.t - previousT < STEP_MS;
    const from = overlap ? previousT! : record.t - STEP_MS;
    previousT = record.t;
    if (record.t <= start || from >= end) continue;
    const parts = partsOf(from, record.t, options.cuts);
    const cut = parts.length > 1;
    const reason: RecountReason | undefined =
      mode !== 'scrapes' && (record.inexact ?? 0) > 0 ? 'inexact' : overlap ? 'overlap' : cut && mode !== 'throughput' ? 'boundary' : undefined;
    slots.push({ from, to: record.t, record, parts, recount: reason });
  }
  const last = slots[slots.length - 1];
  // The partial step before `asOf`: its record comes later. Only right after a recorded step: a gap stays a gap.
  if (last && last.to < end && end - last.to < STEP_MS && mode !== 'throughput') {
    slots.push({ from: last.to, to: end, parts: partsOf(last.to, end, options.cuts), recount: 'tail' });
  }
  return slots;
}

/** Split counts over parts in proportion to their length (when raw samples are gone). */
function proportional(value: number, slot: Slot): number[] {
  const length = slot.to - slot.from;
  return slot.parts.map((p) => (value * (p.to - p.from)) / length);
}

/**
 * The intervals of a history from its slots and the recounts of the slots
 * that needed one (same order; undefined for the others). Throughput
 * slots count time: a step is good for its whole length when its events
 * reach `floorPerSecond`, and its parts are good or not with it.
 */
export function assembleTimeline(slots: readonly Slot[], recounts: ReadonlyArray<RecountResult | undefined>, mode: CountingMode, floorPerSecond = 0): Interval[] {
  const intervals: Interval[] = [];
  slots.forEach((slot, index) => {
    const recount = slot.recount ? recounts[index] : undefined;
    if (slot.recount && !recount) throw new Error(`assembleTimeline: slot ${index} (${slot.recount}) has no recount`);
    if (mode === 'throughput') {
      const usable = recount?.rawAvailable ? recount : undefined;
      const events = usable ? usable.total[0] : slot.record!.total!;
      const lengthMs = slot.to - slot.from;
      const good = events * 1000 >= floorPerSecond * lengthMs;
      const exact = usable ? true : !((slot.record?.inexact ?? 0) > 0);
      for (const part of slot.parts) {
        const ms = part.to - part.from;
        intervals.push({ from: part.from, to: part.to, good: good ? ms : 0, total: ms, covered: true, exact });
      }
      return;
    }
    if (recount?.rawAvailable) {
      slot.parts.forEach((part, i) =>
        intervals.push({ from: part.from, to: part.to, good: recount.good[i], total: recount.total[i], covered: slot.record !== undefined || recount.observed, exact: true }),
      );
      return;
    }
    if (!slot.record) return; // a partial step whose raw samples are gone: no data
    const record = slot.record;
    const good = proportional(record.good ?? 0, slot);
    const total = proportional(record.total!, slot);
    const exact = !slot.recount;
    slot.parts.forEach((part, i) => intervals.push({ from: part.from, to: part.to, good: good[i], total: total[i], covered: true, exact }));
  });
  return intervals;
}
