/**
 * From measurements to alerts: what to raise, keep, resolve or hold back.
 *
 * The memory of what is firing is Alertmanager's own list of active
 * alerts (`GET /api/v2/alerts`, filtered to this cluster's anomaly
 * alerts, merged over every replica), not a recomputation from scores.
 * Why: each run scores a window that starts 15 minutes later than the
 * previous one, so a score recomputed for an old point can differ from
 * what the previous run saw; the previous decision is what Alertmanager
 * holds, and it is also what people see. It survives missed runs (a late
 * run resolves what an earlier one raised) and needs no store of our own.
 *
 * For each series (the alert's labels are its identity):
 * - firing in Alertmanager, scored now: kept (refreshed `endsAt`) while the
 *   newest score is >= 0.5, resolved below (the detectors' episode rule);
 * - firing, but stale or too short now: left alone, so it expires after
 *   `alertExpiry` unless data comes back (no data is no evidence either way);
 * - firing, but no longer returned by the query: resolved ("vanished");
 * - not firing, with an alarm in the newest interval: a candidate; the
 *   `maxAlerts` candidates with the highest scores are raised, the rest
 *   held back and summed up in one `AnomalyAlertsCapped` alert, which stays
 *   while series it covers are still anomalous.
 * A new alarm on a series whose spike is already over is still raised:
 * it notifies, and the next run resolves it.
 */
import { type AlertContext, CAPPED_ALERT_NAME, cappedAlert, cappedAlertLabels, firingAlert, labelSetKey, type PostableAlert, type ResolveReason, resolvedAlert, alertLabels } from './alert-builder';
import type { CheckEvaluation, SeriesEvaluation } from './evaluate-check';

/** A score at or above this keeps an alert firing: the medium threshold of every detector. */
export const KEEP_SCORE = 0.5;

/** An alert Alertmanager reports as active. */
export interface KnownAlert {
  readonly labels: Readonly<Record<string, string>>;
  /** RFC 3339. */
  readonly startsAt: string;
}

/** One change people are told about (SNS summary). */
export type AlertEvent =
  | { readonly kind: 'fired'; readonly labels: Readonly<Record<string, string>>; readonly value: number; readonly score: number; readonly at: number }
  | { readonly kind: 'resolved'; readonly labels: Readonly<Record<string, string>>; readonly reason: ResolveReason };

export interface CheckDecision {
  readonly fire: PostableAlert[];
  readonly keep: PostableAlert[];
  readonly resolve: PostableAlert[];
  readonly events: AlertEvent[];
  /** Series with a new anomalous episode in the interval and no alert yet (before the cap). */
  readonly newAnomalies: number;
  /** New anomalies held back by the cap. */
  readonly suppressed: number;
  /** Firing alerts of stale or too-short series, left to expire. */
  readonly expiring: number;
  /** Series whose alert labels equal another series' (dropping `__name__` can do that); only the first is alerted. */
  readonly duplicateSeries: number;
  /** Whether the capped alert is (still) firing after this run. */
  readonly capped: boolean;
}

export interface DecideOptions {
  readonly nowMs: number;
  readonly alertExpiryMs: number;
  readonly context: AlertContext;
}

/** Decide one check's alerts from its evaluation and the alerts Alertmanager holds for it. */
export function decideAlerts(evaluation: CheckEvaluation, known: readonly KnownAlert[], options: DecideOptions): CheckDecision {
  const { check } = evaluation;
  const { nowMs, context } = options;
  const endsAt = nowMs + options.alertExpiryMs;
  const knownByKey = new Map(known.map((alert) => [labelSetKey(alert.labels), alert]));
  const cappedKey = labelSetKey(cappedAlertLabels(check, context));

  const bySeries = new Map<string, { series: SeriesEvaluation; labels: Record<string, string> }>();
  let duplicateSeries = 0;
  for (const series of evaluation.series) {
    const labels = alertLabels(check, series.labels, context);
    const key = labelSetKey(labels);
    if (bySeries.has(key) || key === cappedKey) duplicateSeries++;
    else bySeries.set(key, { series, labels });
  }

  const fire: PostableAlert[] = [];
  const keep: PostableAlert[] = [];
  const resolve: PostableAlert[] = [];
  const events: AlertEvent[] = [];
  const candidates: Array<{ series: SeriesEvaluation; labels: Record<string, string>; value: number; score: number; at: number }> = [];
  let expiring = 0;
  let uncovered = 0;

  for (const [key, { series, labels }] of bySeries) {
    const firing = knownByKey.get(key);
    if (firing) {
      if (series.state !== 'scored') {
        expiring++;
      } else if (series.lastScore >= KEEP_SCORE) {
        keep.push(firingAlert(check, { seriesLabels: series.labels, value: series.lastValue, score: series.lastScore, at: series.lastTimestamp, startsAt: Date.parse(firing.startsAt) }, endsAt, context));
      } else {
        const reason: ResolveReason = { kind: 'normal', score: series.lastScore, value: series.lastValue, at: series.lastTimestamp };
        resolve.push(resolvedAlert(check, labels, firing.startsAt, reason, nowMs, context));
        events.push({ kind: 'resolved', labels, reason });
      }
    } else if (series.alarms.length > 0) {
      const strongest = series.alarms.reduce((a, b) => (b.score > a.score ? b : a));
      candidates.push({ series, labels, value: strongest.value, score: strongest.score, at: strongest.timestamp });
    } else if (series.state === 'scored' && series.lastScore >= KEEP_SCORE) {
      // Anomalous without an alert of its own: held back by an earlier run's cap.
      uncovered++;
    }
  }
  for (const [key, alert] of knownByKey) {
    if (key === cappedKey || bySeries.has(key)) continue;
    resolve.push(resolvedAlert(check, alert.labels, alert.startsAt, { kind: 'vanished' }, nowMs, context));
    events.push({ kind: 'resolved', labels: alert.labels, reason: { kind: 'vanished' } });
  }

  candidates.sort((a, b) => b.score - a.score);
  const alerted = candidates.slice(0, check.maxAlerts);
  const heldBack = candidates.slice(check.maxAlerts);
  for (const candidate of alerted) {
    fire.push(firingAlert(check, { seriesLabels: candidate.series.labels, value: candidate.value, score: candidate.score, at: candidate.at, startsAt: candidate.at }, endsAt, context));
    events.push({ kind: 'fired', labels: candidate.labels, value: candidate.value, score: candidate.score, at: candidate.at });
  }
  uncovered += heldBack.filter((c) => c.series.state === 'scored' && c.series.lastScore >= KEEP_SCORE).length;

  const cappedFiring = knownByKey.get(cappedKey);
  const counts = { newAnomalies: candidates.length, alerted: alerted.length, uncovered };
  let capped = false;
  if (heldBack.length > 0 || (cappedFiring && uncovered > 0)) {
    capped = true;
    const alert = cappedAlert(check, counts, cappedFiring ? Date.parse(cappedFiring.startsAt) : nowMs, endsAt, context);
    if (cappedFiring) keep.push(alert);
    else {
      fire.push(alert);
      events.push({ kind: 'fired', labels: alert.labels, value: candidates.length, score: NaN, at: nowMs });
    }
  } else if (cappedFiring) {
    resolve.push(resolvedAlert(check, cappedFiring.labels, cappedFiring.startsAt, { kind: 'uncapped' }, nowMs, context));
    events.push({ kind: 'resolved', labels: cappedFiring.labels, reason: { kind: 'uncapped' } });
  }

  return { fire, keep, resolve, events, newAnomalies: candidates.length, suppressed: heldBack.length, expiring, duplicateSeries, capped };
}

/** Whether an event is about the capped alert rather than a series. */
export function isCappedEvent(event: AlertEvent): boolean {
  return event.labels.alertname === CAPPED_ALERT_NAME;
}
