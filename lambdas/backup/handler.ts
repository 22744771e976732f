/**
 * The backup Lambda's entry point. Settings come from the environment
 * exactly as AWS sets it; the local runner (`cli.ts`) calls `invoke` with
 * the same environment map and the same code path.
 *
 * The invocation fails (throws) when the backup is not complete or its
 * manifest or metrics could not be written, so the Lambda's Errors alarm
 * and its on-failure destination see it.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Deadline, type RemainingTimeSource } from '../shared/deadline';
import { createLogger } from '../shared/log';
import { createS3Client } from '../shared/s3';
import { SecretsManagerSource } from '../shared/secrets';
import { type BackupDeps, type BackupOutcome, runBackup } from './backup';
import { CloudWatchSink, noMetricSink } from './metrics';
import { type BackupSettings, settingsFromEnv } from './settings';

/** What the schedule sends; every field optional. */
export interface BackupEvent {
  /** Back up again even if today already has a complete backup. */
  readonly force?: boolean;
}

/** Thrown when a run did not produce a complete, recorded backup; carries the outcome. */
export class BackupFailedError extends Error {
  constructor(readonly outcome: BackupOutcome) {
    const failed = outcome.manifest.steps.filter((s) => s.status !== 'ok').map((s) => `${s.name}: ${s.errors.join('; ')}`);
    super(`backup ${outcome.manifest.date} ${outcome.manifest.status}${failed.length ? ` (${failed.join(' | ')})` : ''}${outcome.reportingErrors.length ? `; reporting: ${outcome.reportingErrors.join('; ')}` : ''}`);
    this.name = 'BackupFailedError';
  }
}

/** Clients built from the settings; `overrides` replaces any of them (local runner, tests). */
export function defaultDeps(settings: BackupSettings, deadline: Deadline, overrides: Partial<BackupDeps> = {}): BackupDeps {
  const region = settings.region;
  return {
    s3: overrides.s3 ?? createS3Client({ region, endpoint: settings.s3Endpoint }),
    ec2: overrides.ec2 ?? (settings.snapshots.enabled ? new EC2Client({ region, endpoint: settings.ec2Endpoint, maxAttempts: 5 }) : undefined),
    secrets: overrides.secrets ?? new SecretsManagerSource(new SecretsManagerClient({ region, maxAttempts: 5 }), deadline),
    metrics: overrides.metrics ?? (settings.cloudWatch.enabled ? new CloudWatchSink(new CloudWatchClient({ region, maxAttempts: 5 }), settings.cloudWatch.namespace) : noMetricSink),
    logger: overrides.logger ?? createLogger({ function: 'backup', cluster: settings.clusterName }),
  };
}

/** Run once with an environment map and a context; throws `BackupFailedError` unless complete and recorded. */
export async function invoke(env: Readonly<Record<string, string | undefined>>, event: BackupEvent | undefined, context: RemainingTimeSource, overrides: Partial<BackupDeps> = {}): Promise<BackupOutcome> {
  const settings = settingsFromEnv(env);
  const deadline = Deadline.fromContext(context, 2_000);
  const outcome = await runBackup(settings, defaultDeps(settings, deadline, overrides), { deadline, force: event?.force === true });
  if (outcome.manifest.status !== 'complete' || outcome.reportingErrors.length > 0) throw new BackupFailedError(outcome);
  return outcome;
}

/** The AWS Lambda handler. */
export async function handler(event: BackupEvent | undefined, context: RemainingTimeSource): Promise<{ status: string; date: string; objects: number; bytes: number; skipped: boolean }> {
  const outcome = await invoke(process.env, event, context);
  const { manifest } = outcome;
  return { status: manifest.status, date: manifest.date, objects: manifest.totals.objects, bytes: manifest.totals.bytes, skipped: outcome.skipped };
}
