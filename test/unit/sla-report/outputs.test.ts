/**
 * What the report sends where: the SNS text, the gauges, the keys, and
 * the SSE-KMS writes; each output tried even when another fails.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { Deadline } from '../../../lambdas/shared/deadline';
import { periodGroups, runGroup } from '../../../lambdas/sla-report/metrics';
import type { SlaReport } from '../../../lambdas/sla-report/model';
import { publishReport, reportKeys } from '../../../lambdas/sla-report/outputs';
import { MAX_MESSAGE_BYTES, MAX_SUBJECT, textSummary } from '../../../lambdas/sla-report/summary';
import { fixtureReport } from './fixtures';

let report: SlaReport;
beforeAll(async () => {
  report = await fixtureReport();
});

describe('textSummary', () => {
  it('says what is out of budget, burns fast, has no data or failed, and where the report is', () => {
    const { subject, message } = textSummary(report, ['s3://b/sla-reports/2024-03-04/daily/report.html']);
    expect(subject).toBe('SLA report fixture 2024-03-04: 1 failed');
    expect(message).toContain('Last 24 hours: 0 met, 1 missed, 1 without data.');
    expect(message).toMatch(/OUT OF BUDGET api-availability: 99\.\d+% against 99\.9%, budget -\d+(\.\d+)?% left/);
    expect(message).toContain('NO DATA batch-success: data covers 0% of the period, less than the 90% required');
    expect(message).toMatch(/FAST BURN api-availability: 1 page-level stretch\(es\)/);
    expect(message).toContain('Burning fast now (page or ticket conditions hold): api-availability.');
    expect(message).toContain('api-latency: Prometheus query');
    expect(message).toContain('  s3://b/sla-reports/2024-03-04/daily/report.html');
    expect(message.split('\n').every((line) => line.length <= 200)).toBe(true);
  });

  it('keeps the subject within SNS\'s 100 characters and the message within its 256 KiB, links kept', () => {
    const long = { ...report, cluster: 'c'.repeat(150) };
    expect(textSummary(long).subject.length).toBe(MAX_SUBJECT);
    const many = { ...report, objectives: Array.from({ length: 3000 }, (_, i) => ({ ...report.objectives[0], name: `objective-${i}` })) };
    const { message } = textSummary(many, ['s3://b/k.html']);
    expect(Buffer.byteLength(message)).toBeLessThan(MAX_MESSAGE_BYTES + 1000);
    expect(message).toContain('... (cut: the full list is in the report)\n\nFull report:\n  s3://b/k.html\n');
  });
});

describe('gauges', () => {
  it('groups them per period (replaced whole) with the figures of each objective', async () => {
    const groups = periodGroups(report);
    expect(groups.map((g) => [g.groupings, g.method])).toEqual([
      [{ cluster: 'fixture', period: 'last-24h' }, 'push'],
      [{ cluster: 'fixture', period: 'month-to-date' }, 'push'],
      [{ cluster: 'fixture', period: 'last-7d' }, 'push'],
    ]);
    const text = await groups[0].registry.metrics();
    const day = report.objectives[0].periods[0];
    expect(text).toContain(`sla_report_sli_ratio{objective="api-availability",kind="availability",service="api"} ${day.sli}`);
    expect(text).toContain('sla_report_objective_met{objective="api-availability",kind="availability",service="api"} 0');
    expect(text).toContain('sla_report_no_data{objective="batch-success",kind="availability",service="batch"} 1');
    expect(text).not.toMatch(/sla_report_objective_met\{objective="batch-success"/);
    expect(text).not.toMatch(/sla_report_sli_ratio\{objective="batch-success"/);
    expect(text).toContain('sla_report_objective_failed{objective="api-latency",kind="latency",service="api"} 1');
  });

  it('pushes the run result without the success timestamp when the run failed', async () => {
    const failed = await runGroup(report, 'fixture', 'daily', false, 1_000_000).registry.metrics();
    expect(failed).toContain('sla_report_run_success 0');
    expect(failed).not.toContain('sla_report_last_success_timestamp_seconds');
    expect(failed).toMatch(/sla_report_burn_rate_window\{objective="api-availability",kind="availability",service="api",window="1h"\} \d/);
    const ok = await runGroup(undefined, 'fixture', 'daily', true, 1_000_000).registry.metrics();
    expect(ok).toContain('sla_report_last_success_timestamp_seconds 1000');
    expect(runGroup(undefined, 'fixture', 'daily', true, 0)).toMatchObject({ groupings: { cluster: 'fixture', schedule: 'daily' }, method: 'pushAdd' });
  });
});

describe('publishReport', () => {
  it('names the keys by the local date of asOf and the schedule', () => {
    expect(reportKeys({ asOf: '2024-02-29T23:00:00.000Z', timeZone: 'Europe/Berlin', schedule: 'monthly' }, 'sla-reports')).toEqual({
      json: 'sla-reports/2024-03-01/monthly/report.json',
      html: 'sla-reports/2024-03-01/monthly/report.html',
    });
    expect(reportKeys({ asOf: '2024-02-29T23:00:00.000Z', timeZone: 'UTC', schedule: null }, 'p').json).toBe('p/2024-02-29/manual/report.json');
  });

  it('writes both objects with SSE-KMS and the key, sends the summary with their addresses, and reports a failed output without stopping', async () => {
    const puts: any[] = [];
    const s3 = { send: async (command: any) => void puts.push(command.input) } as unknown as S3Client;
    const published: any[] = [];
    const sns = { send: async (command: any) => (published.push(command.input), { MessageId: 'm-1' }) } as unknown as SNSClient;
    const result = await publishReport(report, { s3: { client: s3, bucket: 'b', prefix: 'sla-reports', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k' }, sns: { client: sns, topicArn: 'arn:aws:sns:eu-west-1:123456789012:t' } }, Deadline.after(10_000));
    expect(puts.map((p) => [p.Key, p.ContentType, p.ServerSideEncryption, p.SSEKMSKeyId, p.BucketKeyEnabled])).toEqual([
      ['sla-reports/2024-03-04/daily/report.json', 'application/json', 'aws:kms', 'arn:aws:kms:eu-west-1:123456789012:key/k', true],
      ['sla-reports/2024-03-04/daily/report.html', 'text/html; charset=utf-8', 'aws:kms', 'arn:aws:kms:eu-west-1:123456789012:key/k', true],
    ]);
    expect(JSON.parse(puts[0].Body.toString())).toEqual(JSON.parse(JSON.stringify(report)));
    expect(published[0]).toMatchObject({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t', Subject: expect.stringContaining('SLA report fixture') });
    expect(published[0].Message).toContain('s3://b/sla-reports/2024-03-04/daily/report.json');
    expect(result).toEqual({ written: ['s3://b/sla-reports/2024-03-04/daily/report.json', 's3://b/sla-reports/2024-03-04/daily/report.html'], messageId: 'm-1', pushedGroups: 0, errors: [] });

    const refusing = { send: async () => Promise.reject(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })) } as unknown as S3Client;
    const partial = await publishReport(report, { s3: { client: refusing, bucket: 'b', prefix: 'p' }, sns: { client: sns, topicArn: 't' } }, Deadline.after(10_000));
    expect(partial.errors).toEqual(['writing s3://b/p/2024-03-04/daily/report.json: AccessDenied: Access Denied (HTTP 403)', 'writing s3://b/p/2024-03-04/daily/report.html: AccessDenied: Access Denied (HTTP 403)']);
    expect(partial.messageId).toBe('m-1');
  });
});
