/**
 * Cross-field checks of the `slas` section and the SLA report, registered
 * in CONFIG_CHECKS. Each returns the problems it finds, with the field and
 * the fix.
 */
import type { ConfigIssue } from './errors';
import type { MonitoringConfig } from './schema';

type ConfigCheck = (config: MonitoringConfig) => ConfigIssue[];

/** SLOs and SLAs share one namespace: the report, its metrics and its objects are keyed by name. */
export const checkSlaNamesUnique: ConfigCheck = ({ slos, slas }) => {
  const seen = new Set(slos.map((slo) => slo.name));
  return slas.flatMap((sla, index) => {
    if (!seen.has(sla.name)) {
      seen.add(sla.name);
      return [];
    }
    return [{ path: `slas.${index}.name`, message: `"${sla.name}" is already the name of an SLO or SLA; the SLA report keys its figures by name, so use another` }];
  });
};

export const SLA_CONFIG_CHECKS: readonly ConfigCheck[] = [checkSlaNamesUnique];
