/**
 * Cross-field checks of the `alerting` and `slos` sections, registered in
 * CONFIG_CHECKS. Each returns the problems it finds, with the field and the fix.
 */
import type { ConfigIssue } from './errors';
import type { MonitoringConfig } from './schema';
import { SLO_WINDOWS } from './slo';
import { durationToSeconds } from './units';

type ConfigCheck = (config: MonitoringConfig) => ConfigIssue[];

/** The longest burn-rate window; an SLO window shorter than it makes the slow-burn ticket meaningless. */
const LONGEST_BURN_WINDOW = SLO_WINDOWS[SLO_WINDOWS.length - 1];

export const checkSloNamesUnique: ConfigCheck = ({ slos }) => {
  const seen = new Set<string>();
  return slos.flatMap((slo, index) => {
    if (!seen.has(slo.name)) {
      seen.add(slo.name);
      return [];
    }
    return [{ path: `slos.${index}.name`, message: `SLO "${slo.name}" is defined twice; the name labels its recorded series, so it must be unique` }];
  });
};

export const checkSloWindowCoversBurnWindows: ConfigCheck = ({ slos }) =>
  slos.flatMap((slo, index) =>
    durationToSeconds(slo.window) < durationToSeconds(LONGEST_BURN_WINDOW)
      ? [{ path: `slos.${index}.window`, message: `${slo.window} is shorter than the ${LONGEST_BURN_WINDOW} window of the slow-burn ticket; use at least ${LONGEST_BURN_WINDOW} (30d is usual)` }]
      : [],
  );

export const ALERTING_CONFIG_CHECKS: readonly ConfigCheck[] = [checkSloNamesUnique, checkSloWindowCoversBurnWindows];
