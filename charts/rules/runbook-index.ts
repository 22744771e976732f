/**
 * The index of `docs/runbooks/`: every alert of the catalogue with its rule
 * file, default severity, team, threshold and `for`. A test keeps the file
 * equal to this function's output; regenerate it with
 * `npx tsx charts/rules/runbook-index.ts > docs/runbooks/README.md`.
 */
import { loadProfile, type MonitoringConfig } from '../../config';
import { ruleFilesFor } from './index';
import type { AlertRule } from './types';

/** The index as Markdown, for a configuration (the default profile's values are the documented defaults). */
export function runbookIndex(config: MonitoringConfig): string {
  const rows = ruleFilesFor(config).flatMap((file) =>
    file.groups.flatMap((group) =>
      group.rules
        .filter((r): r is AlertRule => r.kind === 'alert')
        .map((rule) => ({ rule, file: file.fileName })),
    ),
  );
  const seen = new Set<string>();
  const lines = rows
    .filter(({ rule }) => !seen.has(rule.name) && seen.add(rule.name))
    .map(({ rule, file }) => {
      const settings = config.alerting.rules[rule.name as keyof MonitoringConfig['alerting']['rules']];
      const threshold = settings.threshold === undefined ? '—' : `\`${settings.threshold}\``;
      return `| [${rule.name}](${rule.name}.md) | \`${file}\` | ${rule.severity} | ${rule.team} | ${threshold} | \`${settings.for}\` |`;
    });
  return [
    '# Runbooks',
    '',
    'One runbook per alert of the catalogue (`charts/rules/`): what it means, what to check first, the commands,',
    'and the fixes. Every alert links its runbook in its `runbook_url` annotation',
    '(`alerting.runbookBaseUrl` + `/<AlertName>.md`). Thresholds are fractions for ratios, seconds for latencies',
    'and lags, durations where stated; override any of them, the `for`, the severity or the team in',
    '`alerting.rules.<AlertName>`, or disable an alert with `enabled: false`.',
    '',
    '| alert | rule file | severity | team | threshold | for |',
    '| --- | --- | --- | --- | --- | --- |',
    ...lines,
    '',
  ].join('\n');
}

if (require.main === module) process.stdout.write(runbookIndex(loadProfile('default')));
