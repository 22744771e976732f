/**
 * Builds the report: for each objective, its step records and the raw
 * recounts they call for (from Prometheus), its timeline, and the figures
 * of each period. Objectives are computed a few at a time; one whose
 * query Prometheus refuses, or whose data is impossible, is reported as
 * failed with the reason while the others are reported. Prometheus being
 * unavailable or answering partially fails the whole build.
 */
import { redact } from '../shared/http';
import type { Logger } from '../shared/log';
import { silentLogger } from '../shared/log';
import { burnDown, burnEpisodes, burnRates, conditionsHolding, TimelineIndex, windowMs } from './analysis';
import { budgetFigures, type Fraction, objectiveFraction, remainingOutageSeconds } from './budget';
import { type ObjectiveDefinition, type ReportDefinitions, unitOf } from './definitions';
import type { ObjectiveReport, PeriodResult, ReportSummary, SlaReport } from './model';
import { REPORT_SCHEMA_VERSION } from './model';
import type { ReportPeriod } from './periods';
import { type MetricsSource, MalformedAnswerError, PrometheusQueryError, seriesKey, toRawSeries } from './prometheus-source';
import { counterIncreases, type Part, RawDataError, type RawSeries, observedIn, scrapeCounts, seriesWithoutPrior } from './raw-counts';
import { assembleTimeline, type CountingMode, planSlots, RecordDataError, type RecountResult, type Slot, STEP_MS, type StepRecord } from './timeline';

const DAY_MS = 86_400_000;
/** Raw samples are read this far before a step, so the sample before it is usually in the same answer. */
const RAW_LOOKBACK_MS = 10 * 60_000;
/** A series silent for longer than this is new when it comes back: its first value is not counted. */
const PRIOR_SAMPLE_LOOKBACK_MS = DAY_MS;
/** Records are read in chunks of this length (2,016 samples per record). */
const RECORD_CHUNK_MS = 7 * DAY_MS;
/** History read before the earliest period, for the 3-day burn-rate window. */
const HISTORY_MS = windowMs('3d');

export interface BuildOptions {
  /** Epoch ms the report is as of; every period ends at or before it. */
  readonly asOf: number;
  readonly periods: readonly ReportPeriod[];
  readonly timeZone: string;
  readonly minCoverage: number;
  readonly schedule: string | null;
  readonly prometheusUrl: string;
  /** Objectives computed at once. @default 4 */
  readonly concurrency?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/** Failures that end the whole run (no report on missing data). */
export function isFatal(error: unknown): boolean {
  return !(error instanceof PrometheusQueryError || error instanceof RecordDataError || error instanceof RawDataError);
}

/** The report of every objective over the periods. */
export async function buildReport(definitions: ReportDefinitions, source: MetricsSource, options: BuildOptions): Promise<SlaReport> {
  const logger = options.logger ?? silentLogger;
  const objectives = await mapLimit(definitions.objectives, options.concurrency ?? 4, async (definition) => {
    const started = Date.now();
    try {
      const report = await objectiveReport(definition, source, options);
      logger.info('objective computed', { objective: definition.name, ms: Date.now() - started });
      return report;
    } catch (error) {
      if (isFatal(error)) throw error;
      logger.warn('objective failed', { objective: definition.name, error: (error as Error).message });
      return failedObjective(definition, (error as Error).message);
    }
  });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'sla-report',
    cluster: definitions.cluster,
    schedule: options.schedule,
    generatedAt: new Date((options.now ?? Date.now)()).toISOString(),
    asOf: new Date(options.asOf).toISOString(),
    timeZone: options.timeZone,
    source: { prometheusUrl: redact(options.prometheusUrl), stepSeconds: STEP_MS / 1000, minCoverage: options.minCoverage },
    periods: options.periods.map((p) => ({ id: p.id, label: p.label, start: new Date(p.start).toISOString(), end: new Date(p.end).toISOString(), complete: p.complete })),
    objectives,
    summary: summarize(objectives, options),
  };
}

/** Run `fn` over `items` with at most `limit` at once; the first rejection rejects the whole (the others are not awaited further). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}

function modeOf(definition: ObjectiveDefinition): CountingMode {
  return definition.kind === 'uptime' ? 'scrapes' : definition.kind === 'throughput' ? 'throughput' : 'events';
}

/** Throughput is counted in milliseconds inside and reported in seconds. */
function unitScale(definition: ObjectiveDefinition): number {
  return definition.kind === 'throughput' ? 1000 : 1;
}

function failedObjective(definition: ObjectiveDefinition, error: string): ObjectiveReport {
  return { ...identity(definition), state: 'failed', error, burnRates: null, burningNow: null, periods: [] };
}

function identity(definition: ObjectiveDefinition) {
  return {
    name: definition.name,
    kind: definition.kind,
    unit: unitOf(definition),
    service: definition.service,
    team: definition.team,
    description: definition.description,
    objective: Number(definition.objective),
    floorPerSecond: definition.kind === 'throughput' ? definition.floorPerSecond : null,
  };
}

/** Everything about one objective. */
async function objectiveReport(definition: ObjectiveDefinition, source: MetricsSource, options: BuildOptions): Promise<ObjectiveReport> {
  const objective = objectiveFraction(definition.objective);
  const end = options.asOf - 1;
  const earliest = Math.min(options.asOf, ...options.periods.map((p) => p.start));
  const start = earliest - 1 - HISTORY_MS;
  const records = await fetchRecords(definition, source, start - STEP_MS, end + STEP_MS);
  const cuts = [...new Set([end, ...options.periods.flatMap((p) => [p.start - 1, p.end - 1])])];
  const mode = modeOf(definition);
  const slots = planSlots(records, { start, end, cuts, mode, goodRequired: definition.kind === 'latency' });
  const notes: string[] = [];
  const recounts: Array<RecountResult | undefined> = [];
  for (const slot of slots) recounts.push(slot.recount ? await recount(definition, slot, source, notes) : undefined);
  const floor = definition.kind === 'throughput' ? definition.floorPerSecond : 0;
  const index = new TimelineIndex(assembleTimeline(slots, recounts, mode, floor));
  return {
    ...identity(definition),
    state: 'ok',
    error: null,
    burnRates: burnRates(index, end, objective),
    burningNow: conditionsHolding(index, end, objective),
    periods: options.periods.map((period) => periodResult(definition, period, index, objective, options, notes)),
  };
}

/** The step records of an objective with evaluation times in `(from, to]`, read in chunks. */
export async function fetchRecords(definition: ObjectiveDefinition, source: MetricsSource, from: number, to: number): Promise<StepRecord[]> {
  const roles = Object.entries(definition.records) as Array<['good' | 'total' | 'inexact', string]>;
  const roleOf = new Map(roles.map(([role, name]) => [name, role]));
  const selector = `{__name__=~"${roles.map(([, name]) => name).join('|')}",${definition.recordMatcher}}`;
  const byTime = new Map<number, { good?: number; total?: number; inexact?: number }>();
  const seriesOfRole = new Map<string, string>();
  for (let at = to; at > from; at -= RECORD_CHUNK_MS) {
    for (const series of await source.rangeSelector(selector, at, Math.min(RECORD_CHUNK_MS, at - from))) {
      const role = roleOf.get(series.metric.__name__);
      if (!role) throw new MalformedAnswerError(`${selector}: Prometheus answered with the series ${JSON.stringify(series.metric)}, which the selector does not select`);
      const key = seriesKey(series.metric);
      const seen = seriesOfRole.get(role);
      if (seen !== undefined && seen !== key) throw new RecordDataError(`the ${series.metric.__name__} record has more than one series for ${definition.recordMatcher} (${seen} and ${key}); another rule records the same name and labels`);
      seriesOfRole.set(role, key);
      for (const [t, value] of series.samples) {
        if (t <= from || t > to) continue;
        const entry = byTime.get(t) ?? {};
        entry[role] = value;
        byTime.set(t, entry);
      }
    }
  }
  if (definition.kind !== 'uptime' && seriesOfRole.has('total') && !seriesOfRole.has('inexact')) {
    throw new RecordDataError(`the ${definition.records.total} records exist but not the inexact-series record; the rules predate this report: deploy the current slo.rules.yml`);
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, values]) => ({ t, ...values }));
}

/** Raw series of a selector over a slot, with the value before the slot of each series that has none in the answer. */
async function rawAround(selector: string, slot: Slot, source: MetricsSource, needPrior: boolean): Promise<{ series: RawSeries[]; previous: Map<string, number> }> {
  const series = toRawSeries(await source.rangeSelector(selector, slot.to, slot.to - slot.from + RAW_LOOKBACK_MS));
  const missing = needPrior ? seriesWithoutPrior(series, slot.from, slot.to) : [];
  if (missing.length === 0) return { series, previous: new Map() };
  const last = await source.lastValues(selector, slot.from, PRIOR_SAMPLE_LOOKBACK_MS);
  return { series, previous: new Map(missing.flatMap((key) => (last.has(key) ? [[key, last.get(key)!] as const] : []))) };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const hasSamplesIn = (series: readonly RawSeries[], from: number, to: number) => series.some((s) => s.samples.some(([t]) => t > from && t <= to));

/** Count a slot from raw samples. */
async function recount(definition: ObjectiveDefinition, slot: Slot, source: MetricsSource, notes: string[]): Promise<RecountResult> {
  const record = slot.record;
  if (definition.kind === 'uptime') {
    const { series } = await rawAround(definition.raw.target, slot, source, false);
    const { up, all } = scrapeCounts(series, slot.parts);
    const rawAvailable = record === undefined || sum(all) > 0 || record.total === 0;
    return { good: up, total: all, observed: observedIn(series, slot.from, slot.to, STEP_MS), rawAvailable };
  }
  const whole: Part[] = [{ from: slot.from, to: slot.to }];
  if (definition.kind === 'throughput') {
    const { series, previous } = await rawAround(definition.raw.counter, slot, source, true);
    const total = counterIncreases(series, whole, previous);
    return { good: total, total, observed: true, rawAvailable: hasSamplesIn(series, slot.from, slot.to) || record?.total === 0 };
  }
  const good = await rawAround(definition.raw.good, slot, source, true);
  const total = await rawAround(definition.raw.total, slot, source, true);
  const result: RecountResult = {
    good: counterIncreases(good.series, slot.parts, good.previous),
    total: counterIncreases(total.series, slot.parts, total.previous),
    observed: observedIn(total.series, slot.from, slot.to, STEP_MS),
    rawAvailable: record === undefined || hasSamplesIn(total.series, slot.from, slot.to) || record.total === 0,
  };
  // A step cut only by a boundary was recorded exactly: its raw recount must give the same counts.
  if (slot.recount === 'boundary' && record && result.rawAvailable && (sum(result.total) !== record.total || sum(result.good) !== (record.good ?? 0))) {
    notes.push(`the step ending ${new Date(slot.to).toISOString()} counts ${sum(result.good)}/${sum(result.total)} from raw samples but ${record.good}/${record.total} recorded`);
  }
  return result;
}

/** The figures of one period. */
function periodResult(definition: ObjectiveDefinition, period: ReportPeriod, index: TimelineIndex, objective: Fraction, options: BuildOptions, objectiveNotes: readonly string[]): PeriodResult {
  const from = period.start - 1;
  const to = period.end - 1;
  const totals = index.sum(from, to);
  const lengthMs = period.end - period.start;
  const coverage = lengthMs > 0 ? Math.min(1, totals.coveredMs / lengthMs) : 0;
  const figures = budgetFigures(totals.good, totals.total, objective);
  // Traffic of the last day of the period (or up to asOf): the rate the remaining budget is turned into time at.
  const recent = index.sum(Math.min(to, options.asOf - 1) - DAY_MS, Math.min(to, options.asOf - 1));
  const unitsPerSecond = recent.coveredMs > 0 ? recent.total / (recent.coveredMs / 1000) : null;
  const scale = unitScale(definition);
  const status: PeriodResult['status'] =
    lengthMs <= 0 || coverage < options.minCoverage || figures.met === null ? 'no-data' : figures.met ? 'met' : 'missed';
  const reason =
    lengthMs <= 0
      ? 'the period is empty: it starts at the report time'
      : coverage < options.minCoverage
        ? `data covers ${percentText(coverage)} of the period, less than the ${percentText(options.minCoverage)} required`
        : figures.met === null
          ? 'no traffic: no event to judge in the period'
          : null;
  const notes = [...objectiveNotes];
  if (totals.good > totals.total) notes.push(`good units (${totals.good / scale}) exceed all units (${totals.total / scale}): the good and total series disagree`);
  if (status === 'no-data' && figures.sli !== null && lengthMs > 0) notes.push(`over the data there is, the SLI is ${figures.sli} with ${figures.total / scale} ${unitOf(definition)}`);
  return {
    period: period.id,
    status,
    reason,
    good: totals.good / scale,
    total: totals.total / scale,
    bad: figures.bad / scale,
    sli: figures.sli,
    exact: totals.inexactIntervals === 0,
    inexactIntervals: totals.inexactIntervals,
    coverage,
    budget: {
      allowedBad: figures.allowedBad / scale,
      consumedShare: figures.consumedShare,
      remainingShare: figures.remainingShare,
      remainingOutageSeconds: remainingOutageSeconds(figures, unitsPerSecond),
    },
    episodes: burnEpisodes(index, from, to, objective, figures.allowedBad).map((e) => ({
      severity: e.severity,
      start: new Date(e.start).toISOString(),
      end: new Date(e.end).toISOString(),
      budgetBurntShare: e.budgetBurntShare,
      peakBurnRate: e.peakBurnRate,
    })),
    burnDown: burnDown(index, from, to, figures.allowedBad).map(([t, share]) => [t / 1000, share] as const),
    notes,
  };
}

function percentText(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

function summarize(objectives: readonly ObjectiveReport[], options: BuildOptions): ReportSummary {
  const ok = objectives.filter((o) => o.state === 'ok');
  return {
    objectives: objectives.length,
    failed: objectives.filter((o) => o.state === 'failed').map((o) => o.name),
    periods: options.periods.map((period) => {
      const of = (status: string) => ok.filter((o) => o.periods.find((p) => p.period === period.id)?.status === status).map((o) => o.name);
      return { period: period.id, met: of('met'), missed: of('missed'), noData: of('no-data') };
    }),
    burningFast: ok.filter((o) => o.burningNow?.page || o.burningNow?.ticket).map((o) => o.name),
  };
}

