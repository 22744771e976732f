/**
 * The SLA report Lambda's entry point. Settings come from the
 * environment exactly as AWS sets it, the SLOs and SLAs from the
 * definitions bundled with the function; the schedule's input names the
 * periods and carries its scheduled time, which is the report's `asOf`
 * (so a retried run reports the same periods under the same keys). The
 * local runner (`cli.ts`) calls `invoke` with the same code path.
 *
 * The invocation fails (throws, so the Errors alarm fires and the
 * failure lands in the dead-letter queue) when Prometheus could not give
 * complete data (then nothing is written), when an objective could not be
 * computed (after the report that says so is written and sent), or when
 * an output failed.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { Deadline, type RemainingTimeSource } from '../shared/deadline';
import { createLogger, type Logger } from '../shared/log';
import { createS3Client } from '../shared/s3';
import { describeError } from '../shared/retry';
import { type ReportDefinitions, parseDefinitions } from './definitions';
import { runGroup } from './metrics';
import type { SlaReport } from './model';
import { type OutputResult, type OutputTargets, publishReport, pushGroups } from './outputs';
import { parsePeriodKinds, type PeriodKind, reportPeriods } from './periods';
import { type MetricsSource, PrometheusSource } from './prometheus-source';
import { buildReport } from './report';
import { type SlaReportSettings, settingsFromEnv } from './settings';

/** What a schedule sends; every field optional. */
export interface SlaReportEvent {
  /** `daily`, `weekly`, `monthly`; names the report's keys. */
  readonly schedule?: string;
  /** Periods to report. @default ['last-24h', 'month-to-date'] */
  readonly periods?: readonly string[];
  /** EventBridge Scheduler's `<aws.scheduler.scheduled-time>`: the report's `asOf`. */
  readonly scheduledTime?: string;
  /** Report as of another time (a rerun), ISO 8601; wins over `scheduledTime`. */
  readonly asOf?: string;
}

export const DEFAULT_PERIODS: readonly PeriodKind[] = ['last-24h', 'month-to-date'];
/** Time kept back from the queries for writing, pushing and sending. */
const OUTPUT_RESERVE_MS = 20_000;

/** Thrown when a run did not produce a complete, delivered report; carries what there is. */
export class SlaReportFailedError extends Error {
  constructor(
    message: string,
    readonly report?: SlaReport,
    readonly outputs?: OutputResult,
  ) {
    super(message);
    this.name = 'SlaReportFailedError';
  }
}

/** What a run produced. */
export interface SlaReportOutcome {
  readonly report: SlaReport;
  readonly outputs: OutputResult;
}

/** Replaceable parts (local runner, tests). */
export interface SlaReportDeps {
  readonly definitions?: ReportDefinitions;
  readonly source?: MetricsSource;
  readonly targets?: OutputTargets;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/** The definitions bundled beside the handler (or at an absolute path). */
export function loadDefinitions(file: string, dir: string = __dirname): ReportDefinitions {
  const path = isAbsolute(file) ? file : join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the SLA definitions ${path}: ${(error as Error).message}; the stack bundles them with the function, the local runner builds them from the configuration`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`the SLA definitions ${path} are not JSON: ${(error as Error).message}`);
  }
  return parseDefinitions(value, path);
}

/** The report's `asOf`: the event's, else the scheduled time, else now (to the minute). */
export function asOfFrom(event: SlaReportEvent | undefined, now: number): number {
  for (const [field, value] of [['asOf', event?.asOf], ['scheduledTime', event?.scheduledTime]] as const) {
    if (value === undefined) continue;
    const ms = Date.parse(value);
    if (!Number.isFinite(ms)) throw new RangeError(`event.${field} "${value}" is not an ISO 8601 time such as "2024-03-01T00:00:00Z"`);
    return ms;
  }
  return Math.floor(now / 60_000) * 60_000;
}

/** The outputs the settings ask for, with clients. */
export function defaultTargets(settings: SlaReportSettings): OutputTargets {
  return {
    s3: settings.outputs.has('s3') ? { client: createS3Client({ region: settings.region, endpoint: settings.s3Endpoint }), bucket: settings.bucket!, prefix: settings.prefix, kmsKeyArn: settings.kmsKeyArn } : undefined,
    sns: settings.outputs.has('sns') ? { client: new SNSClient({ region: settings.region, endpoint: settings.snsEndpoint, maxAttempts: 5 }), topicArn: settings.topicArn! } : undefined,
    pushgateway: settings.outputs.has('pushgateway') ? { url: settings.pushgatewayUrl!, timeoutMs: settings.httpTimeoutMs } : undefined,
  };
}

/** Run once with an environment map, an event and a context; throws `SlaReportFailedError` unless complete and delivered. */
export async function invoke(env: Readonly<Record<string, string | undefined>>, event: SlaReportEvent | undefined, context: RemainingTimeSource, deps: SlaReportDeps = {}): Promise<SlaReportOutcome> {
  const settings = settingsFromEnv(env);
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? createLogger({ function: 'sla-report', cluster: settings.clusterName });
  const deadline = Deadline.fromContext(context, 2_000);
  const definitions = deps.definitions ?? loadDefinitions(settings.definitionsFile);
  const asOf = asOfFrom(event, now());
  const periods = reportPeriods(parsePeriodKinds(event?.periods ?? DEFAULT_PERIODS), asOf, settings.timeZone);
  const schedule = event?.schedule ?? null;
  const targets = deps.targets ?? defaultTargets(settings);
  const source =
    deps.source ??
    new PrometheusSource({
      url: settings.prometheusUrl,
      timeoutMs: settings.prometheusTimeoutMs,
      deadline: deadline.withReserve(OUTPUT_RESERVE_MS),
      onRetry: ({ attempt, delayMs, error, query }) => logger.warn('retrying a Prometheus query', { attempt, delayMs, query, error: describeError(error) }),
    });
  logger.info('building the report', { asOf: new Date(asOf).toISOString(), periods: periods.map((p) => p.id), objectives: definitions.objectives.length, schedule });
  let report: SlaReport;
  try {
    report = await buildReport(definitions, source, { asOf, periods, timeZone: settings.timeZone, minCoverage: settings.minCoverage, schedule, prometheusUrl: settings.prometheusUrl, concurrency: settings.concurrency, logger, now });
  } catch (error) {
    logger.error('no report: the data could not be read', { error: describeError(error) });
    await pushRunResult(targets, undefined, settings.clusterName, schedule, now(), deadline, logger);
    throw new SlaReportFailedError(`no SLA report as of ${new Date(asOf).toISOString()}: ${describeError(error)}`);
  }
  const outputs = await publishReport(report, targets, deadline);
  const problems = [...report.objectives.filter((o) => o.state === 'failed').map((o) => `objective ${o.name} failed: ${o.error}`), ...outputs.errors];
  const pushError = await pushRunResult(targets, problems.length === 0 ? report : undefined, settings.clusterName, schedule, now(), deadline, logger, report);
  if (pushError) problems.push(pushError);
  logger.info('report done', { written: outputs.written, messageId: outputs.messageId, problems });
  if (problems.length > 0) throw new SlaReportFailedError(`SLA report as of ${report.asOf} incomplete: ${problems.join(' | ')}`, report, outputs);
  return { report, outputs };
}

/** Push the run's own gauges; returns the failure, if any (the run has failed already when it is pushed without `successful`). */
async function pushRunResult(targets: OutputTargets, successful: SlaReport | undefined, cluster: string, schedule: string | null, now: number, deadline: Deadline, logger: Logger, report?: SlaReport): Promise<string | undefined> {
  if (!targets.pushgateway) return undefined;
  try {
    await pushGroups([runGroup(report ?? successful, cluster, schedule ?? 'manual', successful !== undefined, now)], targets.pushgateway.url, targets.pushgateway.timeoutMs, deadline);
    return undefined;
  } catch (error) {
    logger.warn('could not push the run result', { error: describeError(error) });
    return `pushing the run result: ${describeError(error)}`;
  }
}

/** The AWS Lambda handler. */
export async function handler(event: SlaReportEvent | undefined, context: RemainingTimeSource): Promise<{ asOf: string; objectives: number; failed: number; written: string[] }> {
  const { report, outputs } = await invoke(process.env, event, context);
  return { asOf: report.asOf, objectives: report.objectives.length, failed: report.summary.failed.length, written: outputs.written };
}
