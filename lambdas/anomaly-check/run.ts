/**
 * One run of the anomaly check: read which anomaly alerts Alertmanager
 * holds, evaluate each check (a check that fails is reported as failed
 * and the others go on), decide the alerts, post them to every
 * Alertmanager, publish one summary to SNS when something changed, push
 * the run's metrics. Time is budgeted: the checks share the invocation's
 * time fairly and leave a reserve for delivering what they found.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { Deadline } from '../shared/deadline';
import type { Logger } from '../shared/log';
import { describeError } from '../shared/retry';
import { type AlertContext, CHECK_LABEL, type PostableAlert } from './alert-builder';
import { fetchActiveAlerts, postAlerts, type ReplicaOutcome } from './alertmanager';
import type { AnomalyCheck } from './checks-file';
import { type CheckDecision, decideAlerts, KEEP_SCORE, type KnownAlert } from './decide';
import { type CheckEvaluation, evaluateCheck } from './evaluate-check';
import { pushRunMetrics } from './metrics';
import type { GridReader } from './range-reader';
import type { CheckReport, DeliveryStatus, RunReport } from './report';
import type { AnomalySettings } from './settings';
import { buildSummary, publishSummary } from './summary';
import { evaluationWindow } from './window';

export interface RunDeps {
  /** A Prometheus reader bounded by the given deadline (each check gets its own share of the time). */
  readonly prometheus: (deadline: Deadline) => GridReader;
  /** @default - no summary published */
  readonly sns?: SNSClient;
  readonly logger: Logger;
  /** The instant the run evaluates (UTC ms): now, or a past instant for a replay. @default Date.now */
  readonly now?: () => number;
}

export interface RunOptions {
  /** The invocation's deadline. */
  readonly deadline: Deadline;
  /** Decide, but post, publish and push nothing. @default settings.dryRun */
  readonly dryRun?: boolean;
}

/** Share of the remaining time kept for posting, publishing and pushing, within these bounds. */
const DELIVERY_RESERVE = { share: 0.15, minMs: 5_000, maxMs: 30_000 };
/** A check gets at least this much time, unless less is left. */
const MIN_CHECK_BUDGET_MS = 15_000;
/** Alertmanager and the Pushgateway answer in milliseconds; a slow one should not eat the run. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** Run every given check once; never throws for a check's or a delivery's failure (see `report.status`). */
export async function runAnomalyChecks(settings: AnomalySettings, checks: readonly AnomalyCheck[], deps: RunDeps, options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const nowMs = (deps.now ?? Date.now)();
  const dryRun = options.dryRun ?? settings.dryRun;
  const window = evaluationWindow(nowMs, settings.intervalMs);
  const deadline = options.deadline;
  const reserve = Math.min(DELIVERY_RESERVE.maxMs, Math.max(DELIVERY_RESERVE.minMs, deadline.remainingMs() * DELIVERY_RESERVE.share));
  const checksDeadline = deadline.withReserve(reserve);
  const deliveryTimeoutMs = Math.min(DELIVERY_TIMEOUT_MS, settings.httpTimeoutMs);
  const context: AlertContext = { clusterName: settings.clusterName, prometheusExternalUrl: settings.prometheusExternalUrl, runbookUrl: settings.runbookUrl };
  const problems: string[] = [];

  const memory = await fetchActiveAlerts(settings.alertmanagerUrls, settings.clusterName, { deadline: checksDeadline, timeoutMs: deliveryTimeoutMs });
  for (const replica of memory.replicas.filter((r) => !r.ok)) problems.push(`cannot read the active alerts of ${replica.url}: ${replica.error}`);
  if (memory.replicas.every((r) => !r.ok)) problems.push('no Alertmanager could be read: firing anomaly alerts can be neither kept nor resolved in this run (they expire after the alert expiry)');

  const reports: CheckReport[] = [];
  const alerts: PostableAlert[] = [];
  for (const [index, check] of checks.entries()) {
    const budget = Math.min(checksDeadline.remainingMs(), Math.max(MIN_CHECK_BUDGET_MS, checksDeadline.remainingMs() / (checks.length - index)));
    const checkDeadline = new Deadline(Date.now() + budget);
    const known = memory.alerts.filter((alert) => alert.labels[CHECK_LABEL] === check.name);
    try {
      const evaluation = await evaluateCheck(check, deps.prometheus(checkDeadline), nowMs, window);
      const decision = decideAlerts(evaluation, known, { nowMs, alertExpiryMs: settings.alertExpiryMs, context });
      alerts.push(...decision.fire, ...decision.keep, ...decision.resolve);
      const report = checkReport(evaluation, decision);
      reports.push(report);
      deps.logger.info('check evaluated', { check: check.name, series: report.series, newAnomalies: report.newAnomalies, alerts: report.alerts, capped: report.capped, queryMs: report.queryMs, scoreMs: report.scoreMs });
    } catch (error) {
      const message = describeError(error);
      reports.push(failedCheckReport(check, message, known));
      problems.push(`check ${check.name} failed: ${message}`);
      deps.logger.error('check failed', { check: check.name, error: message });
    }
  }

  let posted: ReplicaOutcome[] = [];
  if (!dryRun) {
    posted = await postAlerts(settings.alertmanagerUrls, alerts, { deadline, timeoutMs: deliveryTimeoutMs });
    for (const replica of posted.filter((r) => !r.ok)) problems.push(`cannot post ${alerts.length} alerts to ${replica.url}: ${replica.error}`);
  }

  const evaluatedAt = new Date(nowMs).toISOString();
  const windowText = { since: new Date(window.since).toISOString(), until: new Date(window.until).toISOString() };
  const sns = await deliverSummary(settings, deps.sns, { cluster: settings.clusterName, evaluatedAt, window: windowText, checks: reports }, dryRun, deadline);
  if (sns.status === 'failed') problems.push(`cannot publish the summary to ${settings.topicArn}: ${sns.error}`);

  const durationMs = Date.now() - started;
  const base = { cluster: settings.clusterName, evaluatedAt, window: windowText, dryRun, checks: reports, alertmanager: { read: memory.replicas, posted, alerts: alerts.length }, sns };
  let pushgateway: RunReport['pushgateway'];
  if (dryRun) pushgateway = { status: 'dry-run' };
  else if (!settings.pushgatewayUrl) pushgateway = { status: 'not-configured' };
  else {
    try {
      await pushRunMetrics({ cluster: settings.clusterName, status: problems.length ? 'failed' : 'ok', durationMs, checks: reports }, { url: settings.pushgatewayUrl, deadline, timeoutMs: deliveryTimeoutMs, finishedAtSeconds: Date.now() / 1000 });
      pushgateway = { status: 'done' };
    } catch (error) {
      pushgateway = { status: 'failed', error: describeError(error) };
      problems.push(`cannot push the metrics to ${settings.pushgatewayUrl}: ${pushgateway.error}`);
    }
  }
  return { ...base, durationMs, status: problems.length ? 'failed' : 'ok', problems, pushgateway, ...(dryRun ? { wouldPost: alerts } : {}) };
}

async function deliverSummary(settings: AnomalySettings, sns: SNSClient | undefined, report: Parameters<typeof buildSummary>[0], dryRun: boolean, deadline: Deadline): Promise<RunReport['sns']> {
  const summary = buildSummary(report, settings.prometheusExternalUrl);
  const status = (value: DeliveryStatus) => ({ status: value });
  if (!summary) return status('nothing-to-do');
  if (dryRun) return status('dry-run');
  if (!sns || !settings.topicArn) return status('not-configured');
  try {
    return { status: 'done', messageId: await publishSummary(sns, settings.topicArn, summary, deadline) };
  } catch (error) {
    return { status: 'failed', error: describeError(error) };
  }
}

/** A check's report from its evaluation and decision. */
export function checkReport(evaluation: CheckEvaluation, decision: CheckDecision): CheckReport {
  const states = { scored: 0, 'insufficient-history': 0, stale: 0 };
  let anomalous = 0;
  let missing = 0;
  let maxScore = -Infinity;
  for (const series of evaluation.series) {
    states[series.state]++;
    missing += series.missingPoints;
    if (series.state === 'scored' && series.lastScore >= KEEP_SCORE) anomalous++;
    if (series.maxScore > maxScore) maxScore = series.maxScore;
  }
  return {
    name: evaluation.check.name,
    severity: evaluation.check.severity,
    status: 'ok',
    series: { total: evaluation.series.length, scored: states.scored, insufficientHistory: states['insufficient-history'], stale: states.stale, duplicate: decision.duplicateSeries, anomalous },
    points: { perSeries: evaluation.range.points, samples: evaluation.samples, missing, nonFinite: evaluation.nonFiniteSamples, offGrid: evaluation.offGridSamples },
    newAnomalies: decision.newAnomalies,
    alerts: { fired: decision.fire.length, kept: decision.keep.length, resolved: decision.resolve.length, suppressed: decision.suppressed, expiring: decision.expiring },
    capped: decision.capped,
    maxScore: Number.isFinite(maxScore) ? maxScore : null,
    queryMs: evaluation.queryMs,
    scoreMs: evaluation.scoreMs,
    events: decision.events,
  };
}

/** The report of a check that could not be evaluated: its firing alerts are left to expire, not resolved on no evidence. */
function failedCheckReport(check: AnomalyCheck, error: string, known: readonly KnownAlert[]): CheckReport {
  return {
    name: check.name,
    severity: check.severity,
    status: 'failed',
    error,
    series: { total: 0, scored: 0, insufficientHistory: 0, stale: 0, duplicate: 0, anomalous: 0 },
    points: { perSeries: 0, samples: 0, missing: 0, nonFinite: 0, offGrid: 0 },
    newAnomalies: 0,
    alerts: { fired: 0, kept: 0, resolved: 0, suppressed: 0, expiring: known.length },
    capped: false,
    maxScore: null,
    queryMs: 0,
    scoreMs: 0,
    events: [],
  };
}
