/**
 * Rules generated from the typed SLOs (`slos` in the configuration; names
 * and windows in `config/slo.ts`): per SLO, its error ratio over every
 * standard window, its good and total events per 5-minute step (for exact
 * counts over the SLO window) with the number of series whose step count
 * is not exact, the multi-window, multi-burn-rate page and ticket, and for
 * latency SLOs an alert when the threshold bucket does not exist (the SLI
 * would have no data). The SLAs (`slas`) get their step counts in the same
 * 5-minute group, for the SLA report.
 *
 * The unit tests burn each SLO's budget at 1.05x (fires) and 0.95x (quiet)
 * the documented rates after a healthy history as long as the long window,
 * so they fail if a window or a factor is wrong.
 */
import type { MonitoringConfig } from '../../config';
import type { Sla } from '../../config/sections/slas';
import type { Slo } from '../../config/sections/slos';
import {
  BURN_RATE_ALERTS,
  bucketMatcher,
  type BurnRateAlert,
  type BurnRateCondition,
  SLA_THROUGHPUT_EVENTS_RECORD,
  SLA_UPTIME_SCRAPES_RECORD,
  SLA_UPTIME_UP_RECORD,
  SLO_COUNT_STEP,
  SLO_GOOD_COUNT_RECORD,
  SLO_INEXACT_COUNT_RECORD,
  SLO_TOTAL_COUNT_RECORD,
  SLO_WINDOWS,
  selectorText,
  slaSelector,
  slaStepCountQueries,
  sliRateQueries,
  sliStepCountQueries,
  sloErrorBudget,
  sloErrorRatioQuery,
  sloErrorRatioRecord,
} from '../../config/slo';
import { CategoryRules, percent } from './catalogue';
import { duration, growing, seconds, series } from './test-series';
import type { AlertRule, AlertTestCase, ExpressionTestCase, InputSeries, RecordingRule, RuleFile } from './types';

/** Events per minute in the test series. */
const EVENTS_PER_MINUTE = 1000;

export function sloRules(config: MonitoringConfig): RuleFile {
  const rules = new CategoryRules(config, 'slo');
  const ratioRules = config.slos.flatMap((slo) => [...errorRatioRecords(slo), ...burnRateAlerts(rules, slo), ...bucketAlert(rules, slo)]);
  const countRules = [...config.slos.flatMap(countRecords), ...config.slas.flatMap(slaRecords)];
  return {
    fileName: 'slo.rules.yml',
    groups: [
      { name: 'slo', rules: ratioRules },
      // Evaluated once per 5-minute step, so each sample counts each event once and sum_over_time gives exact totals.
      { name: 'slo-counts', interval: SLO_COUNT_STEP, rules: countRules },
    ],
    expressionTests: [...config.slos.flatMap(countTests), ...config.slas.flatMap(slaCountTests)],
  };
}

function sloLabels(slo: Slo): Record<string, string> {
  return { slo: slo.name, service: slo.service };
}

function errorRatioRecords(slo: Slo): RecordingRule[] {
  return SLO_WINDOWS.map((window) => {
    const { good, total } = sliRateQueries(slo, window);
    return { kind: 'record', name: sloErrorRatioRecord(window), expr: `1 - (${good} / ${total})`, labels: sloLabels(slo) };
  });
}

function countRecords(slo: Slo): RecordingRule[] {
  const { good, total, inexact } = sliStepCountQueries(slo);
  return [
    { kind: 'record', name: SLO_GOOD_COUNT_RECORD, expr: good, labels: sloLabels(slo) },
    { kind: 'record', name: SLO_TOTAL_COUNT_RECORD, expr: total, labels: sloLabels(slo) },
    { kind: 'record', name: SLO_INEXACT_COUNT_RECORD, expr: inexact, labels: sloLabels(slo) },
  ];
}

function slaLabels(sla: Sla): Record<string, string> {
  return { sla: sla.name, service: sla.service };
}

function slaRecords(sla: Sla): RecordingRule[] {
  return Object.entries(slaStepCountQueries(sla)).map(([name, expr]) => ({ kind: 'record' as const, name, expr, labels: slaLabels(sla) }));
}

/** `factor` times the budget, without float noise (14.4 * 0.001 is 0.014400000000000001). */
function burnThreshold(slo: Slo, factor: number): number {
  return Number((factor * sloErrorBudget(slo)).toPrecision(12));
}

function burnRateAlerts(rules: CategoryRules, slo: Slo): AlertRule[] {
  return BURN_RATE_ALERTS.flatMap((alert) =>
    rules.alert(
      alert.alert,
      (s) => {
        const condition = (c: BurnRateCondition) =>
          `(${sloErrorRatioQuery(slo, c.longWindow)} > ${burnThreshold(slo, c.factor)} and ${sloErrorRatioQuery(slo, c.shortWindow)} > ${burnThreshold(slo, c.factor)})`;
        const rates = alert.conditions.map((c) => `${c.factor}x over ${c.longWindow} and ${c.shortWindow}`).join(', or ');
        return {
          severity: alert.severity,
          expr: alert.conditions.map(condition).join(' or '),
          // The series carry these already; as rule labels they also tell the SLOs' rules apart for promtool's duplicate check.
          labels: sloLabels(slo),
          summary: `SLO {{ $labels.slo }} burns its error budget ${alert.severity === 'critical' ? 'fast' : 'steadily'}`,
          description:
            `{{ $value | humanizePercentage }} of the events of SLO {{ $labels.slo }} ({{ $labels.service }}, objective ${slo.objective}%) failed over the long window, against an error budget of ${percent(sloErrorBudget(slo))}. ` +
            `The budget burns at ${rates} the sustainable rate: ${alert.severity === 'critical' ? 'it is gone within days' : 'it will be gone before the end of the window'}.`,
          tests: burnTests(slo, alert, s.for),
        };
      },
      { team: slo.team },
    ),
  );
}

/** Latency SLOs: the histogram exists but not the bucket of the threshold, so the SLI has no data. */
function bucketAlert(rules: CategoryRules, slo: Slo): AlertRule[] {
  const sli = slo.sli;
  if (sli.kind !== 'latency') return [];
  return rules.alert(
    'SloThresholdBucketMissing',
    (s) => {
      const labels = synthesize(sli.matchers, []);
      const steps = Math.ceil(seconds(s.for) / 60) + 30;
      const inputs = (le: string) => [
        { series: series(`${sli.histogram}_count`, labels?.good ?? {}), values: growing(100, steps) },
        { series: series(`${sli.histogram}_bucket`, { ...(labels?.good ?? {}), le }), values: growing(90, steps) },
      ];
      return {
        severity: 'warning',
        expr: `count(${selectorText(`${sli.histogram}_count`, sli.matchers)}) unless on () count(${selectorText(`${sli.histogram}_bucket`, [...sli.matchers, bucketMatcher(sli.threshold)])})`,
        labels: sloLabels(slo),
        summary: `SLO ${slo.name}: ${sli.histogram} has no ${sli.threshold}s bucket`,
        description: `The latency SLO ${slo.name} counts requests under ${sli.threshold}s from the bucket le="${sli.threshold}" of ${sli.histogram}, but the service exposes the histogram without that bucket, so the SLO has no data and its burn-rate alerts cannot fire. Add the bucket to the service's histogram or set the SLO threshold to an existing bucket.`,
        tests: labels
          ? [
              { kind: 'fires', description: 'fires when the histogram lacks the threshold bucket', series: inputs('99'), conditionFrom: '0s', labels: {}, value: 1 },
              { kind: 'quiet', description: 'quiet when the bucket exists', series: inputs(sli.threshold), at: duration(seconds(s.for) + 300) },
            ]
          : [],
      };
    },
    { team: slo.team },
  );
}

/** Good and bad events per minute over time, as counters matching the SLO's selectors. */
interface EventCounters {
  readonly series: InputSeries[];
}

/**
 * Counters for an SLO: `healthyMinutes` of good traffic, then `burnMinutes`
 * with `badPerMinute` of the EVENTS_PER_MINUTE events bad, one sample every
 * `sampleMinutes`.
 */
function eventCounters(slo: Slo, healthyMinutes: number, burnMinutes: number, badPerMinute: number, sampleMinutes = 1): EventCounters | undefined {
  const samples = (minutes: number) => minutes / sampleMinutes;
  const good = piecewise([
    { steps: samples(healthyMinutes), perStep: EVENTS_PER_MINUTE * sampleMinutes },
    { steps: samples(burnMinutes), perStep: (EVENTS_PER_MINUTE - badPerMinute) * sampleMinutes },
  ]);
  const all = growing(EVENTS_PER_MINUTE * sampleMinutes, samples(healthyMinutes + burnMinutes));
  const sli = slo.sli;
  if (sli.kind === 'latency') {
    const labels = synthesize(sli.matchers, []);
    if (!labels) return undefined;
    return {
      series: [
        { series: series(`${sli.histogram}_bucket`, { ...labels.good, le: sli.threshold }), values: good },
        { series: series(`${sli.histogram}_bucket`, { ...labels.good, le: '+Inf' }), values: all },
        { series: series(`${sli.histogram}_count`, labels.good), values: all },
      ],
    };
  }
  if (sli.good.metric !== sli.total.metric) {
    const totalLabels = synthesize(sli.total.matchers, []);
    const goodLabels = synthesize(sli.good.matchers, []);
    if (!totalLabels || !goodLabels) return undefined;
    return { series: [{ series: series(sli.total.metric, totalLabels.good), values: all }, { series: series(sli.good.metric, goodLabels.good), values: good }] };
  }
  // One metric: good events match both selectors, bad events only the total's.
  const labels = synthesize([...sli.total.matchers, ...sli.good.matchers], sli.good.matchers, sli.total.matchers);
  if (!labels?.bad) return undefined;
  const bad = piecewise([
    { steps: samples(healthyMinutes), perStep: 0 },
    { steps: samples(burnMinutes), perStep: badPerMinute * sampleMinutes },
  ]);
  return { series: [{ series: series(sli.total.metric, labels.good), values: good }, { series: series(sli.total.metric, labels.bad), values: bad }] };
}

/**
 * For each condition of a burn-rate alert: a history as long as its long
 * window with no errors, then errors at 1.05x the condition's rate (fires
 * once the long window has burnt 1/1.05 of its length) or 0.95x (quiet).
 */
function burnTests(slo: Slo, alert: BurnRateAlert, forDuration: string): AlertTestCase[] {
  const budget = sloErrorBudget(slo);
  const forMinutes = seconds(forDuration) / 60;
  // The slow-burn conditions span days: sample every 5 minutes and evaluate every 15 to keep promtool fast.
  const step = alert.severity === 'critical' ? 1 : 15;
  const evaluationInterval = `${step}m`;
  const interval = alert.severity === 'critical' ? '1m' : '5m';
  const sampleMinutes = seconds(interval) / 60;
  // A healthy history as long as the longest window of the alert, so no other condition's window sees only errors.
  const longest = Math.max(...alert.conditions.map((c) => seconds(c.longWindow) / 60));
  return alert.conditions.flatMap((condition, index) => {
    const longMinutes = seconds(condition.longWindow) / 60;
    const onset = Math.floor(longMinutes / 1.05 / step) * step + step;
    const firesAt = Math.ceil((onset + forMinutes) / step) * step;
    const quietAt = longMinutes + forMinutes + 5;
    const burnMinutes = Math.ceil((Math.max(firesAt, quietAt) + 30) / step) * step;
    const firing = eventCounters(slo, longest, burnMinutes, EVENTS_PER_MINUTE * budget * condition.factor * 1.05, sampleMinutes);
    const quiet = eventCounters(slo, longest, burnMinutes, EVENTS_PER_MINUTE * budget * condition.factor * 0.95, sampleMinutes);
    if (!firing || !quiet) return [];
    // The earlier condition is reported when both hold (PromQL `or` keeps its left side).
    const reported = alert.conditions.find((c, i) => i <= index && burnedRatio(slo, c, 1.05 * condition.factor, firesAt) > burnThreshold(slo, c.factor)) ?? condition;
    return [
      {
        kind: 'fires' as const,
        description: `fires when errors burn the budget at 1.05x ${condition.factor} (${condition.longWindow} and ${condition.shortWindow} windows)`,
        evaluationInterval,
        interval,
        series: firing.series,
        conditionFrom: duration((longest + onset) * 60),
        labels: sloLabels(slo),
        value: burnedRatio(slo, reported, 1.05 * condition.factor, firesAt),
      },
      {
        kind: 'quiet' as const,
        description: `quiet when errors burn it at 0.95x ${condition.factor}`,
        evaluationInterval,
        interval,
        series: quiet.series,
        at: duration((longest + Math.ceil(quietAt / step) * step) * 60),
      },
    ];
  });
}

/**
 * The error ratio over a condition's long window, `minutesBurning` into a
 * burn at `factor` times the budget, computed as the rules do (one minus
 * good over total) so the float rounds the same way.
 */
function burnedRatio(slo: Slo, condition: BurnRateCondition, factor: number, minutesBurning: number): number {
  const longMinutes = seconds(condition.longWindow) / 60;
  const total = EVENTS_PER_MINUTE * longMinutes;
  const bad = EVENTS_PER_MINUTE * sloErrorBudget(slo) * factor * Math.min(minutesBurning, longMinutes);
  return 1 - (total - bad) / total;
}

/** The count records sum to the events of a period. */
function countTests(slo: Slo): ExpressionTestCase[] {
  const counters = eventCounters(slo, 0, 180, 10);
  if (!counters) return [];
  // 60 minutes of 5-minute steps, the window starting just after a step (Prometheus 2 ranges include their left edge, 3 do not).
  const range = `sum_over_time(%s{slo="${slo.name}"}[1h])`;
  // Evaluated every 5 minutes like the group (promtool evaluates every group at the file's interval).
  return [
    {
      description: `SLO ${slo.name}: an hour of 5-minute counts sums to the hour's events`,
      evaluationInterval: SLO_COUNT_STEP,
      series: counters.series,
      evalTime: '2h1m',
      expr: `${range.replace('%s', SLO_TOTAL_COUNT_RECORD)} - ${range.replace('%s', SLO_GOOD_COUNT_RECORD)}`,
      samples: [{ labels: `{service="${slo.service}", slo="${slo.name}"}`, value: 60 * 10 }],
    },
    {
      description: `SLO ${slo.name}: total events of an hour`,
      evaluationInterval: SLO_COUNT_STEP,
      series: counters.series,
      evalTime: '2h1m',
      expr: range.replace('%s', SLO_TOTAL_COUNT_RECORD),
      samples: [{ labels: `{service="${slo.service}", slo="${slo.name}"}`, value: 60 * EVENTS_PER_MINUTE }],
    },
    ...resetTests(slo, counters),
  ];
}

/**
 * A counter reset after the first hour (its first series restarts from 0)
 * flags the steps whose exact count it voids (the step of the reset and
 * the next, whose offset looks back over it), and only those: the SLA
 * report recounts exactly those steps from the raw samples.
 */
function resetTests(slo: Slo, counters: EventCounters): ExpressionTestCase[] {
  const [first, ...rest] = counters.series;
  const perMinute = Number(/^0\+([0-9.]+)x/.exec(first.values)?.[1] ?? NaN);
  if (!Number.isFinite(perMinute)) return [];
  const series = [{ series: first.series, values: `0+${perMinute}x60 0+${perMinute}x119` }, ...rest];
  const flagged = (evalTime: string, value: number): ExpressionTestCase => ({
    description: `SLO ${slo.name}: a counter reset at 1h1m ${value ? 'flags' : 'no longer flags'} the step ending at ${evalTime} as inexact`,
    evaluationInterval: SLO_COUNT_STEP,
    series,
    evalTime,
    expr: `clamp_max(${SLO_INEXACT_COUNT_RECORD}{slo="${slo.name}"}, 1)`,
    samples: [{ labels: `{service="${slo.service}", slo="${slo.name}"}`, value }],
  });
  return [flagged('1h', 0), flagged('1h5m', 1), flagged('1h10m', 1), flagged('1h15m', 0)];
}

/** Input spacing of the SLA tests: never a multiple of 5 minutes, so no sample sits on a step's left edge in the test's hour. */
const SLA_TEST_INTERVAL_SECONDS = 59;

/**
 * The SLA step records sum to what the raw samples hold over an hour:
 * scrapes and successful scrapes of the targets (with a 20-scrape outage
 * inside the hour), events of the counter.
 */
function slaCountTests(sla: Sla): ExpressionTestCase[] {
  const matchers = sla.kind === 'uptime' ? sla.target.matchers : sla.counter.matchers;
  const labels = synthesize(matchers, []);
  if (!labels) return [];
  const evalSeconds = 2 * 3600 + 60;
  // The hour's steps end at 3900..7200 s; together they hold the samples in (3600, 7200].
  const inHour = Array.from({ length: 401 }, (_, k) => k).filter((k) => k * SLA_TEST_INTERVAL_SECONDS > 3600 && k * SLA_TEST_INTERVAL_SECONDS <= 7200);
  const range = (record: string) => `sum_over_time(${record}${slaSelector(sla)}[1h])`;
  const sampleLabels = `{service="${sla.service}", sla="${sla.name}"}`;
  const base = { evaluationInterval: SLO_COUNT_STEP, interval: `${SLA_TEST_INTERVAL_SECONDS}s`, evalTime: duration(evalSeconds) };
  if (sla.kind === 'uptime') {
    const isUp = (k: number) => k <= 100 || k > 120;
    const input = [{ series: series(sla.target.metric, labels.good), values: '1x100 0x19 1x279' }];
    return [
      { ...base, description: `SLA ${sla.name}: an hour of step records counts the hour's scrapes`, series: input, expr: range(SLA_UPTIME_SCRAPES_RECORD), samples: [{ labels: sampleLabels, value: inHour.length }] },
      { ...base, description: `SLA ${sla.name}: and the successful ones`, series: input, expr: range(SLA_UPTIME_UP_RECORD), samples: [{ labels: sampleLabels, value: inHour.filter(isUp).length }] },
    ];
  }
  // One event per second: the hour's events are the counter's last value in it minus its last value before it.
  const events = (inHour[inHour.length - 1] - (inHour[0] - 1)) * SLA_TEST_INTERVAL_SECONDS;
  return [
    {
      ...base,
      description: `SLA ${sla.name}: an hour of step records counts the hour's events`,
      series: [{ series: series(sla.counter.metric, labels.good), values: `0+${SLA_TEST_INTERVAL_SECONDS}x400` }],
      expr: range(SLA_THROUGHPUT_EVENTS_RECORD),
      samples: [{ labels: sampleLabels, value: events }],
    },
  ];
}

/** Consecutive counter segments, each adding `perStep` per sample for `steps` samples, in expanding notation. */
function piecewise(segments: ReadonlyArray<{ steps: number; perStep: number }>): string {
  const parts: string[] = [];
  let value = 0;
  let first = true;
  for (const { steps, perStep } of segments) {
    if (steps <= 0) continue;
    const rounded = Number(perStep.toFixed(6));
    if (first) {
      parts.push(`${value}+${rounded}x${steps}`);
      first = false;
    } else {
      parts.push(`${Number((value + rounded).toFixed(6))}+${rounded}x${steps - 1}`);
    }
    value = Number((value + rounded * steps).toFixed(6));
  }
  return parts.join(' ');
}

const CANDIDATE_VALUES = ['200', '204', '301', '400', '401', '404', '429', '500', '502', '503', '504', 'OK', 'Unavailable', 'Internal', 'success', 'error', 'true', 'false'];

/**
 * Label sets satisfying PromQL matchers, for the SLO tests: `good` matches
 * `all`; `bad` (when `without` is given) matches `badMust` but not every
 * matcher of `without`. Values come from the equality matchers and a list
 * of usual status values; an SLO whose matchers none of them satisfy gets
 * no generated tests (the catalogue test reports it).
 */
function synthesize(all: readonly string[], without: readonly string[], badMust: readonly string[] = all): { good: Record<string, string>; bad?: Record<string, string> } | undefined {
  const parsed = [...all, ...without, ...badMust].map(parseMatcher);
  const fixed: Record<string, string> = {};
  for (const m of parsed) if (m.op === '=') fixed[m.name] = m.value;
  const free = [...new Set(parsed.filter((m) => m.op !== '=' && fixed[m.name] === undefined).map((m) => m.name))];
  const assignments = (names: string[]): Array<Record<string, string>> =>
    names.length === 0 ? [{}] : assignments(names.slice(1)).flatMap((rest) => [...CANDIDATE_VALUES, ''].map((v) => ({ ...rest, ...(v ? { [names[0]]: v } : {}) })));
  const candidates = assignments(free).map((a) => ({ ...fixed, ...a }));
  const satisfies = (labels: Record<string, string>, matchers: readonly string[]) => matchers.map(parseMatcher).every((m) => matchMatcher(m, labels));
  const good = candidates.find((c) => satisfies(c, all));
  if (!good) return undefined;
  if (without.length === 0) return { good };
  const bad = candidates.find((c) => satisfies(c, badMust) && !satisfies(c, without));
  return { good, bad };
}

interface ParsedMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

function parseMatcher(matcher: string): ParsedMatcher {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/.exec(matcher);
  if (!m) throw new Error(`"${matcher}" is not a label matcher`);
  return { name: m[1], op: m[2] as ParsedMatcher['op'], value: m[3].replace(/\\(.)/g, '$1') };
}

/** PromQL matcher semantics: a missing label is the empty string; regexes are anchored. */
function matchMatcher(m: ParsedMatcher, labels: Record<string, string>): boolean {
  const actual = labels[m.name] ?? '';
  if (m.op === '=') return actual === m.value;
  if (m.op === '!=') return actual !== m.value;
  const matches = new RegExp(`^(?:${m.value})$`).test(actual);
  return m.op === '=~' ? matches : !matches;
}

