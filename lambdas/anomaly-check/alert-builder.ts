/**
 * Alerts as Alertmanager's API v2 takes them (`POST /api/v2/alerts`).
 * Labels identify an alert (Alertmanager fingerprints them), so they hold
 * only what is stable for one anomalous series: the alert name, the
 * check, the series' own labels, severity, team, cluster and the check's
 * extra labels. What changes from run to run (value, score) goes into the
 * annotations.
 *
 * @see https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
 */
import type { AnomalyCheck } from './checks-file';

/** An alert to post. */
export interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** RFC 3339. */
  readonly startsAt: string;
  /** RFC 3339; in the past (or now) resolves the alert. */
  readonly endsAt: string;
  readonly generatorURL: string;
}

/** The label that marks the Lambda's alerts and names their check. */
export const CHECK_LABEL = 'anomaly_check';

/** Alert name of the one alert that says a check hit its cap. */
export const CAPPED_ALERT_NAME = 'AnomalyAlertsCapped';

/** Labels the Lambda always sets; a series label of the same name is kept as `exported_<name>`. */
const OVERRIDDEN = ['alertname', CHECK_LABEL, 'severity', 'cluster'];

/** What every alert of a run shares. */
export interface AlertContext {
  readonly clusterName: string;
  /** Base of `generatorURL`. */
  readonly prometheusExternalUrl: string;
  /** Runbook of checks that name none. */
  readonly runbookUrl?: string;
}

/**
 * The labels of a series' alert. Like Prometheus's alerting rules, the
 * metric name (`__name__`) is dropped and the check's labels win over
 * the series'; empty values are dropped (Alertmanager treats them as absent).
 */
export function alertLabels(check: AnomalyCheck, seriesLabels: Readonly<Record<string, string>>, context: Pick<AlertContext, 'clusterName'>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(seriesLabels)) {
    if (name === '__name__' || value === '') continue;
    labels[OVERRIDDEN.includes(name) || (name === 'team' && check.team) ? `exported_${name}` : name] = value;
  }
  Object.assign(labels, check.labels, { alertname: check.alertName, [CHECK_LABEL]: check.name, severity: check.severity, cluster: context.clusterName });
  if (check.team) labels.team = check.team;
  return labels;
}

/** The labels of a check's "capped" alert. */
export function cappedAlertLabels(check: AnomalyCheck, context: Pick<AlertContext, 'clusterName'>): Record<string, string> {
  return {
    ...check.labels,
    alertname: CAPPED_ALERT_NAME,
    [CHECK_LABEL]: check.name,
    severity: check.severity,
    cluster: context.clusterName,
    ...(check.team ? { team: check.team } : {}),
  };
}

/** A stable identity of a label set (the same labels in any order give the same key). */
export function labelSetKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
}

/** The Prometheus graph of the check's query, as Prometheus links its own alerts. */
export function generatorUrl(base: string, query: string): string {
  return `${base.replace(/\/+$/, '')}/graph?g0.expr=${encodeURIComponent(query)}&g0.tab=0&g0.range_input=1d`;
}

/** A series' labels as PromQL writes them, for people: `{service="api"}`. */
export function describeSeries(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .filter((name) => name !== '__name__')
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`);
  const text = `{${pairs.join(', ')}}`;
  return text.length > 200 ? `${text.slice(0, 197)}...}` : text;
}

/** A value for people: up to 6 significant digits, no exponent for ordinary magnitudes. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** A score for people and annotations: 3 decimals. */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(3) : 'n/a';
}

/** What a firing alert reports about its series. */
export interface FiringFacts {
  readonly seriesLabels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly score: number;
  /** When the value was seen (UTC ms). */
  readonly at: number;
  /** Start of the episode (UTC ms). */
  readonly startsAt: number;
}

/** A firing alert, alive until `endsAt` unless a later run refreshes or resolves it. */
export function firingAlert(check: AnomalyCheck, facts: FiringFacts, endsAtMs: number, context: AlertContext): PostableAlert {
  const series = describeSeries(facts.seriesLabels);
  const at = new Date(facts.at).toISOString();
  return {
    labels: alertLabels(check, facts.seriesLabels, context),
    annotations: {
      summary: `Anomaly in ${check.name} ${series}: ${formatValue(facts.value)} at ${at} (score ${formatScore(facts.score)})`,
      description:
        `${check.description ? `${check.description} ` : ''}The ${check.detector} detector (sensitivity ${check.sensitivity}) finds ${formatValue(facts.value)} at ${at} unusual for this series, against its own last ${check.lookback}: ` +
        `score ${formatScore(facts.score)}, where 0.5 is the detector's medium threshold. The alert resolves when the score falls below 0.5. Query: ${check.query}`,
      score: formatScore(facts.score),
      value: formatValue(facts.value),
      ...(check.runbookUrl ?? context.runbookUrl ? { runbook_url: (check.runbookUrl ?? context.runbookUrl)! } : {}),
    },
    startsAt: new Date(facts.startsAt).toISOString(),
    endsAt: new Date(endsAtMs).toISOString(),
    generatorURL: generatorUrl(context.prometheusExternalUrl, check.query),
  };
}

/** Why an alert is resolved. */
export type ResolveReason = { readonly kind: 'normal'; readonly score: number; readonly value: number; readonly at: number } | { readonly kind: 'vanished' } | { readonly kind: 'uncapped' };

/** The same alert (by its labels) with `endsAt` now: Alertmanager resolves it and notifies the resolution. */
export function resolvedAlert(check: AnomalyCheck, labels: Readonly<Record<string, string>>, startsAt: string, reason: ResolveReason, nowMs: number, context: AlertContext): PostableAlert {
  const series = describeSeries(Object.fromEntries(Object.entries(labels).filter(([name]) => !['alertname', CHECK_LABEL, 'severity', 'cluster', 'team', ...Object.keys(check.labels)].includes(name))));
  const summary =
    reason.kind === 'normal'
      ? `Anomaly in ${check.name} ${series} is over: ${formatValue(reason.value)} at ${new Date(reason.at).toISOString()} (score ${formatScore(reason.score)})`
      : reason.kind === 'vanished'
        ? `Anomaly in ${check.name} ${series} resolved: the query no longer returns this series`
        : `Check ${check.name} is back under its cap of ${check.maxAlerts} new alerts per run`;
  const runbook = check.runbookUrl ?? context.runbookUrl;
  return {
    labels: { ...labels },
    annotations: {
      summary,
      description: `${summary}. ${check.description ? `${check.description} ` : ''}Query: ${check.query}`,
      ...(reason.kind === 'normal' ? { score: formatScore(reason.score), value: formatValue(reason.value) } : {}),
      ...(runbook ? { runbook_url: runbook } : {}),
    },
    startsAt,
    endsAt: new Date(Math.max(nowMs, Date.parse(startsAt))).toISOString(),
    generatorURL: generatorUrl(context.prometheusExternalUrl, check.query),
  };
}

/** What a check's cap held back: new anomalies this run, how many were alerted, and series anomalous without an alert of their own. */
export interface CapCounts {
  readonly newAnomalies: number;
  readonly alerted: number;
  readonly uncovered: number;
}

/** The alert that sums up what a check's cap held back. */
export function cappedAlert(check: AnomalyCheck, counts: CapCounts, startsAtMs: number, endsAtMs: number, context: AlertContext): PostableAlert {
  const runbook = check.runbookUrl ?? context.runbookUrl;
  const summary =
    counts.newAnomalies > counts.alerted
      ? `${counts.newAnomalies} series of check ${check.name} turned anomalous in one run; alerted the ${counts.alerted} with the highest scores`
      : `${counts.uncovered} series of check ${check.name} are still anomalous without an alert of their own`;
  return {
    labels: cappedAlertLabels(check, context),
    annotations: {
      summary,
      description:
        `${summary}. A check raises at most maxAlerts (${check.maxAlerts}) new alerts per run: more at once means a fleet-wide event, a changed query or a broken exporter, ` +
        `better seen as one alert than as a flood. The anomaly_check_alerts{action="suppressed"} metric counts the ones held back. Query: ${check.query}`,
      new_anomalies: String(counts.newAnomalies),
      alerted: String(counts.alerted),
      uncovered_series: String(counts.uncovered),
      ...(runbook ? { runbook_url: runbook } : {}),
    },
    startsAt: new Date(startsAtMs).toISOString(),
    endsAt: new Date(endsAtMs).toISOString(),
    generatorURL: generatorUrl(context.prometheusExternalUrl, check.query),
  };
}
