/**
 * The anomaly-check Lambda's settings, read from its environment exactly
 * as AWS sets it (the stack writes these variables; the local runner
 * builds the same map from its flags). No variable holds a secret, and
 * the checks are not in the environment: they are a file bundled with the
 * function (`checks.json`), named by CHECKS_FILE.
 */
import { isAbsolute, join } from 'node:path';
import { EnvReader } from '../shared/env';

export interface AnomalySettings {
  /** The `cluster` label of every alert, and the Pushgateway grouping. */
  readonly clusterName: string;
  readonly prometheusUrl: string;
  /** Base of the alerts' `generatorURL` (the Prometheus people open). */
  readonly prometheusExternalUrl: string;
  /** Every Alertmanager replica: alerts are not gossiped between peers, so each gets every alert. */
  readonly alertmanagerUrls: readonly string[];
  /** @default - no metrics pushed */
  readonly pushgatewayUrl?: string;
  /** SNS topic of the run summaries. @default - no summary published */
  readonly topicArn?: string;
  readonly region?: string;
  /** SNS endpoint (tests, local runs); unset in AWS. */
  readonly snsEndpoint?: string;
  /** Absolute path of the checks file. */
  readonly checksFile: string;
  /** Checks to run by name; empty: every enabled check. */
  readonly checkNames: readonly string[];
  /** Time between scheduled runs; a run looks for new anomalies in the interval before it. */
  readonly intervalMs: number;
  /** Lifetime of a firing alert that no later run refreshes. */
  readonly alertExpiryMs: number;
  /** Runbook of alerts whose check names none. */
  readonly runbookUrl?: string;
  /** Timeout of one request to Prometheus (Alertmanager and the Pushgateway get at most 10 s). */
  readonly httpTimeoutMs: number;
  /** Score and decide, but post, publish and push nothing. */
  readonly dryRun: boolean;
}

/** The environment variables, by setting; the stack writes exactly these. */
export const ANOMALY_ENV = {
  clusterName: 'CLUSTER_NAME',
  prometheusUrl: 'PROMETHEUS_URL',
  prometheusExternalUrl: 'PROMETHEUS_EXTERNAL_URL',
  alertmanagerUrls: 'ALERTMANAGER_URLS',
  pushgatewayUrl: 'PUSHGATEWAY_URL',
  topicArn: 'ALERT_TOPIC_ARN',
  region: 'AWS_REGION',
  snsEndpoint: 'SNS_ENDPOINT',
  checksFile: 'CHECKS_FILE',
  checkNames: 'CHECKS',
  interval: 'INTERVAL',
  alertExpiry: 'ALERT_EXPIRY',
  runbookUrl: 'RUNBOOK_URL',
  httpTimeoutMs: 'HTTP_TIMEOUT_MS',
  dryRun: 'DRY_RUN',
} as const;

/** Where Lambda unpacks the function's zip; relative CHECKS_FILE paths start there. */
const TASK_ROOT = 'LAMBDA_TASK_ROOT';

/** Read and check every setting; throws an `EnvError` naming each missing or bad variable. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>, cwd: string = process.cwd()): AnomalySettings {
  const e = new EnvReader(env);
  const E = ANOMALY_ENV;
  const prometheusUrl = e.url(E.prometheusUrl);
  const alertmanagerUrls = e.list(E.alertmanagerUrls);
  const checksFile = e.optionalString(E.checksFile) ?? 'checks.json';
  const settings: AnomalySettings = {
    clusterName: e.string(E.clusterName),
    prometheusUrl,
    prometheusExternalUrl: e.url(E.prometheusExternalUrl, true) ?? prometheusUrl,
    alertmanagerUrls: alertmanagerUrls.map((url, i) => checkedUrl(e, `${E.alertmanagerUrls}[${i}]`, url)),
    pushgatewayUrl: e.url(E.pushgatewayUrl, true),
    topicArn: e.arn(E.topicArn, 'sns', true),
    region: e.optionalString(E.region),
    snsEndpoint: e.url(E.snsEndpoint, true),
    checksFile: isAbsolute(checksFile) ? checksFile : join(env[TASK_ROOT] ?? cwd, checksFile),
    checkNames: e.list(E.checkNames),
    intervalMs: e.durationSeconds(E.interval, '15m') * 1000,
    alertExpiryMs: e.durationSeconds(E.alertExpiry, '45m') * 1000,
    runbookUrl: e.url(E.runbookUrl, true),
    httpTimeoutMs: e.int(E.httpTimeoutMs, { fallback: 30_000, min: 100, max: 300_000 }),
    dryRun: e.bool(E.dryRun, false),
  };
  if (alertmanagerUrls.length === 0) e.problem(`${E.alertmanagerUrls} is not set; list every Alertmanager replica, comma-separated (alerts are not gossiped between them)`);
  if (settings.topicArn && !settings.region) e.problem(`${E.region} is not set; the SNS client needs the topic's region`);
  if (settings.intervalMs <= 0) e.problem(`${E.interval} must be longer than 0`);
  if (settings.alertExpiryMs < 2 * settings.intervalMs) e.problem(`${E.alertExpiry} (${settings.alertExpiryMs / 1000}s) must be at least twice ${E.interval} (${settings.intervalMs / 1000}s), or alerts expire between runs`);
  e.assertValid();
  return settings;
}

/** One URL of a list, checked as `EnvReader.url` checks a single one; without trailing slashes. */
function checkedUrl(e: EnvReader, name: string, url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
  } catch {
    e.problem(`${name}="${url}" is not an http(s) URL such as "http://alertmanager-0.internal.example.com:9093"`);
  }
  return url.replace(/\/+$/, '');
}
