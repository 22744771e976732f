/**
 * The backup's own metrics: pushed to the Pushgateway with prom-client
 * (the stack alerts on them), and the CloudWatch metric the freshness
 * alarm reads. `backup_last_success_timestamp_seconds` is pushed only by
 * a complete run; pushes use POST, so a failed run leaves the last good
 * timestamp in place and the staleness alert keeps counting.
 */
import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Gauge, Registry } from 'prom-client';
import { Deadline } from '../shared/deadline';
import { pushMetrics } from '../shared/pushgateway';
import type { BackupManifest } from './manifest';

export const PUSH_JOB = 'backup';

/** A registry holding the run's metrics. */
export function backupRegistry(manifest: BackupManifest): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const finished = Date.parse(manifest.finishedAt) / 1000;
  gauge('backup_last_run_timestamp_seconds', 'When the last backup run finished.').set(finished);
  gauge('backup_run_success', '1 if the last run backed up everything, else 0.').set(manifest.status === 'complete' ? 1 : 0);
  gauge('backup_run_duration_seconds', 'Duration of the last run.').set(manifest.durationSeconds);
  gauge('backup_run_bytes', 'Bytes written to S3 by the last run.').set(manifest.totals.bytes);
  const targetSuccess = gauge('backup_target_success', '1 if the target was backed up by the last run.', ['target']);
  const targetDuration = gauge('backup_target_duration_seconds', 'Duration of the target in the last run.', ['target']);
  const targetBytes = gauge('backup_target_bytes', 'Bytes the target wrote in the last run.', ['target']);
  for (const step of manifest.steps) {
    targetSuccess.set({ target: step.name }, step.status === 'ok' ? 1 : 0);
    targetDuration.set({ target: step.name }, step.durationSeconds);
    targetBytes.set({ target: step.name }, step.objects.reduce((sum, o) => sum + o.bytes, 0));
  }
  const blockAge = gauge('backup_prometheus_newest_block_age_seconds', 'Age of each replica\'s newest block in the bucket.', ['replica']);
  for (const replica of manifest.blocks?.newest ?? []) blockAge.set({ replica: replica.replica }, replica.ageSeconds);
  if (manifest.status === 'complete') gauge('backup_last_success_timestamp_seconds', 'When the last complete backup finished.').set(finished);
  return registry;
}

/** Push the run's metrics to the Pushgateway (job `backup`, grouped by cluster). */
export async function pushBackupMetrics(manifest: BackupManifest, options: { url: string; deadline: Deadline; timeoutMs: number }): Promise<void> {
  await pushMetrics(backupRegistry(manifest), { url: options.url, job: PUSH_JOB, groupings: { cluster: manifest.cluster }, method: 'pushAdd', deadline: options.deadline, timeoutMs: options.timeoutMs });
}

/** Where the CloudWatch figures go; the local runner can turn it off. */
export interface MetricSink {
  put(manifest: BackupManifest, deadline: Deadline): Promise<void>;
}

/** `BackupSuccess` (1 or 0), `BackupBytes` and `BackupDurationSeconds`, by `ClusterName`. */
export class CloudWatchSink implements MetricSink {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly namespace: string,
  ) {}

  async put(manifest: BackupManifest, deadline: Deadline): Promise<void> {
    const dimensions = [{ Name: 'ClusterName', Value: manifest.cluster }];
    const timestamp = new Date(manifest.finishedAt);
    await this.client.send(
      new PutMetricDataCommand({
        Namespace: this.namespace,
        MetricData: [
          { MetricName: 'BackupSuccess', Dimensions: dimensions, Timestamp: timestamp, Unit: 'Count', Value: manifest.status === 'complete' ? 1 : 0 },
          { MetricName: 'BackupBytes', Dimensions: dimensions, Timestamp: timestamp, Unit: 'Bytes', Value: manifest.totals.bytes },
          { MetricName: 'BackupDurationSeconds', Dimensions: dimensions, Timestamp: timestamp, Unit: 'Seconds', Value: manifest.durationSeconds },
        ],
      }),
      { abortSignal: deadline.signal() },
    );
  }
}

/** No CloudWatch (local runs without AWS). */
export const noMetricSink: MetricSink = { put: async () => undefined };
