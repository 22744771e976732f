/**
 * The SLA report as data: what the JSON report holds, what the HTML and
 * the SNS summary render and the gauges publish. Its JSON form is
 * versioned and documented in docs/sla-report-schema.md, with a JSON
 * Schema in docs/sla-report.schema.json that the tests validate every
 * report against.
 *
 * Times are ISO 8601 strings in UTC; periods are `[start, end)`. Counts
 * are in the objective's unit. A figure that cannot be computed (no
 * traffic) is `null`, never 0 or 1.
 */
import type { ObjectiveKind, ObjectiveUnit } from './definitions';
import type { PeriodKind } from './periods';

/**
 * Version of the JSON form. The minor part grows with added fields; the
 * major part changes when a field changes meaning or goes away.
 */
export const REPORT_SCHEMA_VERSION = '1.0';

export type PeriodStatus = 'met' | 'missed' | 'no-data';

export interface ReportPeriodInfo {
  readonly id: PeriodKind;
  readonly label: string;
  readonly start: string;
  readonly end: string;
  /** False while the period is still running (month to date): its figures are so far. */
  readonly complete: boolean;
}

export interface BudgetReport {
  /** Bad units the objective allows in the period: total * (1 - objective). */
  readonly allowedBad: number;
  /** Share of the budget spent; above 1 when overspent. Also the period's mean burn rate. */
  readonly consumedShare: number | null;
  /** 1 - consumedShare; negative when overspent. */
  readonly remainingShare: number | null;
  /** The remaining budget as the length of a complete outage at the traffic of the last day, in seconds. */
  readonly remainingOutageSeconds: number | null;
}

export interface EpisodeReport {
  /** `page`: 14.4x over 1h and 5m or 6x over 6h and 30m; `ticket`: 3x over 1d and 2h or 1x over 3d and 6h. */
  readonly severity: 'page' | 'ticket';
  readonly start: string;
  readonly end: string;
  /** Bad units during the stretch as a share of the period's budget. */
  readonly budgetBurntShare: number | null;
  readonly peakBurnRate: number;
}

export interface PeriodResult {
  readonly period: PeriodKind;
  readonly status: PeriodStatus;
  /** Why there is no verdict (`no-data`), else null. */
  readonly reason: string | null;
  readonly good: number;
  readonly total: number;
  readonly bad: number;
  /** good / total; null without traffic. */
  readonly sli: number | null;
  /** Every count is exact (no step had to be estimated). */
  readonly exact: boolean;
  /** Intervals whose counts are estimates (raw samples no longer available). */
  readonly inexactIntervals: number;
  /** Share of the period with recorded data. */
  readonly coverage: number;
  readonly budget: BudgetReport;
  /** Stretches in which the budget burnt fast. */
  readonly episodes: readonly EpisodeReport[];
  /** Remaining budget share over the period: [epoch seconds, share]. */
  readonly burnDown: ReadonlyArray<readonly [number, number]>;
  readonly notes: readonly string[];
}

export type BurnRates = Readonly<Record<'1h' | '6h' | '1d' | '3d', number | null>>;

export interface ObjectiveReport {
  readonly name: string;
  readonly kind: ObjectiveKind;
  readonly unit: ObjectiveUnit;
  readonly service: string;
  readonly team: string | null;
  readonly description: string;
  /** Objective in percent. */
  readonly objective: number;
  /** Throughput SLAs: the floor in events per second. */
  readonly floorPerSecond: number | null;
  /** `failed`: the objective could not be computed (`error` says why); its periods are empty. */
  readonly state: 'ok' | 'failed';
  readonly error: string | null;
  /** Burn rates over the windows ending at `asOf`; null when failed. */
  readonly burnRates: BurnRates | null;
  /** Whether the page and ticket burn-rate conditions (long and short windows) hold at `asOf`; null when failed. */
  readonly burningNow: { readonly page: boolean; readonly ticket: boolean } | null;
  readonly periods: readonly PeriodResult[];
}

export interface ReportSummary {
  readonly objectives: number;
  readonly failed: readonly string[];
  /** Per period: objectives met, missed, without data. */
  readonly periods: ReadonlyArray<{ readonly period: PeriodKind; readonly met: readonly string[]; readonly missed: readonly string[]; readonly noData: readonly string[] }>;
  /** Objectives whose page or ticket burn-rate conditions hold at `asOf`. */
  readonly burningFast: readonly string[];
}

export interface SlaReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly kind: 'sla-report';
  readonly cluster: string;
  /** `daily`, `weekly`, `monthly`, or null for a run by hand. */
  readonly schedule: string | null;
  readonly generatedAt: string;
  /** The instant the report is as of; periods end at or before it. */
  readonly asOf: string;
  readonly timeZone: string;
  readonly source: { readonly prometheusUrl: string; readonly stepSeconds: number; readonly minCoverage: number };
  readonly periods: readonly ReportPeriodInfo[];
  readonly objectives: readonly ObjectiveReport[];
  readonly summary: ReportSummary;
}
