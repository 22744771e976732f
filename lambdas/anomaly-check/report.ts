/**
 * What a run did, check by check: the result the handler returns, the
 * local runner prints, the SNS summary is written from and the pushed
 * metrics count. Nothing is left out silently: series that could not be
 * scored, gaps, capped alerts and failed deliveries all have a field.
 */
import type { Severity } from '../../config/sections/alerting';
import type { PostableAlert } from './alert-builder';
import type { ReplicaOutcome } from './alertmanager';
import type { AlertEvent } from './decide';

export interface CheckReport {
  readonly name: string;
  readonly severity: Severity;
  readonly status: 'ok' | 'failed';
  /** Why the check failed (its query, Prometheus, or its answer). */
  readonly error?: string;
  readonly series: {
    readonly total: number;
    readonly scored: number;
    /** Too few valid points yet (new series, or mostly gaps). */
    readonly insufficientHistory: number;
    /** No value in the newest interval. */
    readonly stale: number;
    /** Same alert labels as another series; alerted once. */
    readonly duplicate: number;
    /** Scored, with the newest score >= 0.5. */
    readonly anomalous: number;
  };
  readonly points: {
    readonly perSeries: number;
    readonly samples: number;
    /** Grid points without a finite value, over every series and the whole lookback. */
    readonly missing: number;
    readonly nonFinite: number;
    readonly offGrid: number;
  };
  /** Series with a new anomalous episode in the interval (before the cap). */
  readonly newAnomalies: number;
  readonly alerts: { readonly fired: number; readonly kept: number; readonly resolved: number; readonly suppressed: number; readonly expiring: number };
  /** Whether the check's capped alert is firing after this run. */
  readonly capped: boolean;
  /** Highest score of the newest interval over every series; null when nothing was scored. */
  readonly maxScore: number | null;
  readonly queryMs: number;
  readonly scoreMs: number;
  /** What changed, for the summary. */
  readonly events: readonly AlertEvent[];
}

export type DeliveryStatus = 'done' | 'nothing-to-do' | 'not-configured' | 'dry-run' | 'failed';

export interface RunReport {
  readonly cluster: string;
  /** The time the run evaluated (normally its start). */
  readonly evaluatedAt: string;
  /** The newest interval: points after `since`, up to `until`. */
  readonly window: { readonly since: string; readonly until: string };
  readonly durationMs: number;
  readonly dryRun: boolean;
  /** `failed` when a check failed or anything could not be delivered; the handler then throws. */
  readonly status: 'ok' | 'failed';
  readonly problems: readonly string[];
  readonly checks: readonly CheckReport[];
  readonly alertmanager: {
    /** Replicas read for the active alerts. */
    readonly read: readonly ReplicaOutcome[];
    /** Replicas posted to. */
    readonly posted: readonly ReplicaOutcome[];
    /** Alerts posted to each replica (fired, kept and resolved). */
    readonly alerts: number;
  };
  readonly sns: { readonly status: DeliveryStatus; readonly messageId?: string; readonly error?: string };
  readonly pushgateway: { readonly status: DeliveryStatus; readonly error?: string };
  /** In a dry run: the alerts a real run would post. */
  readonly wouldPost?: readonly PostableAlert[];
}

/** Totals over the checks, for logs, the summary and the metrics. */
export function runTotals(report: Pick<RunReport, 'checks'>): { fired: number; resolved: number; kept: number; suppressed: number; failedChecks: number; series: number } {
  const sum = (pick: (c: CheckReport) => number) => report.checks.reduce((total, check) => total + pick(check), 0);
  return {
    fired: sum((c) => c.alerts.fired),
    resolved: sum((c) => c.alerts.resolved),
    kept: sum((c) => c.alerts.kept),
    suppressed: sum((c) => c.alerts.suppressed),
    failedChecks: report.checks.filter((c) => c.status === 'failed').length,
    series: sum((c) => c.series.total),
  };
}
