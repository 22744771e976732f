/**
 * Turns the test cases written next to each alert into `promtool test
 * rules` files. A firing case becomes two checks: the alert is not firing
 * one evaluation before its `for` has elapsed, and it fires, with exactly
 * the expected labels and annotations, once it has. A quiet case checks
 * that no alert of that name is firing.
 *
 * One test file per rule file and evaluation interval, each loading only
 * its own rule file, so a long series (a 26-hour backup age, 6 days of SLO
 * burn) does not make every other test evaluate that long.
 */
import { toYaml } from '../../constructs/k8s/lib/yaml';
import { durationToSeconds } from '../../config/units';
import { assertSupportedTemplate, expandTemplate } from './templates';
import { duration } from './test-series';
import type { AlertRule, AlertTestCase, ExpressionTestCase, RuleFile } from './types';

/** Evaluation interval of test files whose cases do not set one. */
export const DEFAULT_TEST_EVALUATION_INTERVAL = '15s';
const DEFAULT_SERIES_INTERVAL = '1m';

/** A generated promtool test file, and the rule file it loads. */
export interface RuleTestFile {
  readonly fileName: string;
  readonly ruleFile: string;
  readonly content: string;
  /** Alert names with a firing check, and with a quiet check, in this file. */
  readonly firing: readonly string[];
  readonly quiet: readonly string[];
}

/** The promtool test files of a rule file (none when it has no test cases). */
export function ruleTestFiles(file: RuleFile): RuleTestFile[] {
  const groups = new Map<string, { tests: unknown[]; firing: Set<string>; quiet: Set<string> }>();
  const groupFor = (interval: string | undefined) => {
    const key = interval ?? DEFAULT_TEST_EVALUATION_INTERVAL;
    if (!groups.has(key)) groups.set(key, { tests: [], firing: new Set(), quiet: new Set() });
    return groups.get(key)!;
  };
  for (const rule of file.groups.flatMap((g) => g.rules)) {
    if (rule.kind !== 'alert') continue;
    for (const testCase of rule.tests ?? []) {
      const group = groupFor(testCase.evaluationInterval);
      group.tests.push(alertTestGroup(rule, testCase, testCase.evaluationInterval ?? DEFAULT_TEST_EVALUATION_INTERVAL));
      (testCase.kind === 'fires' ? group.firing : group.quiet).add(rule.name);
    }
  }
  for (const testCase of file.expressionTests ?? []) groupFor(testCase.evaluationInterval).tests.push(expressionTestGroup(testCase));
  const base = file.fileName.replace(/\.rules\.yml$/, '');
  return [...groups.entries()].map(([interval, group]) => ({
    fileName: `${base}.${interval}.test.yml`,
    ruleFile: file.fileName,
    content: toYaml({ rule_files: [file.fileName], evaluation_interval: interval, tests: group.tests }),
    firing: [...group.firing],
    quiet: [...group.quiet],
  }));
}

/** The annotations an alert fires with, for these labels and value. */
export function expectedAnnotations(rule: AlertRule, labels: Readonly<Record<string, string>>, value: number): Record<string, string> {
  assertSupportedTemplate(rule.summary, `${rule.name} summary`);
  assertSupportedTemplate(rule.description, `${rule.name} description`);
  return {
    summary: expandTemplate(rule.summary, labels, value),
    description: expandTemplate(rule.description, labels, value),
    ...(rule.runbookUrl ? { runbook_url: rule.runbookUrl } : {}),
  };
}

function alertTestGroup(rule: AlertRule, testCase: AlertTestCase, evaluationInterval: string): Record<string, unknown> {
  const common = {
    name: `${rule.name}: ${testCase.description}`,
    interval: testCase.interval ?? DEFAULT_SERIES_INTERVAL,
    input_series: testCase.series.map((s) => ({ series: s.series, values: s.values })),
  };
  if (testCase.kind === 'quiet') {
    return { ...common, alert_rule_test: [{ eval_time: testCase.at, alertname: rule.name, exp_alerts: [] }] };
  }
  const from = durationToSeconds(testCase.conditionFrom);
  const forSeconds = durationToSeconds(rule.for ?? '0s');
  const step = durationToSeconds(evaluationInterval);
  if (from % step !== 0) throw new Error(`${rule.name} test "${testCase.description}": conditionFrom ${testCase.conditionFrom} is not a multiple of the evaluation interval ${evaluationInterval}`);
  const firesAt = Math.ceil((from + forSeconds) / step) * step;
  const expected = {
    exp_labels: { ...testCase.labels, ...rule.labels, severity: rule.severity, team: rule.team },
    exp_annotations: expectedAnnotations(rule, testCase.labels, testCase.value),
  };
  const checks: unknown[] = [];
  // Still pending one evaluation before `for` has elapsed: the test fails if the alert ignored its `for`.
  if (forSeconds > 0 && firesAt - step >= from) checks.push({ eval_time: duration(firesAt - step), alertname: rule.name, exp_alerts: [] });
  checks.push({ eval_time: duration(firesAt), alertname: rule.name, exp_alerts: [expected] });
  return { ...common, alert_rule_test: checks };
}

function expressionTestGroup(testCase: ExpressionTestCase): Record<string, unknown> {
  return {
    name: testCase.description,
    interval: testCase.interval ?? DEFAULT_SERIES_INTERVAL,
    input_series: testCase.series.map((s) => ({ series: s.series, values: s.values })),
    promql_expr_test: [{ expr: testCase.expr, eval_time: testCase.evalTime, exp_samples: testCase.samples.map((s) => ({ labels: s.labels, value: s.value })) }],
  };
}

/** Alerts of the rule files without a firing case, or without a quiet case: each must have both. */
export function untestedAlerts(files: readonly RuleFile[]): Array<{ alert: string; missing: 'fires' | 'quiet' }> {
  const alerts = new Set(files.flatMap((f) => f.groups.flatMap((g) => g.rules.filter((r): r is AlertRule => r.kind === 'alert').map((r) => r.name))));
  const tests = files.flatMap(ruleTestFiles);
  const firing = new Set(tests.flatMap((t) => t.firing));
  const quiet = new Set(tests.flatMap((t) => t.quiet));
  return [...alerts].flatMap((alert) => [
    ...(firing.has(alert) ? [] : [{ alert, missing: 'fires' as const }]),
    ...(quiet.has(alert) ? [] : [{ alert, missing: 'quiet' as const }]),
  ]);
}
