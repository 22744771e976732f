/**
 * `npm run lambda -- anomaly-check [flags]`: the anomaly-check handler's
 * code path from the command line, against real endpoints. Each flag sets
 * the environment variable the Lambda reads (flags win over variables
 * already set), so a run here is a run in AWS with another environment.
 *
 * Without `--checks-file`, the checks (and the cluster name, interval,
 * alert expiry and runbook link, unless given) come from the configuration the stack
 * bundles (`MONITORING_PROFILE` / `MONITORING_CONFIG`), written to a
 * temporary checks file exactly as the zip holds it.
 *
 * Exit codes: 0 every check ran and everything was delivered, 1 a check
 * or a delivery failed, 2 bad usage or settings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigError, loadConfig } from '../../config';
import { anomalyRunbookUrl } from '../../config/sections/anomaly';
import { envFlagOptions, envWithFlags, parseFlags, timeoutFlag } from '../shared/cli';
import { EnvError } from '../shared/env';
import { createLogger } from '../shared/log';
import { ChecksFileError, CHECKS_FILE_NAME } from './checks-file';
import { AnomalyCheckFailedError, invoke } from './handler';
import type { RunReport } from './report';
import type { RunDeps } from './run';
import { ANOMALY_ENV } from './settings';

const FLAGS = {
  'prometheus-url': ANOMALY_ENV.prometheusUrl,
  'prometheus-external-url': ANOMALY_ENV.prometheusExternalUrl,
  'pushgateway-url': ANOMALY_ENV.pushgatewayUrl,
  'topic-arn': ANOMALY_ENV.topicArn,
  region: ANOMALY_ENV.region,
  'sns-endpoint': ANOMALY_ENV.snsEndpoint,
  cluster: ANOMALY_ENV.clusterName,
  'checks-file': ANOMALY_ENV.checksFile,
  interval: ANOMALY_ENV.interval,
  'alert-expiry': ANOMALY_ENV.alertExpiry,
  'runbook-url': ANOMALY_ENV.runbookUrl,
  'http-timeout-ms': ANOMALY_ENV.httpTimeoutMs,
} as const;

export const USAGE = `usage: npm run lambda -- anomaly-check --prometheus-url URL --alertmanager-url URL [...] [flags]
  --alertmanager-url <url>              (ALERTMANAGER_URLS) repeat for every replica: each gets every alert
  ${Object.entries(FLAGS).map(([flag, env]) => `--${flag} <value>`.padEnd(38) + `(${env})`).join('\n  ')}
  --check <name>                        (CHECKS) run only this check; repeat for several
  --dry-run                             (DRY_RUN=true) score and decide, print the alerts; post, publish and push nothing
  --at <time>                           evaluate as of this ISO time or epoch seconds (replay a past interval)
  --timeout <seconds>                   time budget, as the Lambda's timeout (default 300)
Without --checks-file the checks come from the configuration (MONITORING_PROFILE / MONITORING_CONFIG).`;

/** Run the anomaly check from the command line; resolves to the exit code. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env, overrides: Partial<RunDeps> = {}): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      ...envFlagOptions(FLAGS),
      'alertmanager-url': { type: 'string', multiple: true },
      check: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      at: { type: 'string' },
      timeout: { type: 'string' },
    },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const timeoutSeconds = timeoutFlag(values.timeout, 300);
  if (timeoutSeconds === undefined) return 2;
  const at = values.at === undefined ? undefined : parseInstant(values.at as string);
  if (Number.isNaN(at)) {
    console.error(`--at "${values.at}" is not an ISO time (2025-01-31T10:15:00Z) or epoch seconds`);
    return 2;
  }

  const runEnv = envWithFlags(env, FLAGS, values);
  if (values['alertmanager-url']) runEnv[ANOMALY_ENV.alertmanagerUrls] = (values['alertmanager-url'] as string[]).join(',');
  if (values.check) runEnv[ANOMALY_ENV.checkNames] = (values.check as string[]).join(',');
  if (values['dry-run']) runEnv[ANOMALY_ENV.dryRun] = 'true';

  let scratch: string | undefined;
  try {
    if (!runEnv[ANOMALY_ENV.checksFile]) scratch = checksFromConfig(runEnv);
    const endsAt = Date.now() + timeoutSeconds * 1000;
    // Log lines go to stderr: stdout is the report, for people and for `jq`.
    const logger = overrides.logger ?? createLogger({ function: 'anomaly-check' }, (line) => process.stderr.write(line + '\n'));
    const report = await invoke(runEnv, undefined, { getRemainingTimeInMillis: () => endsAt - Date.now() }, { ...overrides, logger, ...(at !== undefined ? { now: () => at } : {}) });
    console.log(JSON.stringify(printable(report), null, 2));
    return 0;
  } catch (error) {
    if (error instanceof EnvError || error instanceof ChecksFileError || (error as ConfigError).name === 'ConfigError') {
      console.error(`${(error as Error).message}\n${error instanceof EnvError ? `Set the variables or pass the flags:\n${USAGE}` : ''}`);
      return 2;
    }
    if (error instanceof AnomalyCheckFailedError) {
      console.log(JSON.stringify(printable(error.report), null, 2));
      console.error(error.message);
      return 1;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return /^no check named/.test((error as Error).message ?? '') ? 2 : 1;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes the configuration's checks to a temporary checks file (as the
 * stack bundles them) and fills the settings the stack would set from the
 * same configuration, unless given. Returns the temporary folder.
 */
function checksFromConfig(runEnv: Record<string, string | undefined>): string {
  const config = loadConfig(runEnv as NodeJS.ProcessEnv);
  const dir = mkdtempSync(join(tmpdir(), 'anomaly-checks-'));
  const file = join(dir, CHECKS_FILE_NAME);
  writeFileSync(file, JSON.stringify(config.anomaly.checks, null, 2));
  runEnv[ANOMALY_ENV.checksFile] = file;
  runEnv[ANOMALY_ENV.clusterName] ??= config.cluster.name;
  runEnv[ANOMALY_ENV.interval] ??= config.anomaly.interval;
  runEnv[ANOMALY_ENV.alertExpiry] ??= config.anomaly.alertExpiry;
  runEnv[ANOMALY_ENV.runbookUrl] ??= anomalyRunbookUrl(config.alerting.runbookBaseUrl);
  return dir;
}

/** An ISO time or epoch seconds, as UTC ms; NaN when neither. */
function parseInstant(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  return /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
}

/** The report as printed: events as lines a person reads. */
function printable(report: RunReport): unknown {
  return { ...report, checks: report.checks.map(({ events, ...check }) => ({ ...check, events: events.length })) };
}
