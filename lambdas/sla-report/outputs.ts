/**
 * Where a report goes: the JSON and the HTML to the backup bucket under
 * dated keys with SSE-KMS, the gauges to the Pushgateway, the text
 * summary to the SNS topic. Each output is tried even when another
 * failed; the failures are returned for the handler to report.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { Deadline } from '../shared/deadline';
import { pushMetrics } from '../shared/pushgateway';
import { describeError } from '../shared/retry';
import { renderHtml } from './html';
import { METRICS_JOB, type MetricsGroup, periodGroups } from './metrics';
import type { SlaReport } from './model';
import { localDate } from './periods';
import { textSummary } from './summary';

/** The keys of a report: `<prefix>/<local date of asOf>/<schedule>/report.{json,html}`; a rerun of the same schedule and date replaces them (the bucket keeps versions). */
export function reportKeys(report: Pick<SlaReport, 'asOf' | 'timeZone' | 'schedule'>, prefix: string): { json: string; html: string } {
  const base = `${prefix}/${localDate(Date.parse(report.asOf), report.timeZone)}/${report.schedule ?? 'manual'}`;
  return { json: `${base}/report.json`, html: `${base}/report.html` };
}

/** One object, in one PUT, encrypted with the key. */
export async function putObject(s3: S3Client, options: { bucket: string; key: string; body: string; contentType: string; kmsKeyArn?: string; deadline: Deadline }): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: options.bucket,
      Key: options.key,
      Body: Buffer.from(options.body),
      ContentType: options.contentType,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: options.kmsKeyArn,
      BucketKeyEnabled: true,
    }),
    { abortSignal: options.deadline.signal() },
  );
}

export interface OutputTargets {
  readonly s3?: { readonly client: S3Client; readonly bucket: string; readonly prefix: string; readonly kmsKeyArn?: string };
  readonly sns?: { readonly client: SNSClient; readonly topicArn: string };
  readonly pushgateway?: { readonly url: string; readonly timeoutMs: number };
}

export interface OutputResult {
  /** `s3://bucket/key` of what was written. */
  readonly written: string[];
  readonly messageId?: string;
  readonly pushedGroups: number;
  /** One line per failed output. */
  readonly errors: string[];
}

/** Push groups to the Pushgateway. */
export async function pushGroups(groups: readonly MetricsGroup[], url: string, timeoutMs: number, deadline: Deadline): Promise<void> {
  for (const group of groups) await pushMetrics(group.registry, { url, job: METRICS_JOB, groupings: group.groupings, method: group.method, timeoutMs, deadline });
}

/** Write, push and send a report; never throws, returns what failed. */
export async function publishReport(report: SlaReport, targets: OutputTargets, deadline: Deadline): Promise<OutputResult> {
  const written: string[] = [];
  const errors: string[] = [];
  let messageId: string | undefined;
  let pushedGroups = 0;
  if (targets.s3) {
    const { client, bucket, prefix, kmsKeyArn } = targets.s3;
    const keys = reportKeys(report, prefix);
    for (const [key, body, contentType] of [
      [keys.json, JSON.stringify(report, null, 2) + '\n', 'application/json'],
      [keys.html, renderHtml(report), 'text/html; charset=utf-8'],
    ] as const) {
      try {
        await putObject(client, { bucket, key, body, contentType, kmsKeyArn, deadline });
        written.push(`s3://${bucket}/${key}`);
      } catch (error) {
        errors.push(`writing s3://${bucket}/${key}: ${describeError(error)}`);
      }
    }
  }
  if (targets.pushgateway) {
    try {
      const groups = periodGroups(report);
      await pushGroups(groups, targets.pushgateway.url, targets.pushgateway.timeoutMs, deadline);
      pushedGroups = groups.length;
    } catch (error) {
      errors.push(`pushing the gauges: ${describeError(error)}`);
    }
  }
  if (targets.sns) {
    try {
      const { subject, message } = textSummary(report, written);
      const answer = await targets.sns.client.send(new PublishCommand({ TopicArn: targets.sns.topicArn, Subject: subject, Message: message }), { abortSignal: deadline.signal() });
      messageId = answer.MessageId;
    } catch (error) {
      errors.push(`publishing the summary to ${targets.sns.topicArn}: ${describeError(error)}`);
    }
  }
  return { written, messageId, pushedGroups, errors };
}
