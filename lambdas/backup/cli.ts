/**
 * `npm run lambda -- backup [flags]`: the backup handler's code path from
 * the command line, against real endpoints. Each flag sets the
 * environment variable the Lambda reads (flags win over variables already
 * set), so a run here is a run in AWS with another environment.
 *
 * Exit codes: 0 complete (or already complete today), 1 failed, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import { envFlagOptions, envWithFlags, parseFlags, timeoutFlag } from '../shared/cli';
import { EnvError } from '../shared/env';
import { StaticSecretSource } from '../shared/secrets';
import type { BackupDeps } from './backup';
import { BackupFailedError, invoke } from './handler';
import { BACKUP_ENV } from './settings';

const FLAGS = {
  bucket: BACKUP_ENV.bucket,
  'kms-key-arn': BACKUP_ENV.kmsKeyArn,
  cluster: BACKUP_ENV.clusterName,
  region: BACKUP_ENV.region,
  's3-endpoint': BACKUP_ENV.s3Endpoint,
  'ec2-endpoint': BACKUP_ENV.ec2Endpoint,
  'blocks-prefix': BACKUP_ENV.blocksPrefix,
  'expected-replicas': BACKUP_ENV.blocksExpectedReplicas,
  'max-block-age': BACKUP_ENV.blocksMaxAge,
  'grafana-url': BACKUP_ENV.grafanaUrl,
  'grafana-token-secret-arn': BACKUP_ENV.grafanaTokenSecretArn,
  'alertmanager-url': BACKUP_ENV.alertmanagerUrl,
  'pushgateway-url': BACKUP_ENV.pushgatewayUrl,
  'snapshot-retention-days': BACKUP_ENV.snapshotRetentionDays,
  'metric-namespace': BACKUP_ENV.metricNamespace,
  'http-timeout-ms': BACKUP_ENV.httpTimeoutMs,
} as const;

/** Stands in for a Secrets Manager ARN when the token comes from a file. */
const LOCAL_TOKEN_ARN = 'arn:aws:secretsmanager:local:000000000000:secret:grafana-token-from-file';

export const USAGE = `usage: npm run lambda -- backup [flags]
  ${Object.entries(FLAGS).map(([flag, env]) => `--${flag} <value>`.padEnd(38) + `(${env})`).join('\n  ')}
  --grafana-token-file <path>           read the Grafana token from a file instead of Secrets Manager
  --no-snapshots                        skip EBS snapshots (SNAPSHOTS_ENABLED=false)
  --no-cloudwatch                       do not put the CloudWatch metric (CLOUDWATCH_METRICS_ENABLED=false)
  --timeout <seconds>                   time budget, as the Lambda's timeout (default 600)
  --force                               back up again even if today is complete`;

/** Run the backup from the command line; resolves to the exit code. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env, overrides: Partial<BackupDeps> = {}): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      ...envFlagOptions(FLAGS),
      'grafana-token-file': { type: 'string' },
      'no-snapshots': { type: 'boolean' },
      'no-cloudwatch': { type: 'boolean' },
      timeout: { type: 'string' },
      force: { type: 'boolean' },
    },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const runEnv = envWithFlags(env, FLAGS, values);
  if (values['no-snapshots']) runEnv[BACKUP_ENV.snapshotsEnabled] = 'false';
  if (values['no-cloudwatch']) runEnv[BACKUP_ENV.cloudWatchEnabled] = 'false';
  const timeoutSeconds = timeoutFlag(values.timeout, 600);
  if (timeoutSeconds === undefined) return 2;
  const depsOverrides: { -readonly [K in keyof BackupDeps]?: BackupDeps[K] } = { ...overrides };
  if (typeof values['grafana-token-file'] === 'string') {
    let token: string;
    try {
      token = readFileSync(values['grafana-token-file'], 'utf8').trim();
    } catch (error) {
      console.error(`--grafana-token-file: ${(error as Error).message}`);
      return 2;
    }
    runEnv[BACKUP_ENV.grafanaTokenSecretArn] ??= LOCAL_TOKEN_ARN;
    depsOverrides.secrets ??= new StaticSecretSource({ [runEnv[BACKUP_ENV.grafanaTokenSecretArn]!]: token });
  }
  const endsAt = Date.now() + timeoutSeconds * 1000;
  try {
    const outcome = await invoke(runEnv, { force: values.force === true }, { getRemainingTimeInMillis: () => endsAt - Date.now() }, depsOverrides);
    console.log(JSON.stringify(summary(outcome.manifest, outcome.skipped), null, 2));
    return 0;
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`${error.message}\nSet the variables or pass the flags:\n${USAGE}`);
      return 2;
    }
    if (error instanceof BackupFailedError) {
      console.log(JSON.stringify(summary(error.outcome.manifest, false), null, 2));
      console.error(error.message);
      return 1;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

function summary(manifest: import('./manifest').BackupManifest, skipped: boolean) {
  return {
    status: manifest.status,
    skipped,
    date: manifest.date,
    objects: manifest.totals.objects,
    bytes: manifest.totals.bytes,
    durationSeconds: manifest.durationSeconds,
    steps: manifest.steps.map((s) => ({ name: s.name, status: s.status, durationSeconds: s.durationSeconds, errors: s.errors })),
  };
}
