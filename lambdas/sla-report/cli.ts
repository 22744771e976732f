/**
 * `npm run lambda -- sla-report --prometheus-url URL [--period ...] --out
 * report.json --html report.html`: the SLA report handler's code path from
 * the command line, against a real Prometheus. Each flag sets the
 * environment variable the Lambda reads (flags win over variables already
 * set); the SLOs and SLAs come from the configuration (MONITORING_PROFILE,
 * MONITORING_CONFIG or `--config`) as the stack would bundle them, or from
 * a definitions file. The bucket, the topic and the Pushgateway are used
 * only when their flags are given; `--out` and `--html` write the report
 * to local files.
 *
 * Exit codes: 0 complete, 1 failed (the report files are still written
 * when there is a report), 2 bad usage.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../config/load';
import { envFlagOptions, envWithFlags, parseFlags, timeoutFlag } from '../shared/cli';
import { EnvError } from '../shared/env';
import { silentLogger } from '../shared/log';
import { definitionsFromConfig, type ReportDefinitions } from './definitions';
import { invoke, loadDefinitions, type SlaReportDeps, SlaReportFailedError } from './handler';
import { renderHtml } from './html';
import type { SlaReport } from './model';
import { SLA_REPORT_ENV } from './settings';

const FLAGS = {
  'prometheus-url': SLA_REPORT_ENV.prometheusUrl,
  'time-zone': SLA_REPORT_ENV.timeZone,
  'min-coverage': SLA_REPORT_ENV.minCoverage,
  cluster: SLA_REPORT_ENV.clusterName,
  region: SLA_REPORT_ENV.region,
  bucket: SLA_REPORT_ENV.bucket,
  prefix: SLA_REPORT_ENV.prefix,
  'kms-key-arn': SLA_REPORT_ENV.kmsKeyArn,
  's3-endpoint': SLA_REPORT_ENV.s3Endpoint,
  'topic-arn': SLA_REPORT_ENV.topicArn,
  'sns-endpoint': SLA_REPORT_ENV.snsEndpoint,
  'pushgateway-url': SLA_REPORT_ENV.pushgatewayUrl,
  'prometheus-timeout-ms': SLA_REPORT_ENV.prometheusTimeoutMs,
  concurrency: SLA_REPORT_ENV.concurrency,
} as const;

export const USAGE = `usage: npm run lambda -- sla-report --prometheus-url URL [flags]
  ${Object.entries(FLAGS).map(([flag, env]) => `--${flag} <value>`.padEnd(38) + `(${env})`).join('\n  ')}
  --period <name>                       last-24h, last-7d, month-to-date, previous-month (repeat, or comma-separated; default last-24h,month-to-date)
  --as-of <ISO time>                    report as of this time (default: now, to the minute)
  --schedule <name>                     name the run as a schedule would (daily, weekly, monthly)
  --out <path>                          write the JSON report here
  --html <path>                         write the HTML report here
  --config <path>                       configuration file with the SLOs and SLAs (MONITORING_CONFIG); default: MONITORING_PROFILE or "default"
  --definitions <path>                  an sla-definitions.json instead of a configuration
  --timeout <seconds>                   time budget, as the Lambda's timeout (default 300)
  --verbose                             log every step (JSON lines on stdout)
The bucket (--bucket with --kms-key-arn), the topic (--topic-arn) and the Pushgateway (--pushgateway-url) are written to only when given.`;

/** Run the report from the command line; resolves to the exit code. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env, overrides: SlaReportDeps = {}): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      ...envFlagOptions(FLAGS),
      period: { type: 'string', multiple: true },
      'as-of': { type: 'string' },
      schedule: { type: 'string' },
      out: { type: 'string' },
      html: { type: 'string' },
      config: { type: 'string' },
      definitions: { type: 'string' },
      timeout: { type: 'string' },
      verbose: { type: 'boolean' },
    },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const runEnv = envWithFlags(env, FLAGS, values);
  runEnv[SLA_REPORT_ENV.outputs] = [values.bucket ? 's3' : '', values['topic-arn'] ? 'sns' : '', values['pushgateway-url'] ? 'pushgateway' : ''].filter(Boolean).join(',') || 'none';
  const timeoutSeconds = timeoutFlag(values.timeout, 300);
  if (timeoutSeconds === undefined) return 2;
  let definitions: ReportDefinitions;
  try {
    if (typeof values.definitions === 'string') {
      definitions = loadDefinitions(resolve(values.definitions));
    } else {
      const config = loadConfig(typeof values.config === 'string' ? { ...runEnv, MONITORING_CONFIG: resolve(values.config) } : runEnv);
      definitions = definitionsFromConfig(config);
      runEnv[SLA_REPORT_ENV.region] ??= config.cluster.region;
      runEnv[SLA_REPORT_ENV.timeZone] ??= config.aws.slaReport.timeZone;
      runEnv[SLA_REPORT_ENV.minCoverage] ??= String(config.aws.slaReport.minCoverage);
    }
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  runEnv[SLA_REPORT_ENV.clusterName] ??= definitions.cluster;
  runEnv[SLA_REPORT_ENV.region] ??= 'us-east-1';
  const periods = ((values.period as string[] | undefined) ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  const event = { schedule: values.schedule as string | undefined, periods: periods.length > 0 ? periods : undefined, asOf: values['as-of'] as string | undefined };
  const endsAt = Date.now() + timeoutSeconds * 1000;
  const deps: SlaReportDeps = { logger: values.verbose ? undefined : silentLogger, ...overrides, definitions: overrides.definitions ?? definitions };
  let report: SlaReport | undefined;
  let code = 0;
  try {
    report = (await invoke(runEnv, event, { getRemainingTimeInMillis: () => endsAt - Date.now() }, deps)).report;
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`${error.message}\nSet the variables or pass the flags:\n${USAGE}`);
      return 2;
    }
    if (error instanceof RangeError) {
      console.error(error.message);
      return 2;
    }
    console.error(error instanceof Error ? error.message : String(error));
    report = error instanceof SlaReportFailedError ? error.report : undefined;
    code = 1;
  }
  if (report) {
    if (typeof values.out === 'string') writeFileSync(values.out, JSON.stringify(report, null, 2) + '\n');
    if (typeof values.html === 'string') writeFileSync(values.html, renderHtml(report));
    console.log(JSON.stringify(overview(report), null, 2));
  }
  return code;
}

/** What the command prints: the verdicts, not the whole report. */
function overview(report: SlaReport) {
  return {
    asOf: report.asOf,
    periods: report.periods.map((p) => `${p.id}: ${p.start} .. ${p.end}`),
    objectives: report.objectives.map((o) => ({
      name: o.name,
      state: o.state,
      ...(o.error ? { error: o.error } : {}),
      periods: Object.fromEntries(o.periods.map((p) => [p.period, `${p.status}${p.sli === null ? '' : ` ${(p.sli * 100).toFixed(4)}%`} (coverage ${(p.coverage * 100).toFixed(1)}%${p.exact ? '' : ', estimated'})`])),
    })),
    failed: report.summary.failed,
    burningFast: report.summary.burningFast,
  };
}
