/**
 * How a category of the catalogue turns its alert definitions into rules:
 * the configuration decides whether an alert exists, its `for`, severity
 * and team; the definition gives the PromQL, the text and the unit tests,
 * all computed from the configured threshold so the tests follow the
 * configuration.
 */
import type { MonitoringConfig } from '../../config';
import type { AlertCategory, AlertName, AlertRulesSettings, Severity } from '../../config/sections/alerting';
import { formatG } from './templates';
import type { AlertRule, AlertTestCase } from './types';

/** What a category writes for one alert. */
export interface AlertDefinition {
  /** Default severity; `alerting.rules.<name>.severity` overrides it. */
  readonly severity: Severity;
  readonly expr: string;
  readonly summary: string;
  readonly description: string;
  /** Keep firing this long after the condition clears. */
  readonly keepFiringFor?: string;
  /** Static labels besides `severity` and `team`. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly tests: readonly AlertTestCase[];
}

/** The alerts of one category, resolved against the configuration. */
export class CategoryRules {
  constructor(
    readonly config: MonitoringConfig,
    readonly category: AlertCategory,
  ) {}

  /** The configured settings of an alert. */
  settings<K extends AlertName>(name: K): AlertRulesSettings[K] {
    return this.config.alerting.rules[name];
  }

  /**
   * The alert as a one-element list, or an empty list when it is disabled
   * in `alerting.rules`, so categories spread it into their rule list.
   */
  alert<K extends AlertName>(name: K, define: (settings: AlertRulesSettings[K]) => AlertDefinition, options: { team?: string } = {}): AlertRule[] {
    const settings = this.settings(name);
    if (!settings.enabled) return [];
    const definition = define(settings);
    return [
      {
        kind: 'alert',
        name,
        expr: definition.expr,
        for: settings.for,
        keepFiringFor: definition.keepFiringFor,
        severity: settings.severity ?? definition.severity,
        team: options.team ?? settings.team ?? this.config.alerting.teams[this.category],
        summary: definition.summary,
        description: definition.description,
        runbookUrl: runbookUrl(this.config, name),
        labels: definition.labels,
        tests: definition.tests,
      },
    ];
  }
}

/** Where an alert's runbook is published: `<runbookBaseUrl>/<AlertName>.md`. */
export function runbookUrl(config: MonitoringConfig, alertName: string): string {
  return `${config.alerting.runbookBaseUrl}/${alertName}.md`;
}

/** A fraction as the percentage humans read in a description: 0.05 gives "5%". */
export function percent(fraction: number): string {
  return `${formatG(fraction * 100)}%`;
}

/** `a|b|c` as a PromQL regex alternative, each part escaped. */
export function anyOf(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
}
