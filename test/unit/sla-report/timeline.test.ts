/** Counting from raw samples, and the timeline built from step records and recounts. */
import { counterIncreases, observedIn, partsOf, RawDataError, scrapeCounts, seriesWithoutPrior } from '../../../lambdas/sla-report/raw-counts';
import { assembleTimeline, planSlots, RecordDataError, type StepRecord } from '../../../lambdas/sla-report/timeline';

const M = 60_000;
const STEP = 5 * M;

describe('raw counts', () => {
  it('cuts an interval into parts at the splits inside it', () => {
    expect(partsOf(0, 10, [5, 5, 0, 10, 12, 3])).toEqual([
      { from: 0, to: 3 },
      { from: 3, to: 5 },
      { from: 5, to: 10 },
    ]);
  });

  it('counts counter increases per part, attributing each to its later sample, with resets counted from zero', () => {
    const series = [{ key: 'a', samples: [[0, 100], [M, 110], [2 * M, 5], [3 * M, 20], [4 * M, 20]] as Array<[number, number]> }];
    // (0, 2m]: 10 then a reset to 5; (2m, 4m]: 15 then 0.
    expect(counterIncreases(series, [{ from: 0, to: 2 * M }, { from: 2 * M, to: 4 * M }])).toEqual([15, 15]);
  });

  it('takes the value before the interval from `previous` when the answer does not reach back to it (after a gap)', () => {
    const series = [{ key: 'a', samples: [[30 * M, 500]] as Array<[number, number]> }];
    expect(counterIncreases(series, [{ from: 25 * M, to: 30 * M }])).toEqual([0]); // new series: its first value is not counted
    expect(counterIncreases(series, [{ from: 25 * M, to: 30 * M }], new Map([['a', 440]]))).toEqual([60]);
    expect(seriesWithoutPrior(series, 25 * M, 30 * M)).toEqual(['a']);
  });

  it('refuses values no counter or up series has', () => {
    expect(() => counterIncreases([{ key: 'a', samples: [[M, 1], [2 * M, NaN]] }], [{ from: 0, to: 3 * M }])).toThrow(RawDataError);
    expect(() => scrapeCounts([{ key: 'up', samples: [[M, 2]] }], [{ from: 0, to: 3 * M }])).toThrow('an up series is 0 or 1');
  });

  it('counts scrapes and successful scrapes per part, excluding a sample on the left edge', () => {
    const series = [{ key: 'a', samples: [[0, 1], [M, 1], [2 * M, 0], [3 * M, 1]] as Array<[number, number]> }];
    expect(scrapeCounts(series, [{ from: 0, to: 2 * M }, { from: 2 * M, to: 3 * M }])).toEqual({ up: [1, 1], all: [2, 1] });
    expect(observedIn(series, 4 * M, 5 * M, STEP)).toBe(true);
    expect(observedIn(series, 9 * M, 10 * M, STEP)).toBe(false);
  });
});

describe('planSlots', () => {
  const records = (...entries: Array<[number, number, number?, number?]>): StepRecord[] => entries.map(([t, total, good, inexact]) => ({ t, total, good: good ?? total, inexact: inexact ?? 0 }));
  const options = { start: 0, end: 60 * M, cuts: [60 * M], mode: 'events' as const, goodRequired: false };

  it('keeps exact steps as they are and recounts flagged, overlapping, cut and partial steps', () => {
    const slots = planSlots(records([10 * M, 5], [15 * M, 5, 5, 1], [18 * M, 3], [25 * M, 4], [57 * M, 9]), { ...options, cuts: [60 * M, 22 * M] });
    expect(slots.map((s) => [s.from / M, s.to / M, s.recount ?? 'exact', s.parts.length])).toEqual([
      [5, 10, 'exact', 1],
      [10, 15, 'inexact', 1],
      [15, 18, 'overlap', 1],
      [20, 25, 'boundary', 2],
      [52, 57, 'exact', 1],
      [57, 60, 'tail', 1],
    ]);
  });

  it('leaves a gap a gap: no partial step unless the last record is less than a step before the end', () => {
    const slots = planSlots(records([40 * M, 5]), options);
    expect(slots.map((s) => s.recount ?? 'exact')).toEqual(['exact']);
  });

  it('throughput steps are cut by time and have no partial step; uptime steps have no inexact flag', () => {
    const throughput = planSlots(records([10 * M, 5], [58 * M, 5]), { ...options, cuts: [60 * M, 7 * M], mode: 'throughput' });
    expect(throughput.map((s) => [s.recount ?? 'exact', s.parts.length])).toEqual([
      ['exact', 2],
      ['exact', 1],
    ]);
    expect(planSlots(records([10 * M, 5, 5, 3]), { ...options, mode: 'scrapes' })[0].recount).toBeUndefined();
  });

  it('refuses impossible records and a latency step without its good count', () => {
    expect(() => planSlots([{ t: 10 * M, total: -1, good: 0 }], options)).toThrow('the total record has the value -1 at 1970-01-01T00:10:00.000Z; a count is a finite number of at least 0');
    expect(() => planSlots([{ t: 10 * M, total: 5 }], { ...options, goodRequired: true })).toThrow(RecordDataError);
    expect(() => planSlots([{ t: 10 * M, total: 5 }], { ...options, goodRequired: true })).toThrow('has a total count but no good count: the histogram lost its threshold bucket');
  });
});

describe('assembleTimeline', () => {
  const step = (t: number, total: number, good = total, inexact = 0): StepRecord => ({ t, total, good, inexact });

  it('uses recounts where given, and splits a record in proportion when its raw samples are gone (not exact)', () => {
    const slots = planSlots([step(10 * M, 10), step(15 * M, 10, 8)], { start: 0, end: 20 * M, cuts: [20 * M, 12 * M], mode: 'events', goodRequired: false });
    const intervals = assembleTimeline(slots, [undefined, { good: [2, 6], total: [3, 7], observed: true, rawAvailable: true }], 'events');
    expect(intervals.map((i) => [i.from / M, i.to / M, i.good, i.total, i.exact])).toEqual([
      [5, 10, 10, 10, true],
      [10, 12, 2, 3, true],
      [12, 15, 6, 7, true],
    ]);
    const gone = assembleTimeline(slots, [undefined, { good: [0, 0], total: [0, 0], observed: false, rawAvailable: false }], 'events');
    expect(gone.slice(1).map((i) => [i.good, i.total, i.exact])).toEqual([
      [3.2, 4, false],
      [4.8, 6, false],
    ]);
  });

  it('judges a throughput step by its events against the floor and gives its parts their length in ms', () => {
    const slots = planSlots([step(10 * M, 1500), step(15 * M, 1499)], { start: 0, end: 20 * M, cuts: [20 * M, 12 * M], mode: 'throughput', goodRequired: false });
    const intervals = assembleTimeline(slots, [undefined, undefined], 'throughput', 5);
    expect(intervals.map((i) => [i.to / M, i.good, i.total])).toEqual([
      [10, 5 * M, 5 * M],
      [12, 0, 2 * M],
      [15, 0, 3 * M],
    ]);
  });

  it('marks the partial step covered only when it was observed', () => {
    const slots = planSlots([step(10 * M, 10)], { start: 0, end: 12 * M, cuts: [12 * M], mode: 'events', goodRequired: false });
    expect(assembleTimeline(slots, [undefined, { good: [1], total: [2], observed: true, rawAvailable: true }], 'events').map((i) => i.covered)).toEqual([true, true]);
    expect(assembleTimeline(slots, [undefined, { good: [0], total: [0], observed: false, rawAvailable: true }], 'events').map((i) => i.covered)).toEqual([true, false]);
  });
});
