/** Rendering typed rule files to the YAML Prometheus loads. */
import { toYaml } from '../../constructs/k8s/lib/yaml';
import type { Rule, RuleFile } from './types';

/** A rule as it appears in a rule file. */
export function renderRule(rule: Rule): Record<string, unknown> {
  if (rule.kind === 'record') {
    return { record: rule.name, expr: rule.expr, ...(rule.labels ? { labels: rule.labels } : {}) };
  }
  return {
    alert: rule.name,
    expr: rule.expr,
    ...(rule.for ? { for: rule.for } : {}),
    ...(rule.keepFiringFor ? { keep_firing_for: rule.keepFiringFor } : {}),
    labels: { ...rule.labels, severity: rule.severity, team: rule.team },
    annotations: {
      summary: rule.summary,
      description: rule.description,
      ...(rule.runbookUrl ? { runbook_url: rule.runbookUrl } : {}),
    },
  };
}

/** The YAML text of a rule file. */
export function renderRuleFile(file: RuleFile): string {
  return toYaml({
    groups: file.groups.map((group) => ({
      name: group.name,
      ...(group.interval ? { interval: group.interval } : {}),
      rules: group.rules.map(renderRule),
    })),
  });
}

/** Rule files keyed by file name, as the Prometheus construct takes them; duplicate names are refused. */
export function ruleFilesData(files: readonly RuleFile[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of files) {
    if (!file.fileName.endsWith('.rules.yml')) throw new Error(`rule file "${file.fileName}" must end in .rules.yml`);
    if (data[file.fileName] !== undefined) throw new Error(`rule file "${file.fileName}" is defined twice`);
    data[file.fileName] = renderRuleFile(file);
  }
  return data;
}
