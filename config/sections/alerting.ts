/**
 * The alert catalogue's knobs: who owns each category of alerts, where the
 * runbooks live, which HTTP metrics the service alerts read, and for every
 * alert (by name) its threshold, its `for` duration, and whether it is on.
 *
 * The defaults here are the catalogue's defaults: `charts/rules/` reads them
 * and nothing else, so a threshold is changed in exactly one place. Ratios
 * are fractions (`0.05` is 5%), latencies and lags are seconds, and the two
 * thresholds that are periods (`NodeDiskFillingUp`, `BackupStale`) are
 * Prometheus durations.
 */
import { z } from 'zod';
import { Duration, shown } from './common';

/** Alert severities, P0 to P3. Routing and inhibition key on these values. */
export const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SeveritySchema = z.enum(SEVERITIES, { error: (i) => `${shown(i.input)} is not a severity; use one of: ${SEVERITIES.join(', ')}` });

/** A team name as it appears in the `team` label and in routing matchers. */
export const TeamName = z
  .string()
  .regex(/^[a-z][-a-z0-9]*$/, { error: (i) => `${shown(i.input)} is not a team name; use lower case letters, digits and "-", e.g. "payments"` });

/** A Prometheus metric name. */
export const MetricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: (i) => `${shown(i.input)} is not a Prometheus metric name` });

/** A Prometheus label name. */
export const LabelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: (i) => `${shown(i.input)} is not a Prometheus label name` });

/** The categories of the catalogue; each is one rule file and has an owning team. */
export const ALERT_CATEGORIES = ['service', 'resources', 'databases', 'queues', 'ai', 'stack', 'security', 'slo'] as const;
export type AlertCategory = (typeof ALERT_CATEGORIES)[number];

/** A rule's defaults: its `for` duration and, when it compares against one, its threshold. */
export interface AlertRuleDefault {
  readonly for: string;
  readonly threshold?: number | string;
}

/**
 * Every alert of the catalogue with its defaults. The names are the alert
 * names (and runbook file names); a test fails when the catalogue and this
 * table disagree.
 */
export const ALERT_RULE_DEFAULTS = {
  // Service
  TargetDown: { for: '30s' },
  ServiceDown: { for: '1m' },
  ServiceErrorRatioWarning: { for: '10m', threshold: 0.05 },
  ServiceErrorRatioCritical: { for: '5m', threshold: 0.1 },
  ServiceLatencyP95Warning: { for: '10m', threshold: 2 },
  ServiceLatencyP95Critical: { for: '5m', threshold: 5 },
  PodCrashLooping: { for: '15m' },
  DeploymentReplicasUnavailable: { for: '10m' },
  StatefulSetReplicasUnavailable: { for: '10m' },
  HpaAtMaxReplicas: { for: '15m' },
  // Resources
  NodeCpuUsageWarning: { for: '15m', threshold: 0.8 },
  NodeCpuUsageHigh: { for: '10m', threshold: 0.9 },
  NodeMemoryUsageWarning: { for: '10m', threshold: 0.85 },
  NodeMemoryUsageHigh: { for: '5m', threshold: 0.95 },
  NodeDiskUsageWarning: { for: '15m', threshold: 0.85 },
  NodeDiskUsageCritical: { for: '5m', threshold: 0.95 },
  NodeDiskFillingUp: { for: '30m', threshold: '4h' },
  PersistentVolumeFillingUp: { for: '5m', threshold: 0.85 },
  NodeNotReady: { for: '5m' },
  NodeMemoryPressure: { for: '5m' },
  NodeDiskPressure: { for: '5m' },
  NodeClockSkew: { for: '10m', threshold: 0.05 },
  NodeNetworkErrors: { for: '15m', threshold: 0.01 },
  // Databases
  PostgresqlDown: { for: '1m' },
  PostgresqlConnectionsNearMax: { for: '5m', threshold: 0.8 },
  PostgresqlReplicationLag: { for: '5m', threshold: 30 },
  PostgresqlDeadlocks: { for: '1m', threshold: 0 },
  RedisDown: { for: '1m' },
  RedisMemoryNearMax: { for: '5m', threshold: 0.9 },
  RedisRejectedConnections: { for: '1m', threshold: 0 },
  // Queues
  QueueDepthHigh: { for: '15m', threshold: 1000 },
  QueueProcessingLagHigh: { for: '15m', threshold: 10000 },
  // AI model services
  AiInferenceLatencyHigh: { for: '10m', threshold: 10 },
  AiInferenceErrorRatioHigh: { for: '10m', threshold: 0.05 },
  AiTokenUsageOverBudget: { for: '15m', threshold: 1_000_000 },
  // The monitoring stack itself
  MonitoringComponentDown: { for: '5m' },
  PrometheusConfigReloadFailed: { for: '10m' },
  PrometheusRuleEvaluationFailures: { for: '15m', threshold: 0 },
  PrometheusNotificationQueueFull: { for: '15m', threshold: 0.9 },
  PrometheusNotificationsFailing: { for: '15m', threshold: 0.01 },
  PrometheusNotConnectedToAlertmanagers: { for: '10m' },
  PrometheusTsdbCompactionsFailing: { for: '15m', threshold: 0 },
  ThanosUploadFailing: { for: '15m', threshold: 0 },
  AlertmanagerConfigReloadFailed: { for: '10m' },
  AlertmanagerClusterPeersMissing: { for: '15m' },
  AlertmanagerNotificationsFailing: { for: '10m', threshold: 0.01 },
  LokiDown: { for: '5m' },
  JaegerDown: { for: '5m' },
  GrafanaDown: { for: '5m' },
  NodeExporterDown: { for: '5m' },
  KubeStateMetricsDown: { for: '5m' },
  BackupStale: { for: '10m', threshold: '26h' },
  ObservabilityCostHigh: { for: '1h', threshold: 0.05 },
  // Security
  AuthFailureRatioHigh: { for: '10m', threshold: 0.2 },
  RateLimitViolationsHigh: { for: '10m', threshold: 0.05 },
  // SLOs (the burn-rate factors are fixed by the multi-window method; see config/slo.ts)
  SloErrorBudgetBurnPage: { for: '2m' },
  SloErrorBudgetBurnTicket: { for: '15m' },
  SloThresholdBucketMissing: { for: '15m' },
} as const satisfies Record<string, AlertRuleDefault>;

export type AlertName = keyof typeof ALERT_RULE_DEFAULTS;
export const ALERT_NAMES = Object.keys(ALERT_RULE_DEFAULTS) as AlertName[];

type ThresholdOf<D> = D extends { threshold: number } ? number : D extends { threshold: string } ? string : undefined;

/** One alert's resolved settings. */
export interface AlertRuleSettings<T = number | string | undefined> {
  /** `false` leaves the alert out of the rule files. */
  readonly enabled: boolean;
  /** How long the condition must hold before the alert fires. */
  readonly for: string;
  /** The value the alert compares against; absent for alerts on a state (down, not ready). */
  readonly threshold: T;
  /** Overrides the catalogue's severity. */
  readonly severity?: Severity;
  /** Overrides the category's team. */
  readonly team?: string;
}

/** The settings of every alert, typed per alert (numeric or duration threshold). */
export type AlertRulesSettings = { readonly [K in AlertName]: AlertRuleSettings<ThresholdOf<(typeof ALERT_RULE_DEFAULTS)[K]>> };

/** What a user may write for one alert. */
export interface AlertRuleOverride {
  enabled?: boolean;
  for?: string;
  threshold?: number | string;
  severity?: Severity;
  team?: string;
}

function ruleSettingsSchema(name: string, defaults: AlertRuleDefault) {
  const threshold =
    defaults.threshold === undefined
      ? z.undefined({ error: `${name} compares no value, so it has no threshold; change its "for" or disable it instead` }).optional()
      : typeof defaults.threshold === 'number'
        ? z.number({ error: (i) => `${shown(i.input)} is not a number; ${name} compares a number (default ${defaults.threshold})` }).default(defaults.threshold)
        : Duration.default(defaults.threshold);
  return z
    .strictObject({
      enabled: z.boolean().default(true),
      for: Duration.default(defaults.for),
      threshold,
      severity: SeveritySchema.optional(),
      team: TeamName.optional(),
    })
    .prefault({});
}

/** Per-alert settings: an object with one strict entry per alert, so a misspelt alert name is refused with a suggestion. */
const AlertRulesSchema = z.strictObject(
  Object.fromEntries(Object.entries(ALERT_RULE_DEFAULTS).map(([name, defaults]) => [name, ruleSettingsSchema(name, defaults)])),
) as unknown as z.ZodType<AlertRulesSettings, { [K in AlertName]?: AlertRuleOverride }>;

export const AlertingSection = z.strictObject({
  /**
   * Where `docs/runbooks/` of this repository is browsable; every alert's
   * `runbook_url` is `<runbookBaseUrl>/<AlertName>.md`. Point it at your fork.
   */
  runbookBaseUrl: z
    .url({ error: (i) => `${shown(i.input)} is not an absolute URL` })
    .refine((url) => !url.endsWith('/'), { error: 'must not end with "/"; the alert name is appended as "/<AlertName>.md"' })
    .default('https://github.com/example-org/monitoring-stack/blob/main/docs/runbooks'),
  /** The team label of each category's alerts; a rule's own `team` override wins. */
  teams: z
    .strictObject({
      service: TeamName.default('backend'),
      resources: TeamName.default('platform'),
      databases: TeamName.default('database'),
      queues: TeamName.default('backend'),
      ai: TeamName.default('ml'),
      stack: TeamName.default('platform'),
      security: TeamName.default('platform'),
      /** Burn-rate alerts of SLOs that name no team of their own. */
      slo: TeamName.default('backend'),
    })
    .prefault({}),
  /** Window of the rate-based service, AI and security alerts. */
  rateWindow: Duration.default('5m'),
  /** The conventional HTTP server metrics the service and security alerts read. */
  http: z
    .strictObject({
      /** Counter of requests, labelled with the status code. */
      requestsTotal: MetricName.default('http_requests_total'),
      /** Histogram of request durations in seconds (base name, without `_bucket`). */
      durationHistogram: MetricName.default('http_request_duration_seconds'),
      /** Label holding the HTTP status code (`code` in Go and most exporters; `status_code` in some Node apps). */
      statusCodeLabel: LabelName.default('code'),
    })
    .prefault({}),
  /** Per-alert overrides by alert name: `{ NodeCpuUsageWarning: { threshold: 0.7, for: '30m' }, HpaAtMaxReplicas: { enabled: false } }`. */
  rules: AlertRulesSchema.prefault({}),
});
export type AlertingSection = z.infer<typeof AlertingSection>;
