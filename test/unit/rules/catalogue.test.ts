/**
 * The catalogue's shape: every alert of the configuration table exists and
 * carries severity, team, summary, description and a runbook link to a
 * runbook in the repository; every alert has a firing and a quiet unit
 * test; overrides by name apply; the rendered files are what Prometheus
 * loads.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type AlertRule, renderRuleFile, ruleFilesData, ruleFilesFor, SEVERITIES, untestedAlerts } from '../../../charts/rules';
import { loadProfile } from '../../../config';
import { ALERT_NAMES, ALERT_RULE_DEFAULTS } from '../../../config/sections/alerting';
import { runbookIndex } from '../../../charts/rules/runbook-index';
import { configWith } from '../../helpers/synth';

const root = join(__dirname, '..', '..', '..');
const runbooksDir = join(root, 'docs', 'runbooks');
const defaults = loadProfile('default');

function alertsOf(config = defaults): AlertRule[] {
  return ruleFilesFor(config).flatMap((f) => f.groups.flatMap((g) => g.rules.filter((r): r is AlertRule => r.kind === 'alert')));
}

describe('the alert catalogue', () => {
  const alerts = alertsOf();

  it('has every alert of the configuration table, and no other', () => {
    expect([...new Set(alerts.map((a) => a.name))].sort()).toEqual([...ALERT_NAMES].sort());
  });

  it.each(alerts.map((a) => [a.name, a] as const))('%s has a severity, a team, a summary, a description and a runbook', (name, alert) => {
    expect(SEVERITIES).toContain(alert.severity);
    expect(alert.team).toMatch(/^[a-z][-a-z0-9]*$/);
    expect(alert.summary.length).toBeGreaterThan(10);
    expect(alert.description.length).toBeGreaterThan(alert.summary.length);
    expect(alert.runbookUrl).toBe(`${defaults.alerting.runbookBaseUrl}/${name}.md`);
  });

  it('links every runbook_url to a runbook file in docs/runbooks, and has no runbook without an alert', () => {
    for (const text of Object.values(ruleFilesData(ruleFilesFor(defaults)))) {
      for (const group of parse(text).groups) {
        for (const rule of group.rules.filter((r: { alert?: string }) => r.alert)) {
          const url: string = rule.annotations.runbook_url;
          expect(url.startsWith(`${defaults.alerting.runbookBaseUrl}/`)).toBe(true);
          const file = join(runbooksDir, url.slice(defaults.alerting.runbookBaseUrl.length + 1));
          expect({ url, exists: existsSync(file) }).toEqual({ url, exists: true });
        }
      }
    }
    const files = readdirSync(runbooksDir).filter((f) => f !== 'README.md');
    expect(files.map((f) => f.replace(/\.md$/, '')).sort()).toEqual([...ALERT_NAMES].sort());
  });

  it.each(ALERT_NAMES.map((n) => [n]))('runbook %s says what it means, what to check, which commands to run and how to fix it', (name) => {
    const text = readFileSync(join(runbooksDir, `${name}.md`), 'utf8');
    expect(text.startsWith(`# ${name}\n`)).toBe(true);
    for (const section of ['## Meaning', '## First checks', '## Commands', '## Fixes', '## Tuning']) expect(text).toContain(`\n${section}\n`);
    const alert = alerts.find((a) => a.name === name)!;
    expect(text).toContain(`Default severity **${alert.severity}**, team **${alert.team}**`);
    expect(text).toContain(`alerting.rules.${name}`);
  });

  it('lists every alert in the runbook index', () => {
    const index = readFileSync(join(runbooksDir, 'README.md'), 'utf8');
    for (const name of ALERT_NAMES) expect(index).toContain(`[${name}](${name}.md)`);
  });

  it('gives every alert a unit test where it fires and one where it stays quiet', () => {
    expect(untestedAlerts(ruleFilesFor(defaults))).toEqual([]);
    expect(untestedAlerts(ruleFilesFor(loadProfile('production')))).toEqual([]);
  });

  it('reports an alert whose tests are missing', () => {
    const files = ruleFilesFor(defaults).map((file) => ({
      ...file,
      groups: file.groups.map((g) => ({ ...g, rules: g.rules.map((r) => (r.kind === 'alert' && r.name === 'RedisDown' ? { ...r, tests: r.tests!.filter((t) => t.kind !== 'quiet') } : r)) })),
    }));
    expect(untestedAlerts(files)).toEqual([{ alert: 'RedisDown', missing: 'quiet' }]);
  });

  it('never aggregates by cluster: rules do not see external labels', () => {
    const offenders = ruleFilesFor(defaults)
      .flatMap((f) => f.groups.flatMap((g) => g.rules))
      .filter((r) => /\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\bcluster\b/.test(r.expr));
    expect(offenders.map((r) => r.name)).toEqual([]);
  });

  it('renders for, severity, team and annotations; never the tests', () => {
    const file = ruleFilesFor(defaults).find((f) => f.fileName === 'service.rules.yml')!;
    const rule = parse(renderRuleFile(file)).groups[0].rules.find((r: { alert?: string }) => r.alert === 'ServiceErrorRatioCritical');
    expect(rule).toEqual({
      alert: 'ServiceErrorRatioCritical',
      expr: 'sum by (namespace, service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (namespace, service) (rate(http_requests_total[5m])) > 0.1',
      for: '5m',
      keep_firing_for: '5m',
      labels: { severity: 'critical', team: 'backend' },
      annotations: {
        summary: '{{ $labels.service }} answers {{ $value | humanizePercentage }} of requests with a server error',
        description: expect.stringContaining('(critical above 10%)'),
        runbook_url: 'https://github.com/example-org/monitoring-stack/blob/main/docs/runbooks/ServiceErrorRatioCritical.md',
      },
    });
  });

  it('ships one file per category, in the order of the rules ConfigMap', () => {
    expect(ruleFilesFor(defaults).map((f) => f.fileName)).toEqual([
      'service.rules.yml',
      'resources.rules.yml',
      'databases.rules.yml',
      'queues.rules.yml',
      'ai.rules.yml',
      'stack-health.rules.yml',
      'security.rules.yml',
      'slo.rules.yml',
    ]);
  });
});

describe('per-alert configuration', () => {
  it('applies threshold, for, severity and team overrides by name, and leaves out disabled alerts', () => {
    const config = configWith({
      alerting: {
        teams: { resources: 'infra' },
        rules: { NodeCpuUsageWarning: { threshold: 0.7, for: '30m', severity: 'info', team: 'capacity' }, HpaAtMaxReplicas: { enabled: false }, ObservabilityCostHigh: { enabled: false } },
      },
    });
    const alerts = alertsOf(config);
    const cpu = alerts.find((a) => a.name === 'NodeCpuUsageWarning')!;
    expect(cpu).toMatchObject({ for: '30m', severity: 'info', team: 'capacity' });
    expect(cpu.expr).toMatch(/> 0\.7$/);
    expect(alerts.find((a) => a.name === 'NodeMemoryUsageWarning')!.team).toBe('infra');
    expect(alerts.map((a) => a.name)).not.toContain('HpaAtMaxReplicas');
    // The cost records go with their alert.
    const stack = ruleFilesFor(config).find((f) => f.fileName === 'stack-health.rules.yml')!;
    expect(stack.groups[0].rules.filter((r) => r.kind === 'record')).toEqual([]);
  });

  it('takes the HTTP metric names, the status label and the rate window from the configuration', () => {
    const config = configWith({ alerting: { rateWindow: '2m', http: { requestsTotal: 'requests_total', durationHistogram: 'request_seconds', statusCodeLabel: 'status_code' } } });
    const alerts = alertsOf(config);
    expect(alerts.find((a) => a.name === 'ServiceErrorRatioWarning')!.expr).toBe(
      'sum by (namespace, service) (rate(requests_total{status_code=~"5.."}[2m])) / sum by (namespace, service) (rate(requests_total[2m])) > 0.05',
    );
    expect(alerts.find((a) => a.name === 'ServiceLatencyP95Warning')!.expr).toContain('rate(request_seconds_bucket[2m])');
  });

  it('links runbooks under the configured base URL', () => {
    const alerts = alertsOf(configWith({ alerting: { runbookBaseUrl: 'https://git.example.com/sre/monitoring/-/blob/main/docs/runbooks' } }));
    expect(alerts[0].runbookUrl).toBe(`https://git.example.com/sre/monitoring/-/blob/main/docs/runbooks/${alerts[0].name}.md`);
  });

  it('has a default for every rule, with a threshold exactly where the alert compares a value', () => {
    for (const [name, settings] of Object.entries(defaults.alerting.rules)) {
      expect({ name, for: settings.for, threshold: settings.threshold }).toEqual({ name, for: ALERT_RULE_DEFAULTS[name as keyof typeof ALERT_RULE_DEFAULTS].for, threshold: (ALERT_RULE_DEFAULTS as Record<string, { threshold?: unknown }>)[name].threshold });
    }
  });
});

describe('the runbook index', () => {
  it('is the catalogue as configured by default (regenerate: npx tsx charts/rules/runbook-index.ts > docs/runbooks/README.md)', () => {
    expect(readFileSync(join(runbooksDir, 'README.md'), 'utf8')).toBe(runbookIndex(defaults));
  });
});
