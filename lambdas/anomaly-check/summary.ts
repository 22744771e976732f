/**
 * The run's summary on the SNS topic: one message per run, and only when
 * something fired or resolved (a quiet run, or one that only refreshed
 * firing alerts, sends nothing). Alertmanager notifies per alert group
 * with its own routing; this message is the overview for the topic's
 * subscribers (email, webhooks): every check that changed, its new and
 * resolved anomalies, and what was capped or failed.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Deadline } from '../shared/deadline';
import { describeSeries, formatScore, formatValue } from './alert-builder';
import { type AlertEvent, isCappedEvent } from './decide';
import { type CheckReport, type RunReport, runTotals } from './report';

/** SNS subjects are at most 100 ASCII characters. */
const MAX_SUBJECT = 100;
/** Lines listed per check before "and N more": the message stays readable (and far under SNS's 256 KB). */
const MAX_EVENTS_PER_CHECK = 20;

export interface Summary {
  readonly subject: string;
  readonly message: string;
}

/** The summary of a run, or undefined when nothing fired or resolved. */
export function buildSummary(report: Pick<RunReport, 'cluster' | 'evaluatedAt' | 'window' | 'checks'>, prometheusExternalUrl: string): Summary | undefined {
  const totals = runTotals(report);
  if (totals.fired + totals.resolved === 0) return undefined;
  const subject = `[${report.cluster}] Anomalies: ${totals.fired} new, ${totals.resolved} resolved`.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_SUBJECT);
  const lines = [
    `Anomaly check of cluster ${report.cluster} at ${report.evaluatedAt} (points after ${report.window.since}):`,
    `${totals.fired} new, ${totals.resolved} resolved, ${totals.kept} still firing${totals.suppressed ? `, ${totals.suppressed} held back by caps` : ''}.`,
    '',
  ];
  for (const check of report.checks.filter((c) => c.events.length > 0)) lines.push(...checkLines(check), '');
  const failed = report.checks.filter((c) => c.status === 'failed');
  if (failed.length > 0) lines.push('Failed checks (the run is reported as failed):', ...failed.map((c) => `  ${c.name}: ${c.error}`), '');
  lines.push(`Prometheus: ${prometheusExternalUrl}`);
  return { subject, message: lines.join('\n') };
}

function checkLines(check: CheckReport): string[] {
  const header = `${check.name} (${check.severity}): ${check.alerts.fired} new, ${check.alerts.resolved} resolved${check.capped ? `; capped: ${check.newAnomalies} new anomalies, ${check.alerts.suppressed} not alerted one by one` : ''}`;
  const events = check.events.filter((e) => !isCappedEvent(e));
  const shown = events.slice(0, MAX_EVENTS_PER_CHECK).map(eventLine);
  return [header, ...shown, ...(events.length > shown.length ? [`  ... and ${events.length - shown.length} more`] : [])];
}

function eventLine(event: AlertEvent): string {
  const series = describeSeries(seriesLabelsOf(event.labels));
  if (event.kind === 'fired') return `  NEW       ${series} ${formatValue(event.value)} at ${new Date(event.at).toISOString()} (score ${formatScore(event.score)})`;
  const reason = event.reason;
  if (reason.kind === 'normal') return `  RESOLVED  ${series} back to ${formatValue(reason.value)} (score ${formatScore(reason.score)})`;
  return `  RESOLVED  ${series} ${reason.kind === 'vanished' ? 'no longer returned by the query' : ''}`.trimEnd();
}

/** An alert's labels without the ones every alert of the check shares. */
function seriesLabelsOf(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !['alertname', 'anomaly_check', 'severity', 'cluster'].includes(name)));
}

/** Publish the summary; resolves to the message ID. */
export async function publishSummary(client: SNSClient, topicArn: string, summary: Summary, deadline: Deadline): Promise<string | undefined> {
  const answer = await client.send(new PublishCommand({ TopicArn: topicArn, Subject: summary.subject, Message: summary.message }), { abortSignal: deadline.signal() });
  return answer.MessageId;
}
