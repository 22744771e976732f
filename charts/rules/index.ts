/** Every rule file the stack ships, in the order they are listed in the ConfigMap. */
import type { MonitoringConfig } from '../../config';
import { stackHealthRules } from './stack-health';
import type { RuleFile } from './types';

export * from './types';
export * from './render';

/** The rule files for a configuration. */
export function ruleFilesFor(_config: MonitoringConfig): RuleFile[] {
  return [stackHealthRules];
}
