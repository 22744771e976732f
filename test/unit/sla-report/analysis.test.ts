/** Figures over a timeline: window sums, burn rates, fast-burn stretches, the burn-down. */
import { burnDown, burnEpisodes, burnRates, conditionsHolding, TimelineIndex, windowMs } from '../../../lambdas/sla-report/analysis';
import { objectiveFraction } from '../../../lambdas/sla-report/budget';
import type { Interval } from '../../../lambdas/sla-report/timeline';

const M = 60_000;
const STEP = 5 * M;
const objective = objectiveFraction('99.9');

/** `hours` of 5-minute steps from 0, 1000 events each, `bad(step)` of them bad. */
function steps(hours: number, bad: (i: number) => number, covered: (i: number) => boolean = () => true): Interval[] {
  return Array.from({ length: (hours * 60) / 5 }, (_, i) => ({ from: i * STEP, to: (i + 1) * STEP, total: 1000, good: 1000 - bad(i), covered: covered(i), exact: true }));
}

describe('TimelineIndex', () => {
  it('sums the intervals ending in a window', () => {
    const index = new TimelineIndex(steps(1, (i) => i));
    expect(index.sum(0, STEP)).toEqual({ good: 1000, total: 1000, coveredMs: STEP, inexactIntervals: 0, intervals: 1 });
    // The steps ending at 10m and 15m, with 1 and 2 bad events.
    expect(index.sum(STEP, 3 * STEP)).toMatchObject({ good: 1997, total: 2000, intervals: 2 });
    expect(index.sum(10 * STEP, 100 * STEP)).toMatchObject({ total: 2000, intervals: 2 });
    expect(index.sum(-5, -1)).toMatchObject({ total: 0, intervals: 0 });
  });

  it('refuses overlapping intervals', () => {
    expect(() => new TimelineIndex([{ from: 0, to: 10, good: 1, total: 1, covered: true, exact: true }, { from: 5, to: 15, good: 1, total: 1, covered: true, exact: true }])).toThrow('overlaps the previous one');
  });

  it('knows its windows', () => {
    expect([windowMs('5m'), windowMs('6h'), windowMs('3d')]).toEqual([5 * M, 6 * 60 * M, 3 * 24 * 60 * M]);
    expect(() => windowMs('1w')).toThrow('"1w" is not a window');
  });
});

describe('burn rates and fast burn', () => {
  // Three days of clean traffic, then one hour at 5% errors (50x the 0.1% budget), then clean again.
  const burstFrom = 3 * 24 * 12;
  const timeline = steps(3 * 24 + 6, (i) => (i >= burstFrom && i < burstFrom + 12 ? 50 : 0));
  const index = new TimelineIndex(timeline);
  const burstStart = burstFrom * STEP;

  it('gives the burn rate over each window ending at an instant', () => {
    const end = burstStart + 12 * STEP;
    const rates = burnRates(index, end, objective);
    expect(rates['1h']).toBeCloseTo(50, 9);
    expect(rates['6h']).toBeCloseTo(50 / 6, 9);
    expect(rates['1d']).toBeCloseTo(50 / 24, 9);
    expect(burnRates(new TimelineIndex([]), end, objective)).toEqual({ '1h': null, '6h': null, '1d': null, '3d': null });
  });

  it('finds the page stretch from the step the condition first holds to the last, and the budget it burnt', () => {
    const from = 3 * 24 * 60 * M - 1;
    const to = timeline[timeline.length - 1].to;
    const periodTotal = index.sum(from, to).total;
    const episodes = burnEpisodes(index, from, to, objective, periodTotal * 0.001);
    const page = episodes.filter((e) => e.severity === 'page');
    expect(page).toHaveLength(1);
    // 14.4x over 1h and 5m: the 5m window holds from the first burst step; the 1h window needs 3.5 burst steps of 12.
    expect(page[0].start).toBe(burstStart + 3 * STEP + 1);
    // Then 6x over 6h and 30m holds (from the 9th burst step) until the 30-minute window leaves the burst.
    expect(page[0].end).toBe(burstStart + 17 * STEP + 1);
    expect(page[0].budgetBurntShare).toBeCloseTo((9 * 50) / (periodTotal * 0.001), 12);
    expect(page[0].peakBurnRate).toBeCloseTo(50, 9);
    // 600 bad events are 2x the budget over a day and 0.7x over 3 days: no ticket.
    expect(episodes.filter((e) => e.severity === 'ticket')).toEqual([]);
  });

  it('breaks a stretch where the data stops', () => {
    const gap = steps(3 * 24 + 6, (i) => (i >= burstFrom && i < burstFrom + 12 ? 50 : 0), (i) => i !== burstFrom + 8).filter((x) => x.covered);
    const episodes = burnEpisodes(new TimelineIndex(gap), 3 * 24 * 60 * M - 1, gap[gap.length - 1].to, objective, 100).filter((e) => e.severity === 'page');
    expect(episodes.length).toBe(2);
  });

  it('says which alert conditions hold now', () => {
    expect(conditionsHolding(index, burstStart + 12 * STEP, objective)).toEqual({ page: true, ticket: false });
    expect(conditionsHolding(index, timeline[timeline.length - 1].to, objective)).toEqual({ page: false, ticket: false });
  });

  it('draws the burn-down from 1 at the period start, downsampled with the last point kept', () => {
    const from = 3 * 24 * 60 * M - 1;
    const to = timeline[timeline.length - 1].to;
    const allowed = index.sum(from, to).total * 0.001;
    const points = burnDown(index, from, to, allowed, 10);
    expect(points).toHaveLength(10);
    expect(points[0]).toEqual([from + 1, 1]);
    expect(points[9][0]).toBe(to + 1);
    expect(points[9][1]).toBeCloseTo(1 - 600 / allowed, 12);
    expect(burnDown(index, from, to, 0)).toEqual([]);
  });
});
