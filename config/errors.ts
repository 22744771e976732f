/** The error every refused configuration ends in: one message listing every problem. */

/** One problem in a configuration, located by its dotted field path. */
export interface ConfigIssue {
  /** Dotted path such as `alertmanager.route.routes.0.receiver`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Thrown when a configuration is refused; lists all problems, not just the first. */
export class ConfigError extends Error {
  constructor(
    /** Where the configuration came from (profile name or file path). */
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`Invalid monitoring configuration (${source}):\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
