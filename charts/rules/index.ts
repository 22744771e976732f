/**
 * The alert catalogue: every rule file the stack ships, in the order they
 * are listed in the ConfigMap, built from the configuration. Each category
 * is one file; thresholds, `for` durations, teams and per-alert overrides
 * come from `alerting` in the configuration, SLO rules from `slos`.
 */
import type { MonitoringConfig } from '../../config';
import { aiRules } from './ai';
import { databasesRules } from './databases';
import { queuesRules } from './queues';
import { resourcesRules } from './resources';
import { securityRules } from './security';
import { serviceRules } from './service';
import { sloRules } from './slo';
import { stackHealthRules } from './stack-health';
import type { RuleFile } from './types';

export * from './types';
export * from './render';
export { ruleTestFiles, untestedAlerts, type RuleTestFile } from './unit-tests';

/** The rule files for a configuration; groups whose rules are all disabled are left out, and files left empty too. */
export function ruleFilesFor(config: MonitoringConfig): RuleFile[] {
  return [
    serviceRules(config),
    resourcesRules(config),
    databasesRules(config),
    queuesRules(config),
    aiRules(config),
    stackHealthRules(config),
    securityRules(config),
    sloRules(config),
  ]
    .map((file) => ({ ...file, groups: file.groups.filter((g) => g.rules.length > 0) }))
    .filter((file) => file.groups.length > 0);
}
