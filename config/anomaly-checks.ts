/**
 * Cross-field checks of the `anomaly` section, registered in CONFIG_CHECKS.
 * Each returns the problems it finds, with the field and the fix.
 */
import type { ConfigIssue } from './errors';
import type { MonitoringConfig } from './schema';
import { durationToSeconds } from './units';

type ConfigCheck = (config: MonitoringConfig) => ConfigIssue[];

export const checkAnomalyCheckNamesUnique: ConfigCheck = ({ anomaly }) => {
  const seen = new Set<string>();
  return anomaly.checks.flatMap((check, i) => {
    if (!seen.has(check.name)) {
      seen.add(check.name);
      return [];
    }
    return [{ path: `anomaly.checks.${i}.name`, message: `check "${check.name}" is defined twice; names label the alerts and the pushed metrics, so they must be unique` }];
  });
};

/** Each run scores the points of the newest interval: it must hold whole steps, at least one. */
export const checkAnomalyStepFitsInterval: ConfigCheck = ({ anomaly }) => {
  const interval = durationToSeconds(anomaly.interval);
  return anomaly.checks.flatMap((check, i) => {
    const step = durationToSeconds(check.step);
    if (step > interval) {
      return [{ path: `anomaly.checks.${i}.step`, message: `${check.step} is longer than anomaly.interval (${anomaly.interval}); some runs would have no new point to score. Use a step of at most ${anomaly.interval}` }];
    }
    if (interval % step !== 0) {
      return [{ path: `anomaly.checks.${i}.step`, message: `${check.step} does not divide anomaly.interval (${anomaly.interval}); runs would score a varying number of points. Use a step that divides it, e.g. "5m" for "15m"` }];
    }
    return [];
  });
};

/** With one run at a time (reserved concurrency 1), a run still going when the next starts makes the next one throttle. */
export const checkAnomalyTimeoutWithinInterval: ConfigCheck = ({ anomaly }) =>
  anomaly.timeoutSeconds >= durationToSeconds(anomaly.interval)
    ? [{ path: 'anomaly.timeoutSeconds', message: `${anomaly.timeoutSeconds} is not shorter than anomaly.interval (${anomaly.interval}); a slow run would still hold the function when the next one is due. Use a timeout below ${durationToSeconds(anomaly.interval)} seconds` }]
    : [];

/** Alerts are refreshed once per run; an expiry under two intervals resolves them between runs. */
export const checkAnomalyAlertExpiry: ConfigCheck = ({ anomaly }) =>
  durationToSeconds(anomaly.alertExpiry) < 2 * durationToSeconds(anomaly.interval)
    ? [{ path: 'anomaly.alertExpiry', message: `${anomaly.alertExpiry} is less than two anomaly.interval (${anomaly.interval}); alerts would resolve between runs (or after one late run) and fire again. Use at least ${2 * durationToSeconds(anomaly.interval) / 60}m` }]
    : [];

export const ANOMALY_CONFIG_CHECKS: readonly ConfigCheck[] = [checkAnomalyCheckNamesUnique, checkAnomalyStepFitsInterval, checkAnomalyTimeoutWithinInterval, checkAnomalyAlertExpiry];
