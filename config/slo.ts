/**
 * The SLO contract shared by the rule files, the dashboards and the SLA
 * report: the names of the recording rules each SLO gets, the burn-rate
 * alert windows, and the PromQL that reads them. Everything that queries
 * SLO data builds its queries here, so a renamed rule cannot silently
 * break a reader.
 *
 * Recording rules (every series carries `slo="<name>"` and `service`):
 * - `slo:sli_error:ratio_rate<window>` for each of `SLO_WINDOWS`: the share
 *   of bad events over that window (0 to 1).
 * - `slo:sli_good:increase5m` and `slo:sli_total:increase5m`: good and
 *   total events in each 5-minute step, recorded by a group evaluated every
 *   5 minutes, so `sum_over_time(...[30d])` counts the events of 30 days.
 * - `slo:sli_inexact_series:count5m`: how many series of the SLO's
 *   selectors had a step count that is not exact (see `stepIncreaseQuery`),
 *   so the SLA report knows which steps to recount from the raw samples.
 *
 * SLAs (`slas`) get the same kind of step records, labelled `sla="<name>"`:
 * `sla:uptime_up:samples5m` / `sla:uptime_scrapes:samples5m` (successful
 * and all scrapes of the targets in the step) and
 * `sla:throughput_events:increase5m` / `sla:throughput_inexact_series:count5m`.
 */
import type { Sla } from './sections/slas';
import type { Slo } from './sections/slos';

/** Windows of the error-ratio recording rules. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** Step of the event-count recording rules and evaluation interval of their group. */
export const SLO_COUNT_STEP = '5m';

/** Recording rule of good events per 5-minute step. */
export const SLO_GOOD_COUNT_RECORD = 'slo:sli_good:increase5m';
/** Recording rule of all events per 5-minute step. */
export const SLO_TOTAL_COUNT_RECORD = 'slo:sli_total:increase5m';
/** Recording rule of the series whose count in a step is extrapolated, not exact. */
export const SLO_INEXACT_COUNT_RECORD = 'slo:sli_inexact_series:count5m';
/** Range over which a counter reset voids a step's exact count: the step and the lookback of its `offset` (see `exactStepIncrease`). */
export const SLO_RESET_RANGE = '10m';

/** Uptime SLA: scrapes that succeeded (`up` = 1) in each step. */
export const SLA_UPTIME_UP_RECORD = 'sla:uptime_up:samples5m';
/** Uptime SLA: every scrape of the targets in each step. */
export const SLA_UPTIME_SCRAPES_RECORD = 'sla:uptime_scrapes:samples5m';
/** Throughput SLA: events in each step. */
export const SLA_THROUGHPUT_EVENTS_RECORD = 'sla:throughput_events:increase5m';
/** Throughput SLA: series whose count in a step is extrapolated. */
export const SLA_THROUGHPUT_INEXACT_RECORD = 'sla:throughput_inexact_series:count5m';

/** The error-ratio recording rule of a window. */
export function sloErrorRatioRecord(window: SloWindow): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** One condition of a multi-window, multi-burn-rate alert: both windows burn faster than `factor` times the budget. */
export interface BurnRateCondition {
  readonly factor: number;
  readonly longWindow: SloWindow;
  readonly shortWindow: SloWindow;
}

/** A burn-rate alert and its conditions (any one fires it). */
export interface BurnRateAlert {
  readonly alert: 'SloErrorBudgetBurnPage' | 'SloErrorBudgetBurnTicket';
  readonly severity: 'critical' | 'warning';
  readonly conditions: readonly BurnRateCondition[];
}

/**
 * The multi-window, multi-burn-rate alerts of the Google SRE workbook for a
 * 30-day window: a page when 2% of the budget burns in an hour (14.4x) or
 * 5% in six hours (6x); a ticket when 10% burns in a day (3x) or the whole
 * budget would be gone at the end of the window (1x over 3 days).
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  {
    alert: 'SloErrorBudgetBurnPage',
    severity: 'critical',
    conditions: [
      { factor: 14.4, longWindow: '1h', shortWindow: '5m' },
      { factor: 6, longWindow: '6h', shortWindow: '30m' },
    ],
  },
  {
    alert: 'SloErrorBudgetBurnTicket',
    severity: 'warning',
    conditions: [
      { factor: 3, longWindow: '1d', shortWindow: '2h' },
      { factor: 1, longWindow: '3d', shortWindow: '6h' },
    ],
  },
];

/** The error budget as a fraction: 99.9% gives 0.001. Rounded to avoid 1 - 0.999 = 0.0010000000000000009. */
export function sloErrorBudget(slo: Pick<Slo, 'objective'>): number {
  return Number((1 - slo.objective / 100).toPrecision(12));
}

/** `{slo="<name>"}`: selects one SLO's recorded series. */
export function sloSelector(slo: Pick<Slo, 'name'>): string {
  return `{slo="${slo.name}"}`;
}

/** The recorded error ratio of an SLO over a window. */
export function sloErrorRatioQuery(slo: Pick<Slo, 'name'>, window: SloWindow): string {
  return `${sloErrorRatioRecord(window)}${sloSelector(slo)}`;
}

/**
 * Good and total events of an SLO over a range (default: its window), from
 * the 5-minute count records. This is what the SLA report and the
 * error-budget panels read; `range` is a Prometheus duration or a Grafana
 * range variable such as `$__range`.
 */
export function sloEventCountQueries(slo: Pick<Slo, 'name' | 'window'>, range: string = slo.window): { good: string; total: string } {
  return {
    good: `sum(sum_over_time(${SLO_GOOD_COUNT_RECORD}${sloSelector(slo)}[${range}]))`,
    total: `sum(sum_over_time(${SLO_TOTAL_COUNT_RECORD}${sloSelector(slo)}[${range}]))`,
  };
}

/** Share of good events over a range (1 = every event good). */
export function sloComplianceQuery(slo: Pick<Slo, 'name' | 'window'>, range: string = slo.window): string {
  const { good, total } = sloEventCountQueries(slo, range);
  return `${good} / ${total}`;
}

/** Share of the error budget left over a range: 1 untouched, 0 spent, below 0 overspent. */
export function sloErrorBudgetRemainingQuery(slo: Pick<Slo, 'name' | 'window' | 'objective'>, range: string = slo.window): string {
  const { good, total } = sloEventCountQueries(slo, range);
  return `1 - ((1 - ${good} / ${total}) / ${sloErrorBudget(slo)})`;
}

/** How fast the budget burns over a window: 1 spends exactly the budget over the SLO window. */
export function sloBurnRateQuery(slo: Pick<Slo, 'name' | 'objective'>, window: SloWindow): string {
  return `${sloErrorRatioQuery(slo, window)} / ${sloErrorBudget(slo)}`;
}

/** PromQL selector text of a counter selector, with extra matchers appended. */
export function selectorText(metric: string, matchers: readonly string[]): string {
  return matchers.length > 0 ? `${metric}{${matchers.join(', ')}}` : metric;
}

/**
 * The `le` matcher of a latency threshold. Prometheus 2 stores a whole
 * number as the client wrote it (`le="1"`), Prometheus 3 as a float
 * (`le="1.0"`); matching both keeps the rules right across an upgrade.
 */
export function bucketMatcher(threshold: string): string {
  return threshold.includes('.') ? `le="${threshold}"` : `le=~"${threshold}(\\\\.0)?"`;
}

/** Good and total event rates of an SLO's SLI over a window, summed over every series. */
export function sliRateQueries(slo: Pick<Slo, 'sli'>, window: string): { good: string; total: string } {
  const sli = slo.sli;
  if (sli.kind === 'availability') {
    return {
      // A service that only fails may never have created its good series: count it as zero good events.
      good: `(sum(rate(${selectorText(sli.good.metric, sli.good.matchers)}[${window}])) or vector(0))`,
      total: `sum(rate(${selectorText(sli.total.metric, sli.total.matchers)}[${window}]))`,
    };
  }
  // A histogram without the threshold bucket gives no data (and SloThresholdBucketMissing), never a 100% error ratio.
  return {
    good: `sum(rate(${selectorText(`${sli.histogram}_bucket`, [...sli.matchers, bucketMatcher(sli.threshold)])}[${window}]))`,
    total: `sum(rate(${selectorText(`${sli.histogram}_count`, sli.matchers)}[${window}]))`,
  };
}

/**
 * Per series, the exact increase of a counter in the step ending now:
 * the last sample now minus the last sample one step ago, both found by
 * the instant lookback, which telescopes (consecutive steps share their
 * boundary sample, so every pair of consecutive samples is counted once)
 * and does not extrapolate. It is exact on Prometheus 2 (closed ranges)
 * and 3 (left-open ranges) alike: an instant selector takes the last
 * sample at or before its time in both.
 *
 * A counter reset makes the difference wrong, so a series with a reset
 * in the step or in the lookback of its `offset` (10 minutes) has no
 * exact value; neither has a series without a sample in the lookback one
 * step ago (new, or back after a gap).
 */
export function exactStepIncrease(selector: string): string {
  return `((${selector} - ${selector} offset ${SLO_COUNT_STEP}) unless resets(${selector}[${SLO_RESET_RANGE}]) > 0)`;
}

/**
 * Events of the series of a selector in the step: exact where
 * `exactStepIncrease` is, else `increase()` (extrapolated to the step's
 * edges), else 0 for a series with a single sample in the step (new, or
 * back after a gap), so the step is recorded whenever a series has data.
 * The SLA report recounts the steps `inexactSeriesQuery` flags from the
 * raw samples; dashboards read the sum as it is.
 */
export function stepIncreaseQuery(selector: string): string {
  return `sum(${exactStepIncrease(selector)} or increase(${selector}[${SLO_COUNT_STEP}]) or 0 * present_over_time(${selector}[${SLO_COUNT_STEP}]))`;
}

/** Series of a selector with samples in the step but no exact count (reset, new, back after a gap); 0 when none. */
export function inexactSeriesQuery(selector: string): string {
  return `(count(present_over_time(${selector}[${SLO_COUNT_STEP}]) unless ${exactStepIncrease(selector)}) or vector(0))`;
}

/** The selectors whose raw samples count an SLO's good and total events. */
export function sliSelectors(slo: Pick<Slo, 'sli'>): { good: string; total: string } {
  const sli = slo.sli;
  if (sli.kind === 'availability') return { good: selectorText(sli.good.metric, sli.good.matchers), total: selectorText(sli.total.metric, sli.total.matchers) };
  return { good: selectorText(`${sli.histogram}_bucket`, [...sli.matchers, bucketMatcher(sli.threshold)]), total: selectorText(`${sli.histogram}_count`, sli.matchers) };
}

/** The count records of an SLO: good and total events per step, and the series whose count is not exact. */
export function sliStepCountQueries(slo: Pick<Slo, 'sli'>): { good: string; total: string; inexact: string } {
  const { good, total } = sliSelectors(slo);
  return {
    // A service that only fails may never have created its good series: zero good events. A latency SLO
    // without its threshold bucket records no good count at all (no data, and SloThresholdBucketMissing).
    good: slo.sli.kind === 'availability' ? `(${stepIncreaseQuery(good)} or vector(0))` : stepIncreaseQuery(good),
    total: stepIncreaseQuery(total),
    inexact: `${inexactSeriesQuery(good)} + ${inexactSeriesQuery(total)}`,
  };
}

/** `{sla="<name>"}`: selects one SLA's recorded series. */
export function slaSelector(sla: Pick<Sla, 'name'>): string {
  return `{sla="${sla.name}"}`;
}

/** The selector whose raw samples an SLA counts: the `up` series of an uptime SLA, the counter of a throughput SLA. */
export function slaSourceSelector(sla: Sla): string {
  return sla.kind === 'uptime' ? selectorText(sla.target.metric, sla.target.matchers) : selectorText(sla.counter.metric, sla.counter.matchers);
}

/**
 * The step records of an SLA, by record name. Uptime counts the scrapes
 * of the step from the raw `up` samples (`sum_over_time` of 0/1 values):
 * exact on Prometheus 3, whose ranges are left-open; Prometheus 2's
 * closed ranges count a scrape whose timestamp falls exactly on the left
 * edge of a step (to the millisecond) in two steps. Throughput counts
 * events like the SLOs do.
 */
export function slaStepCountQueries(sla: Sla): Record<string, string> {
  const selector = slaSourceSelector(sla);
  if (sla.kind === 'uptime') {
    return {
      [SLA_UPTIME_UP_RECORD]: `sum(sum_over_time(${selector}[${SLO_COUNT_STEP}]))`,
      [SLA_UPTIME_SCRAPES_RECORD]: `sum(count_over_time(${selector}[${SLO_COUNT_STEP}]))`,
    };
  }
  return { [SLA_THROUGHPUT_EVENTS_RECORD]: stepIncreaseQuery(selector), [SLA_THROUGHPUT_INEXACT_RECORD]: inexactSeriesQuery(selector) };
}
