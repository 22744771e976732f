/**
 * The typed model of Prometheus rules. Rule content is plain data built
 * with these types; `render.ts` turns it into `*.rules.yml` files and
 * `unit-tests.ts` turns the test cases written next to each alert into
 * `promtool test rules` files.
 */
import type { Severity } from '../../config/sections/alerting';

export { SEVERITIES, type Severity } from '../../config/sections/alerting';

/** One input series of a promtool test: a series selector and its values in expanding notation (`0+60x100`). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

interface TestCaseBase {
  /** What the case shows, e.g. "fires at 5.1% errors". */
  readonly description: string;
  readonly series: readonly InputSeries[];
  /** Spacing of the input samples. @default '1m' */
  readonly interval?: string;
  /** Rule evaluation interval of the test; cases with long series use a coarser one. @default '15s' */
  readonly evaluationInterval?: string;
}

/**
 * The alert fires: its condition holds from `conditionFrom` on, so the
 * test expects it firing at `conditionFrom + for`, with these labels and
 * the annotations expanded for `value`, and not yet firing one evaluation
 * earlier.
 */
export interface FiringCase extends TestCaseBase {
  readonly kind: 'fires';
  /** When, from the start of the series, the condition first holds (a multiple of the evaluation interval). */
  readonly conditionFrom: string;
  /** Labels of the alert besides `alertname`, `severity`, `team` and the rule's own labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The alert's `$value` at that evaluation, for the expected annotations. */
  readonly value: number;
}

/** The alert does not fire at `at` (typically: just below the threshold, long after `for`). */
export interface QuietCase extends TestCaseBase {
  readonly kind: 'quiet';
  readonly at: string;
}

export type AlertTestCase = FiringCase | QuietCase;

export interface AlertRule {
  readonly kind: 'alert';
  /** CamelCase alert name; also the runbook's file name. */
  readonly name: string;
  readonly expr: string;
  /** How long the condition must hold. */
  readonly for?: string;
  /** How long the alert keeps firing after the condition clears. */
  readonly keepFiringFor?: string;
  readonly severity: Severity;
  /** Team the alert routes to. */
  readonly team: string;
  /** One line: what is wrong and where. May use `{{ $labels.x }}` and the functions `templates.ts` supports. */
  readonly summary: string;
  /** What it means, with the current value. */
  readonly description: string;
  /** Runbook link; filled in by the catalogue. */
  readonly runbookUrl?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Unit tests: at least one case where it fires and one where it stays quiet. Not rendered into the rule file. */
  readonly tests?: readonly AlertTestCase[];
}

/** A PromQL expression test: the expression gives these samples at `evalTime`. */
export interface ExpressionTestCase {
  readonly description: string;
  readonly series: readonly InputSeries[];
  /** @default '1m' */
  readonly interval?: string;
  /** @default '15s' */
  readonly evaluationInterval?: string;
  readonly evalTime: string;
  readonly expr: string;
  readonly samples: ReadonlyArray<{ readonly labels: string; readonly value: number }>;
}

export interface RecordingRule {
  readonly kind: 'record';
  /** `level:metric:operations` name. */
  readonly name: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type Rule = AlertRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval override. */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** One `*.rules.yml` file in the rules ConfigMap. */
export interface RuleFile {
  /** File name ending in `.rules.yml`. */
  readonly fileName: string;
  readonly groups: readonly RuleGroup[];
  /** Tests of the file's recording rules. */
  readonly expressionTests?: readonly ExpressionTestCase[];
}
