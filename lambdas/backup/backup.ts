/**
 * The backup run: verify the Prometheus blocks, export Grafana and
 * Alertmanager, snapshot the volumes, then write the manifest and push
 * the metrics. Steps are independent (one failing does not stop the
 * others from saving what they can), each is timed, and the run is
 * `complete` only if all succeeded. A day that already has a complete
 * manifest is not backed up twice unless forced.
 */
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { Deadline } from '../shared/deadline';
import type { Logger } from '../shared/log';
import { describeError } from '../shared/retry';
import { getObjectJson, putJson } from '../shared/s3';
import type { SecretSource } from '../shared/secrets';
import { exportSilences } from './alertmanager-export';
import { exportGrafana } from './grafana-export';
import { type BackupManifest, exportPrefix, isCompleteManifest, MANIFEST_VERSION, manifestKey, type StepName, type StepRecord } from './manifest';
import { type MetricSink, pushBackupMetrics } from './metrics';
import type { BackupSettings } from './settings';
import { snapshotVolumes } from './snapshots';
import { verifyBlocks } from './verify-blocks';

export interface BackupDeps {
  readonly s3: S3Client;
  /** Absent when snapshots are turned off. */
  readonly ec2?: EC2Client;
  readonly secrets: SecretSource;
  readonly metrics: MetricSink;
  readonly logger: Logger;
}

export interface RunOptions {
  readonly deadline: Deadline;
  readonly now?: () => Date;
  /** Back up again even if the day has a complete manifest. */
  readonly force?: boolean;
}

/** What a run reports: the manifest, and whether its metrics reached their sinks. */
export interface BackupOutcome {
  readonly manifest: BackupManifest;
  /** True when the day already had a complete backup and nothing was done. */
  readonly skipped: boolean;
  readonly manifestWritten: boolean;
  /** Problems writing the manifest or pushing metrics (the backup itself may be complete). */
  readonly reportingErrors: string[];
}

/** Time kept back for writing the manifest and pushing metrics, whatever the steps did. */
export const REPORTING_RESERVE_MS = 15_000;

export async function runBackup(settings: BackupSettings, deps: BackupDeps, options: RunOptions): Promise<BackupOutcome> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const date = started.toISOString().slice(0, 10);
  const log = deps.logger;
  const stepsDeadline = options.deadline.withReserve(REPORTING_RESERVE_MS);

  let existing: unknown;
  try {
    existing = await getObjectJson(deps.s3, { bucket: settings.bucket, key: manifestKey(date), deadline: stepsDeadline });
  } catch (error) {
    // Not knowing whether the day is done is no reason to skip it: back up, and let the steps report.
    log.warn('cannot read the day\'s manifest; backing up anyway', { date, error: describeError(error) });
  }
  if (isCompleteManifest(existing) && !options.force) {
    log.info('backup of the day is already complete; nothing to do', { date, runId: existing.runId });
    return { manifest: existing, skipped: true, manifestWritten: false, reportingErrors: [] };
  }

  const steps: StepRecord[] = [];
  const run = async (name: StepName, minMs: number, body: () => Promise<{ objects?: StepRecord['objects']; details: Record<string, unknown>; problems?: string[] }>) => {
    const startedAt = now();
    let record: StepRecord;
    try {
      stepsDeadline.ensure(minMs, `the ${name} step`);
      const result = await body();
      const problems = result.problems ?? [];
      record = { name, status: problems.length === 0 ? 'ok' : 'failed', startedAt: startedAt.toISOString(), durationSeconds: seconds(startedAt, now()), objects: result.objects ?? [], details: result.details, errors: problems };
    } catch (error) {
      record = { name, status: 'failed', startedAt: startedAt.toISOString(), durationSeconds: seconds(startedAt, now()), objects: [], details: {}, errors: [describeError(error)] };
    }
    steps.push(record);
    log[record.status === 'ok' ? 'info' : 'error'](`step ${name} ${record.status}`, { step: name, durationSeconds: record.durationSeconds, errors: record.errors });
    return record;
  };

  let blocks: BackupManifest['blocks'];
  await run('prometheus-blocks', 2_000, async () => {
    const result = await verifyBlocks(deps.s3, {
      bucket: settings.bucket,
      prefix: settings.blocks.prefix,
      expectedReplicas: settings.blocks.expectedReplicas,
      maxAgeSeconds: settings.blocks.maxAgeSeconds,
      replicaLabel: settings.blocks.replicaLabel,
      now: started,
      deadline: stepsDeadline,
    });
    blocks = { blocksListed: result.blocksListed, newest: result.newest };
    return { details: { blocksListed: result.blocksListed, metasRead: result.metasRead, newest: result.newest }, problems: result.problems };
  });

  await run('grafana', 5_000, async () => {
    const token = await deps.secrets.get(settings.grafana.tokenSecretArn);
    const result = await exportGrafana(deps.s3, {
      url: settings.grafana.url,
      token,
      bucket: settings.bucket,
      prefix: exportPrefix(date, 'grafana'),
      kmsKeyArn: settings.kmsKeyArn,
      timeoutMs: settings.httpTimeoutMs,
      deadline: stepsDeadline,
    });
    return { objects: result.objects, details: { dashboards: result.dashboards, folders: result.folders, datasources: result.datasources } };
  });

  await run('alertmanager', 2_000, async () => {
    const result = await exportSilences(deps.s3, { url: settings.alertmanagerUrl, bucket: settings.bucket, prefix: exportPrefix(date, 'alertmanager'), kmsKeyArn: settings.kmsKeyArn, timeoutMs: settings.httpTimeoutMs, deadline: stepsDeadline });
    return { objects: result.objects, details: { silences: result.silences, inForce: result.inForce } };
  });

  let snapshots: BackupManifest['snapshots'];
  if (settings.snapshots.enabled) {
    await run('ebs-snapshots', 2_000, async () => {
      if (!deps.ec2) throw new Error('snapshots are enabled but no EC2 client was given');
      snapshots = await snapshotVolumes(deps.ec2, { ...settings.snapshots, clusterName: settings.clusterName, date, now: started, deadline: stepsDeadline });
      return { details: { volumes: snapshots.volumes, created: snapshots.created.length, reused: snapshots.reused.length, deleted: snapshots.deleted.length } };
    });
  }

  const finished = now();
  const objects = steps.flatMap((s) => s.objects);
  const manifest: BackupManifest = {
    version: MANIFEST_VERSION,
    cluster: settings.clusterName,
    date,
    runId: randomUUID(),
    status: steps.every((s) => s.status === 'ok') ? 'complete' : 'failed',
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: seconds(started, finished),
    bucket: settings.bucket,
    steps,
    blocks,
    snapshots,
    totals: { objects: objects.length, bytes: objects.reduce((sum, o) => sum + o.bytes, 0) },
  };
  return report(manifest, settings, deps, options.deadline);
}

/** Write the manifest (last), then push metrics; every failure is recorded, none hidden. */
async function report(manifest: BackupManifest, settings: BackupSettings, deps: BackupDeps, deadline: Deadline): Promise<BackupOutcome> {
  const reportingErrors: string[] = [];
  let manifestWritten = false;
  try {
    await putJson(deps.s3, { bucket: settings.bucket, key: manifestKey(manifest.date), value: manifest, kmsKeyId: settings.kmsKeyArn, deadline });
    manifestWritten = true;
  } catch (error) {
    reportingErrors.push(`manifest: ${describeError(error)}`);
  }
  // Without its manifest a backup cannot be shown complete: report it failed everywhere.
  const reported: BackupManifest = manifestWritten ? manifest : { ...manifest, status: 'failed' };
  try {
    await pushBackupMetrics(reported, { url: settings.pushgatewayUrl, deadline, timeoutMs: settings.httpTimeoutMs });
  } catch (error) {
    reportingErrors.push(`pushgateway: ${describeError(error)}`);
  }
  try {
    await deps.metrics.put(reported, deadline);
  } catch (error) {
    reportingErrors.push(`cloudwatch: ${describeError(error)}`);
  }
  deps.logger[reported.status === 'complete' && reportingErrors.length === 0 ? 'info' : 'error']('backup finished', {
    status: reported.status,
    date: reported.date,
    objects: reported.totals.objects,
    bytes: reported.totals.bytes,
    durationSeconds: reported.durationSeconds,
    failedSteps: reported.steps.filter((s) => s.status !== 'ok').map((s) => s.name),
    reportingErrors,
  });
  return { manifest: reported, skipped: false, manifestWritten, reportingErrors };
}

function seconds(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 10) / 100;
}
