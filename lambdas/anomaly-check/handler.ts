/**
 * The anomaly-check Lambda's entry point. Settings come from the
 * environment exactly as AWS sets it, the checks from the file bundled
 * with the function; the local runner (`cli.ts`) calls `invoke` with the
 * same environment map and the same code path.
 *
 * The invocation fails (throws) when a check could not be evaluated or
 * an alert, the summary or the metrics could not be delivered, after
 * everything else was done: the Lambda's Errors alarm and its on-failure
 * destination see it, and no check's failure hides the others' results.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { Deadline, type RemainingTimeSource } from '../shared/deadline';
import { createLogger } from '../shared/log';
import { loadChecks, selectChecks } from './checks-file';
import { PrometheusGridReader } from './range-reader';
import type { RunReport } from './report';
import { type RunDeps, runAnomalyChecks } from './run';
import { type AnomalySettings, settingsFromEnv } from './settings';

/** What the schedule sends (`{"source": "schedule"}`); a manual invocation may narrow or dry-run a run. */
export interface AnomalyCheckEvent {
  readonly source?: string;
  /** Run only these checks (by name). */
  readonly checks?: readonly string[];
  /** Decide, but post, publish and push nothing. */
  readonly dryRun?: boolean;
}

/** Thrown when a run did not evaluate every check or deliver everything; carries the report. */
export class AnomalyCheckFailedError extends Error {
  constructor(readonly report: RunReport) {
    super(`anomaly check run failed: ${report.problems.join(' | ')}`);
    this.name = 'AnomalyCheckFailedError';
  }
}

/** Clients built from the settings; `overrides` replaces any of them (local runner, tests). */
export function defaultDeps(settings: AnomalySettings, overrides: Partial<RunDeps> = {}): RunDeps {
  return {
    prometheus: overrides.prometheus ?? ((deadline) => new PrometheusGridReader({ url: settings.prometheusUrl, deadline, timeoutMs: settings.httpTimeoutMs })),
    sns: overrides.sns ?? (settings.topicArn ? new SNSClient({ region: settings.region, endpoint: settings.snsEndpoint, maxAttempts: 5 }) : undefined),
    logger: overrides.logger ?? createLogger({ function: 'anomaly-check', cluster: settings.clusterName }),
    now: overrides.now,
  };
}

/** Run once with an environment map and a context; throws `AnomalyCheckFailedError` unless everything was evaluated and delivered. */
export async function invoke(env: Readonly<Record<string, string | undefined>>, event: AnomalyCheckEvent | undefined, context: RemainingTimeSource, overrides: Partial<RunDeps> = {}): Promise<RunReport> {
  const settings = settingsFromEnv(env);
  const checks = selectChecks(loadChecks(settings.checksFile), event?.checks ?? settings.checkNames);
  const deadline = Deadline.fromContext(context, 2_000);
  const deps = defaultDeps(settings, overrides);
  const report = await runAnomalyChecks(settings, checks, deps, { deadline, dryRun: event?.dryRun ?? settings.dryRun });
  deps.logger.info('run finished', { status: report.status, durationMs: report.durationMs, problems: report.problems, sns: report.sns.status, pushgateway: report.pushgateway.status, alerts: report.alertmanager.alerts });
  if (report.status !== 'ok') throw new AnomalyCheckFailedError(report);
  return report;
}

/** The AWS Lambda handler: the run's report without the per-alert details. */
export async function handler(event: AnomalyCheckEvent | undefined, context: RemainingTimeSource): Promise<Omit<RunReport, 'wouldPost'>> {
  const { wouldPost: _omitted, ...report } = await invoke(process.env, event, context);
  return { ...report, checks: report.checks.map((check) => ({ ...check, events: [] })) };
}
