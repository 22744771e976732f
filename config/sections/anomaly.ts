/**
 * The anomaly-check Lambda (`anomaly`): how often it runs, how long its
 * alerts live without a refresh, and the checks it runs. A check is a
 * PromQL query scored series by series with a detector from
 * `lambdas/anomaly-check/detectors`; anomalies in the newest interval
 * become alerts posted to every Alertmanager, with the severity, team and
 * labels given here, so the routing of `alertmanager.routing` applies.
 *
 * The checks are bundled with the function at synth time (`checks.json`
 * in its zip), never passed through the environment: a query may be long,
 * there may be many checks, and Lambda allows 4 KB of environment.
 */
import { z } from 'zod';
import { BASELINE_DETECTORS, DETECTOR_NAMES, SENSITIVITIES } from '../../lambdas/anomaly-check/detectors/names';
import { durationToSeconds } from '../units';
import { LabelName, SeveritySchema, TeamName } from './alerting';
import { Duration, shown } from './common';

/** Labels the Lambda sets on every alert itself; a check's `labels` may not set them. */
export const RESERVED_ALERT_LABELS = ['alertname', 'anomaly_check', 'severity', 'team', 'cluster'] as const;

/** Detectors a check may name: every detector but the baselines kept for comparison, plus the `default` alias. */
export const CHECK_DETECTORS = ['default', ...DETECTOR_NAMES.filter((name) => !BASELINE_DETECTORS.includes(name))] as const;

export const CheckName = z
  .string()
  .regex(/^[a-z][-a-z0-9]*$/, { error: (i) => `${shown(i.input)} is not a check name; use lower case letters, digits and "-", e.g. "http-request-rate"` })
  // It is the value of the `anomaly_check` label and of the Pushgateway grouping key.
  .max(63, { error: 'must be at most 63 characters' });

/** An alert name as Alertmanager matches it: a Prometheus metric-name-like identifier. */
const AlertName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: (i) => `${shown(i.input)} is not an alert name; use letters, digits and "_", e.g. "AnomalyDetected"` });

const Detector = z.string().superRefine((name, ctx) => {
  if ((BASELINE_DETECTORS as readonly string[]).includes(name)) {
    ctx.addIssue({ code: 'custom', message: `"${name}" is a baseline kept for comparison on the benchmark, not for production checks; use one of: ${CHECK_DETECTORS.join(', ')}` });
  } else if (!(CHECK_DETECTORS as readonly string[]).includes(name)) {
    ctx.addIssue({ code: 'custom', message: `"${name}" is not a detector; use one of: ${CHECK_DETECTORS.join(', ')}` });
  }
});

const Sensitivity = z.enum(SENSITIVITIES as ['low', 'medium', 'high'], {
  error: (i) => `${shown(i.input)} is not a sensitivity; use low (fewest alarms), medium or high`,
});

/** Points a range query of `lookback` at `step` returns per series (both ends included). */
export function pointsPerSeries(check: { lookback: string; step: string }): number {
  return Math.floor(durationToSeconds(check.lookback) / durationToSeconds(check.step)) + 1;
}

export const AnomalyCheck = z
  .strictObject({
    name: CheckName,
    /** What the check watches, for people reading the alert. */
    description: z.string().default(''),
    /** PromQL returning one or more series; each series is scored on its own. Aggregate (`sum by (service)`) to what should alert. */
    query: z
      .string({ error: (i) => (i.input === undefined ? 'is missing; give the PromQL expression whose series are scored' : `${shown(i.input)} is not a PromQL expression (a string)`) })
      .trim()
      .min(1, { error: 'is empty; give the PromQL expression whose series are scored' }),
    /** Resolution of the range query: one point per step. */
    step: Duration.refine((d) => !Duration.safeParse(d).success || durationToSeconds(d) > 0, { error: 'must be longer than 0' }).default('5m'),
    /**
     * History scored before the newest interval. Long enough for the
     * detector's baselines: the ensemble's daily view needs 2 days, its
     * weekly view 2 weeks. 15 days by default: with 7, a weekly pattern
     * (quieter weekends) cannot be learned and its edges raise false
     * alarms (measured in bench/anomaly-lambda.bench.ts: 0.14 per series
     * and day against none with 15).
     */
    lookback: Duration.default('15d'),
    /** Detector name (`lambdas/anomaly-check/detectors`). */
    detector: Detector.default('ensemble'),
    /**
     * How readily the detector raises alarms. `low` by default: alerts page
     * people, and low means about 0.04-0.10 false alarms per series and
     * day on clean data (docs/anomaly-detection.md).
     */
    sensitivity: Sensitivity.default('low'),
    /** Valid points a series needs before it is scored; younger series are reported, not alerted on. */
    minHistory: z.number().int().min(2, { error: 'must be at least 2' }).default(100),
    severity: SeveritySchema.default('warning'),
    /** `team` label, which `alertmanager.routing.teams` routes on. @default - none (severity routing) */
    team: TeamName.optional(),
    /** Extra labels on every alert of the check; the series' own labels are added too. */
    labels: z.record(z.string(), z.string({ error: (i) => `${shown(i.input)} is not a label value (a string)` })).default({}),
    alertName: AlertName.default('AnomalyDetected'),
    /** @default - the Lambda's runbook (docs/anomaly-check.md) */
    runbookUrl: z.url({ protocol: /^https?$/, error: (i) => `${shown(i.input)} is not an http(s) URL` }).optional(),
    /**
     * New alerts one run may raise for this check; the rest are counted and
     * summed up in one `AnomalyAlertsCapped` alert, so a broken query or a
     * fleet-wide event never floods the receivers.
     */
    maxAlerts: z.number().int().min(1, { error: 'must be at least 1' }).max(1000, { error: 'must be at most 1000; a cap that high caps nothing' }).default(10),
    /** A query returning more series fails the check (with that reason) instead of scoring them all. */
    maxSeries: z.number().int().min(1, { error: 'must be at least 1' }).max(100_000, { error: 'must be at most 100000; score that many series in several checks' }).default(5000),
    enabled: z.boolean().default(true),
  })
  .superRefine((check, ctx) => {
    for (const name of Object.keys(check.labels)) {
      if (!LabelName.safeParse(name).success) {
        ctx.addIssue({ code: 'custom', path: ['labels', name], message: `"${name}" is not a Prometheus label name; use letters, digits and "_", not starting with a digit` });
      } else if ((RESERVED_ALERT_LABELS as readonly string[]).includes(name)) {
        ctx.addIssue({ code: 'custom', path: ['labels', name], message: `"${name}" is set by the Lambda${name === 'team' || name === 'severity' ? ` (use the check's "${name}" field)` : ''}; remove it from labels` });
      }
    }
    // Refinements run even when a field failed its own check: compare only valid durations.
    if (!Duration.safeParse(check.step).success || !Duration.safeParse(check.lookback).success || durationToSeconds(check.step) === 0) return;
    const points = pointsPerSeries(check);
    if (points < check.minHistory + 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['lookback'],
        message: `${check.lookback} at step ${check.step} gives ${points} points, fewer than minHistory (${check.minHistory}) + 1; no point would ever be scored. Lengthen the lookback or lower minHistory`,
      });
    }
  });
export type AnomalyCheck = z.infer<typeof AnomalyCheck>;
export type AnomalyCheckInput = z.input<typeof AnomalyCheck>;

/**
 * The example checks of the default profile, over the conventional HTTP
 * metrics (the ones the alert catalogue and the example SLOs read) and
 * node-exporter. Replace the list with your own.
 */
export const EXAMPLE_CHECKS: AnomalyCheckInput[] = [
  {
    name: 'http-request-rate',
    description: 'Requests per second of each service, against its own daily and weekly pattern: a drop or a surge of traffic.',
    query: 'sum by (service) (rate(http_requests_total[5m]))',
  },
  {
    name: 'http-error-ratio',
    description: 'Share of each service\'s requests answered with a server error (5xx).',
    query: 'sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m]))',
  },
  {
    name: 'http-latency-p95',
    description: '95th percentile of each service\'s request duration.',
    query: 'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))',
  },
  {
    name: 'node-cpu',
    description: 'CPU busy share of each node.',
    query: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
    severity: 'info',
  },
];

/** Where the anomaly alerts' runbook lives, beside the alert runbooks: `docs/anomaly-check.md`. */
export function anomalyRunbookUrl(runbookBaseUrl: string): string {
  return new URL('../anomaly-check.md#runbook', `${runbookBaseUrl.replace(/\/+$/, '')}/`).toString();
}

/**
 * The interval between runs: minutes dividing an hour, or hours dividing
 * a day, so runs start on a fixed grid (`cron(0/15 * * * ? *)`) and each
 * run's newest interval is the grid cell before it.
 */
export const RunInterval = Duration.refine(
  (value) => {
    if (!Duration.safeParse(value).success) return true;
    const seconds = durationToSeconds(value);
    return (seconds % 60 === 0 && 3600 % seconds === 0) || (seconds % 3600 === 0 && 86400 % seconds === 0);
  },
  { error: (i) => `${shown(i.input)} is not a run interval; use minutes that divide an hour ("5m", "10m", "15m", "30m") or hours that divide a day ("1h", "2h", "6h")` },
);

export const AnomalySection = z.strictObject({
  /** Deploy the anomaly-check Lambda. */
  enabled: z.boolean().default(true),
  /** Time between runs; each run looks for new anomalies in the interval since the previous one. */
  interval: RunInterval.default('15m'),
  /**
   * How long an alert stays firing after the last run that saw it: each
   * run refreshes the alerts it keeps, so if the function stops, its
   * alerts expire instead of firing forever. At least two intervals.
   */
  alertExpiry: Duration.default('45m'),
  /** Where alerts link to (`generatorURL`). @default - `https://prometheus.<cluster.domain>` (the Ingress) */
  prometheusExternalUrl: z.url({ protocol: /^https?$/, error: (i) => `${shown(i.input)} is not an http(s) URL` }).optional(),
  memoryMiB: z.number().int().min(128, { error: 'must be 128-10240 MiB (Lambda\'s range)' }).max(10240, { error: 'must be 128-10240 MiB (Lambda\'s range)' }).default(1024),
  /** Must end before the next run starts. */
  timeoutSeconds: z.number().int().min(30, { error: 'must be at least 30 seconds: a run queries every check' }).max(900, { error: 'must be at most 900 seconds (Lambda\'s limit)' }).default(300),
  checks: z.array(AnomalyCheck).default(() => EXAMPLE_CHECKS.map((check) => AnomalyCheck.parse(check))),
});
export type AnomalySection = z.infer<typeof AnomalySection>;
