/**
 * The run's own metrics, pushed to the Pushgateway with prom-client so the
 * stack can alert on the anomaly check itself (a check failing, series
 * going stale, caps hit).
 *
 * One group per check (`job="anomaly-check", cluster, check`), replaced
 * with PUT on every run: a check's counts are always those of its last
 * run, and a run of a single check (the local runner's `--check`) does
 * not touch the others. Plus one group per cluster for the run, added to
 * with POST so `anomaly_check_run_last_success_timestamp_seconds` keeps
 * its value through failed runs.
 */
import { Gauge, Registry } from 'prom-client';
import type { Deadline } from '../shared/deadline';
import { pushMetrics } from '../shared/pushgateway';
import { type CheckReport, type RunReport, runTotals } from './report';

export const PUSH_JOB = 'anomaly-check';

type GaugeFactory = (name: string, help: string, labelNames?: string[]) => Gauge;

function gauges(registry: Registry): GaugeFactory {
  return (name, help, labelNames = []) => new Gauge({ name, help, labelNames, registers: [registry] });
}

/** One check's metrics. */
export function checkRegistry(check: CheckReport, finishedAtSeconds: number): Registry {
  const registry = new Registry();
  const gauge = gauges(registry);
  gauge('anomaly_check_success', '1 if the check was evaluated in its last run, else 0.').set(check.status === 'ok' ? 1 : 0);
  gauge('anomaly_check_last_run_timestamp_seconds', 'When the check last ran.').set(finishedAtSeconds);
  const duration = gauge('anomaly_check_duration_seconds', 'Time the check spent querying and scoring.', ['phase']);
  duration.set({ phase: 'query' }, check.queryMs / 1000);
  duration.set({ phase: 'score' }, check.scoreMs / 1000);
  if (check.status === 'failed') return registry;
  const series = gauge('anomaly_check_series', 'Series the query returned, by what could be done with them.', ['state']);
  series.set({ state: 'scored' }, check.series.scored);
  series.set({ state: 'insufficient_history' }, check.series.insufficientHistory);
  series.set({ state: 'stale' }, check.series.stale);
  series.set({ state: 'duplicate' }, check.series.duplicate);
  gauge('anomaly_check_anomalous_series', 'Scored series whose newest score is at least 0.5.').set(check.series.anomalous);
  gauge('anomaly_check_points_missing', 'Grid points without a value, over every series and the lookback.').set(check.points.missing);
  gauge('anomaly_check_new_anomalies', 'Series with a new anomalous episode in the newest interval, before the cap.').set(check.newAnomalies);
  const alerts = gauge('anomaly_check_alerts', 'Alerts of the last run, by what was done with them.', ['action']);
  for (const action of ['fired', 'kept', 'resolved', 'suppressed', 'expiring'] as const) alerts.set({ action }, check.alerts[action]);
  gauge('anomaly_check_capped', '1 while the check holds new alerts back (more than maxAlerts at once).').set(check.capped ? 1 : 0);
  if (check.maxScore !== null) gauge('anomaly_check_max_score', 'Highest anomaly score of the newest interval over every series.').set(check.maxScore);
  return registry;
}

/** The run's metrics. */
export function runRegistry(report: Pick<RunReport, 'status' | 'durationMs' | 'checks'>, finishedAtSeconds: number): Registry {
  const registry = new Registry();
  const gauge = gauges(registry);
  const totals = runTotals(report);
  gauge('anomaly_check_run_success', '1 if every check ran and every alert was delivered, else 0.').set(report.status === 'ok' ? 1 : 0);
  gauge('anomaly_check_run_duration_seconds', 'Duration of the last run.').set(report.durationMs / 1000);
  gauge('anomaly_check_run_last_run_timestamp_seconds', 'When the last run finished.').set(finishedAtSeconds);
  const checks = gauge('anomaly_check_run_checks', 'Checks of the last run, by outcome.', ['status']);
  checks.set({ status: 'ok' }, report.checks.length - totals.failedChecks);
  checks.set({ status: 'failed' }, totals.failedChecks);
  if (report.status === 'ok') gauge('anomaly_check_run_last_success_timestamp_seconds', 'When the last run that ran every check and delivered every alert finished.').set(finishedAtSeconds);
  return registry;
}

/** Push every check's group (PUT) and the run's (POST). */
export async function pushRunMetrics(report: Pick<RunReport, 'cluster' | 'status' | 'durationMs' | 'checks'>, options: { url: string; deadline: Deadline; timeoutMs: number; finishedAtSeconds: number }): Promise<void> {
  const common = { url: options.url, job: PUSH_JOB, deadline: options.deadline, timeoutMs: options.timeoutMs };
  for (const check of report.checks) {
    await pushMetrics(checkRegistry(check, options.finishedAtSeconds), { ...common, groupings: { cluster: report.cluster, check: check.name }, method: 'push' });
  }
  await pushMetrics(runRegistry(report, options.finishedAtSeconds), { ...common, groupings: { cluster: report.cluster }, method: 'pushAdd' });
}
