/**
 * Everything `npm run validate` checks over a folder of synthesized
 * manifests: each object against its Kubernetes schema, each
 * `prometheus.yml` with promtool, each `*.rules.yml` with promtool, each
 * `alertmanager.yml` with amtool, `loki.yaml` and `jaeger.yaml` with the
 * structural checks. Returns every finding; nothing is thrown
 * away at the first failure.
 */
import { checkAlertmanagerConfig, checkPrometheusConfig, checkRules, requireTool, type ToolResult } from './prometheus-tools';
import { type ManifestEntry, objectRef } from './manifests';
import { validateAgainstSchema } from './k8s-schema';
import { checkJaegerConfigText } from './jaeger-config-check';
import { checkLokiConfigText } from './loki-config-check';

/** One check and its outcome. */
export interface Finding {
  readonly check: string;
  readonly subject: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Run every check over the entries. */
export function validateManifests(entries: readonly ManifestEntry[]): Finding[] {
  requireTool('promtool');
  requireTool('amtool');
  const findings: Finding[] = [];
  for (const { file, object } of entries) {
    const problems = validateAgainstSchema(object);
    findings.push({ check: 'kubernetes-schema', subject: `${file}: ${objectRef(object)}`, ok: problems.length === 0, detail: problems.join('; ') });
    if (object.kind !== 'ConfigMap') continue;
    const data = (object.data ?? {}) as Record<string, string>;
    for (const [key, content] of Object.entries(data)) {
      const subject = `${objectRef(object)} ${key}`;
      const tool = toolFor(key);
      if (!tool) continue;
      const result = tool.run(key, content);
      findings.push({ check: tool.name, subject, ok: result.ok, detail: result.output });
    }
  }
  return findings;
}

function toolFor(key: string): { name: string; run: (key: string, content: string) => ToolResult } | undefined {
  if (key === 'prometheus.yml') return { name: 'promtool check config', run: (_k, c) => checkPrometheusConfig(c) };
  if (key.endsWith('.rules.yml')) return { name: 'promtool check rules', run: checkRules };
  if (key === 'alertmanager.yml') return { name: 'amtool check-config', run: (_k, c) => checkAlertmanagerConfig(c) };
  // No Loki or Jaeger binary here: typed structural checks against the pinned versions' references.
  if (key === 'loki.yaml') return { name: 'loki config structure', run: (_k, c) => structural(checkLokiConfigText(c)) };
  if (key === 'jaeger.yaml') return { name: 'jaeger config structure', run: (_k, c) => structural(checkJaegerConfigText(c)) };
  return undefined;
}

function structural(problems: string[]): ToolResult {
  return { ok: problems.length === 0, output: problems.join('\n') };
}
