/**
 * Gauges for the Pushgateway (prom-client), so Grafana's SLO dashboards
 * and alerts can read the report's figures. One group per period
 * (`job="sla-report"`, `cluster`, `period`), replaced whole (PUT) by each
 * run that computes that period, so a daily run never erases the monthly
 * figures and an objective removed from the configuration disappears; and
 * one group per run kind without a period for the run itself and the
 * burn rates now.
 */
import { Gauge, Registry } from 'prom-client';
import type { SlaReport } from './model';

export const METRICS_JOB = 'sla-report';

/** A registry to push and the grouping labels of its group. */
export interface MetricsGroup {
  readonly registry: Registry;
  readonly groupings: Record<string, string>;
  /** `push` replaces the group, `pushAdd` only the metrics pushed. */
  readonly method: 'push' | 'pushAdd';
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge<string> {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

/** The period groups of a report. */
export function periodGroups(report: SlaReport): MetricsGroup[] {
  return report.periods.map((period) => {
    const registry = new Registry();
    const sli = gauge(registry, 'sla_report_sli_ratio', 'Good units over all units in the period (absent without traffic).', ['objective', 'kind', 'service']);
    const objective = gauge(registry, 'sla_report_objective_ratio', 'The objective as a ratio.', ['objective', 'kind', 'service']);
    const remaining = gauge(registry, 'sla_report_error_budget_remaining_ratio', 'Share of the error budget left at the end of the period (negative: overspent).', ['objective', 'kind', 'service']);
    const burn = gauge(registry, 'sla_report_burn_rate', 'Mean burn rate over the period (1 spends exactly the budget).', ['objective', 'kind', 'service']);
    const coverage = gauge(registry, 'sla_report_coverage_ratio', 'Share of the period with recorded data.', ['objective', 'kind', 'service']);
    const met = gauge(registry, 'sla_report_objective_met', '1 met, 0 missed (absent without a verdict).', ['objective', 'kind', 'service']);
    const noData = gauge(registry, 'sla_report_no_data', '1 when the period has no verdict (too little data, no traffic).', ['objective', 'kind', 'service']);
    const failed = gauge(registry, 'sla_report_objective_failed', '1 when the objective could not be computed.', ['objective', 'kind', 'service']);
    const end = gauge(registry, 'sla_report_period_end_timestamp_seconds', 'End of the period reported.', []);
    end.set(Date.parse(period.end) / 1000);
    for (const o of report.objectives) {
      const labels = { objective: o.name, kind: o.kind, service: o.service };
      failed.set(labels, o.state === 'failed' ? 1 : 0);
      objective.set(labels, o.objective / 100);
      const result = o.periods.find((p) => p.period === period.id);
      if (!result) continue;
      coverage.set(labels, result.coverage);
      noData.set(labels, result.status === 'no-data' ? 1 : 0);
      if (result.status !== 'no-data') met.set(labels, result.status === 'met' ? 1 : 0);
      if (result.sli !== null) sli.set(labels, result.sli);
      if (result.budget.remainingShare !== null) remaining.set(labels, result.budget.remainingShare);
      if (result.budget.consumedShare !== null) burn.set(labels, result.budget.consumedShare);
    }
    return { registry, groupings: { cluster: report.cluster, period: period.id }, method: 'push' as const };
  });
}

/** The run's own group: whether it succeeded, when it last did, and the burn rates now. */
export function runGroup(report: SlaReport | undefined, cluster: string, schedule: string, success: boolean, now: number): MetricsGroup {
  const registry = new Registry();
  gauge(registry, 'sla_report_run_success', '1 when the last run wrote, pushed and sent everything.', []).set(success ? 1 : 0);
  gauge(registry, 'sla_report_last_run_timestamp_seconds', 'End of the last run.', []).set(now / 1000);
  if (success) gauge(registry, 'sla_report_last_success_timestamp_seconds', 'End of the last successful run.', []).set(now / 1000);
  if (report) {
    const rates = gauge(registry, 'sla_report_burn_rate_window', 'Burn rate over the window ending at the report time.', ['objective', 'kind', 'service', 'window']);
    for (const o of report.objectives) {
      for (const [window, rate] of Object.entries(o.burnRates ?? {})) if (rate !== null) rates.set({ objective: o.name, kind: o.kind, service: o.service, window }, rate);
    }
  }
  // pushAdd: a failed run keeps the last success timestamp it did not push.
  return { registry, groupings: { cluster, schedule }, method: 'pushAdd' };
}
