/**
 * The short text the report sends to the SNS topic, for email: what is
 * out of budget, what burns fast, what has no data or failed, and where
 * the full report is. Plain text, lines under 100 characters, no secret.
 */
import { formatPercent, formatSeconds } from './html';
import type { SlaReport } from './model';
import { localDateTime } from './periods';

/** SNS allows subjects of at most 100 characters. */
export const MAX_SUBJECT = 100;
/** SNS messages are at most 256 KiB; the summary stays well under, and says so when cut. */
export const MAX_MESSAGE_BYTES = 200_000;

/** Subject and body of the summary; `links` name where the report was written. */
export function textSummary(report: SlaReport, links: readonly string[] = []): { subject: string; message: string } {
  const missed = new Set(report.summary.periods.flatMap((p) => p.missed));
  const headline =
    report.summary.failed.length > 0
      ? `${report.summary.failed.length} failed`
      : missed.size > 0
        ? `${missed.size} out of budget`
        : report.summary.burningFast.length > 0
          ? `${report.summary.burningFast.length} burning fast`
          : 'all objectives met';
  const subject = `SLA report ${report.cluster} ${report.asOf.slice(0, 10)}: ${headline}`.slice(0, MAX_SUBJECT);
  const zone = report.timeZone;
  const lines: string[] = [`SLA report for ${report.cluster}, as of ${localDateTime(Date.parse(report.asOf), zone)} (${zone}).`, ''];
  for (const period of report.periods) {
    const counts = report.summary.periods.find((p) => p.period === period.id)!;
    lines.push(`${period.label}${period.complete ? '' : ' (so far)'}: ${counts.met.length} met, ${counts.missed.length} missed, ${counts.noData.length} without data.`);
    for (const objective of report.objectives) {
      const result = objective.periods.find((p) => p.period === period.id);
      if (!result) continue;
      if (result.status === 'missed') {
        lines.push(`  OUT OF BUDGET ${objective.name}: ${formatPercent(result.sli)} against ${objective.objective}%, budget ${formatPercent(result.budget.remainingShare, 2)} left`);
      } else if (result.status === 'no-data') {
        lines.push(`  NO DATA ${objective.name}: ${result.reason}`);
      } else if ((result.budget.remainingShare ?? 1) < 0.25) {
        lines.push(`  LOW BUDGET ${objective.name}: ${formatPercent(result.budget.remainingShare, 2)} left (${formatSeconds(result.budget.remainingOutageSeconds)} of outage)`);
      }
      const pages = result.episodes.filter((e) => e.severity === 'page');
      if (pages.length > 0) lines.push(`  FAST BURN ${objective.name}: ${pages.length} page-level stretch(es), ${formatPercent(pages.reduce((s, e) => s + (e.budgetBurntShare ?? 0), 0), 2)} of the budget`);
    }
  }
  if (report.summary.burningFast.length > 0) {
    lines.push('', `Burning fast now (page or ticket conditions hold): ${report.summary.burningFast.join(', ')}.`);
  }
  if (report.summary.failed.length > 0) {
    lines.push('', 'Could not be computed:');
    for (const objective of report.objectives.filter((o) => o.state === 'failed')) lines.push(`  ${objective.name}: ${objective.error}`);
  }
  const tail = links.length > 0 ? ['', 'Full report:', ...links.map((l) => `  ${l}`)] : [];
  let message = lines.join('\n') + '\n';
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
    message = Buffer.from(message).subarray(0, MAX_MESSAGE_BYTES).toString().replace(/[^\n]*$/, '') + '... (cut: the full list is in the report)\n';
  }
  return { subject, message: message + (tail.length > 0 ? tail.join('\n') + '\n' : '') };
}
