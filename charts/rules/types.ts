/**
 * The typed model of Prometheus rules. Rule content is plain data built
 * with these types; `render.ts` turns it into `*.rules.yml` files.
 */

/** Alert severities, P0 to P3. Routing and inhibition key on these values. */
export const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AlertRule {
  readonly kind: 'alert';
  /** CamelCase alert name; also the runbook's file name. */
  readonly name: string;
  readonly expr: string;
  /** How long the condition must hold. */
  readonly for?: string;
  readonly severity: Severity;
  /** Team the alert routes to. */
  readonly team: string;
  readonly summary: string;
  readonly description: string;
  /** Runbook link; filled in by the catalogue. */
  readonly runbookUrl?: string;
  readonly labels?: Record<string, string>;
}

export interface RecordingRule {
  readonly kind: 'record';
  /** `level:metric:operations` name. */
  readonly name: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
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
}
