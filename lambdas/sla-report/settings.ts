/**
 * The SLA report Lambda's settings, read from its environment exactly as
 * AWS sets it (the stack writes these variables; the local runner builds
 * the same map from its flags). No variable holds a secret.
 */
import { EnvReader } from '../shared/env';
import { checkTimeZone } from './periods';

/** Where a report goes: the bucket, the topic, the Pushgateway. */
export const REPORT_OUTPUTS = ['s3', 'sns', 'pushgateway'] as const;
export type ReportOutput = (typeof REPORT_OUTPUTS)[number];

export interface SlaReportSettings {
  readonly clusterName: string;
  readonly region: string;
  readonly prometheusUrl: string;
  readonly timeZone: string;
  /** A period with data for less of its time has no verdict. */
  readonly minCoverage: number;
  /** The definitions file; relative paths are beside the handler. */
  readonly definitionsFile: string;
  readonly outputs: ReadonlySet<ReportOutput>;
  readonly bucket?: string;
  /** Key prefix of the reports, without slashes. */
  readonly prefix: string;
  readonly kmsKeyArn?: string;
  readonly topicArn?: string;
  readonly pushgatewayUrl?: string;
  /** Timeout of one Prometheus query. */
  readonly prometheusTimeoutMs: number;
  /** Timeout of one request to the Pushgateway. */
  readonly httpTimeoutMs: number;
  /** Objectives computed at once. */
  readonly concurrency: number;
  /** S3-compatible endpoint (local runs and tests); unset in AWS. */
  readonly s3Endpoint?: string;
  /** SNS endpoint (tests); unset in AWS. */
  readonly snsEndpoint?: string;
}

/** The environment variables, by setting; the stack writes exactly these. */
export const SLA_REPORT_ENV = {
  clusterName: 'CLUSTER_NAME',
  region: 'AWS_REGION',
  prometheusUrl: 'PROMETHEUS_URL',
  timeZone: 'SLA_TIME_ZONE',
  minCoverage: 'SLA_MIN_COVERAGE',
  definitionsFile: 'SLA_DEFINITIONS_FILE',
  outputs: 'SLA_OUTPUTS',
  bucket: 'REPORT_BUCKET',
  prefix: 'REPORT_PREFIX',
  kmsKeyArn: 'REPORT_KMS_KEY_ARN',
  topicArn: 'ALERT_TOPIC_ARN',
  pushgatewayUrl: 'PUSHGATEWAY_URL',
  prometheusTimeoutMs: 'PROMETHEUS_TIMEOUT_MS',
  httpTimeoutMs: 'HTTP_TIMEOUT_MS',
  concurrency: 'SLA_CONCURRENCY',
  s3Endpoint: 'S3_ENDPOINT',
  snsEndpoint: 'SNS_ENDPOINT',
} as const;

/** Read and check every setting; throws an `EnvError` naming each missing or bad variable. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): SlaReportSettings {
  const e = new EnvReader(env);
  const E = SLA_REPORT_ENV;
  // "none": a local run that only writes files.
  const outputs = e.optionalString(E.outputs)?.trim() === 'none' ? [] : e.list(E.outputs, [...REPORT_OUTPUTS]);
  const unknown = outputs.filter((o) => !(REPORT_OUTPUTS as readonly string[]).includes(o));
  if (unknown.length > 0) e.problem(`${E.outputs}="${env[E.outputs]}" names ${unknown.join(', ')}; use a comma-separated subset of ${REPORT_OUTPUTS.join(',')}, or none`);
  const wanted = new Set(outputs.filter((o): o is ReportOutput => (REPORT_OUTPUTS as readonly string[]).includes(o)));
  const timeZone = e.optionalString(E.timeZone) ?? 'UTC';
  try {
    checkTimeZone(timeZone);
  } catch (error) {
    e.problem(`${E.timeZone}: ${(error as Error).message}`);
  }
  const coverageText = e.optionalString(E.minCoverage) ?? '0.9';
  const minCoverage = Number(coverageText);
  if (!/^\d*\.?\d+$/.test(coverageText.trim()) || !(minCoverage >= 0 && minCoverage <= 1)) e.problem(`${E.minCoverage}="${coverageText}" is not a share between 0 and 1 such as 0.9`);
  const settings: SlaReportSettings = {
    clusterName: e.string(E.clusterName),
    region: e.string(E.region),
    prometheusUrl: e.url(E.prometheusUrl),
    timeZone,
    minCoverage,
    definitionsFile: e.optionalString(E.definitionsFile) ?? 'sla-definitions.json',
    outputs: wanted,
    bucket: wanted.has('s3') ? e.string(E.bucket) : e.optionalString(E.bucket),
    prefix: (e.optionalString(E.prefix) ?? 'sla-reports').replace(/^\/+|\/+$/g, ''),
    kmsKeyArn: wanted.has('s3') ? e.arn(E.kmsKeyArn, 'kms') : e.arn(E.kmsKeyArn, 'kms', true),
    topicArn: wanted.has('sns') ? e.arn(E.topicArn, 'sns') : e.arn(E.topicArn, 'sns', true),
    pushgatewayUrl: wanted.has('pushgateway') ? e.url(E.pushgatewayUrl) : e.url(E.pushgatewayUrl, true),
    prometheusTimeoutMs: e.int(E.prometheusTimeoutMs, { fallback: 30_000, min: 100, max: 300_000 }),
    httpTimeoutMs: e.int(E.httpTimeoutMs, { fallback: 10_000, min: 100, max: 300_000 }),
    concurrency: e.int(E.concurrency, { fallback: 4, min: 1, max: 32 }),
    s3Endpoint: e.url(E.s3Endpoint, true),
    snsEndpoint: e.url(E.snsEndpoint, true),
  };
  if (settings.prefix === '') e.problem(`${E.prefix} is empty; the reports need a prefix of their own, e.g. "sla-reports"`);
  e.assertValid();
  return settings;
}
