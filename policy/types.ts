/**
 * Policy rules: named, documented checks over synthesized output. Each rule
 * returns its violations; an empty list means the output complies.
 */

/** One breach of a rule, located precisely enough to fix. */
export interface Violation {
  /** The rule's id. */
  readonly rule: string;
  /** The object (and field) at fault, e.g. `StatefulSet/monitoring/prometheus container prometheus`. */
  readonly subject: string;
  /** What is wrong and what is expected. */
  readonly message: string;
}

/** A named check over some synthesized output `T`. */
export interface PolicyRule<T> {
  /** Kebab-case id, stable: tests and suppressions refer to it. */
  readonly id: string;
  /** What the rule requires and why. */
  readonly description: string;
  check(output: T): Violation[];
}

/** Run every rule; violations of all rules, in rule order. */
export function evaluate<T>(rules: readonly PolicyRule<T>[], output: T): Violation[] {
  return rules.flatMap((rule) => rule.check(output));
}

/** One line per violation, for error messages. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `[${v.rule}] ${v.subject}: ${v.message}`).join('\n');
}
