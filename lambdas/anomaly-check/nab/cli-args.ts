/**
 * A small, strict command-line parser for the anomaly CLIs: known flags
 * only, every value checked, every error naming the flag and saying what
 * to pass instead.
 */

/** A usage error: the CLI prints it with the usage line and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where a CLI writes; injectable for tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Standard output and standard error. */
export const processIo: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/**
 * Reports a failed argument parse: a {@link UsageError} is printed with
 * the usage and gives the exit code (2, or 0 for `--help`, whose error has
 * no message); anything else is rethrown.
 */
export function usageExitCode(error: unknown, usage: string, io: Io): number {
  if (!(error instanceof UsageError)) throw error;
  io.err(`${error.message ? `error: ${error.message}\n` : ''}${usage}\n`);
  return error.message ? 2 : 0;
}

/** Flags a CLI accepts: `value` flags take one argument, `boolean` flags none. */
export type FlagSpec = Readonly<Record<string, 'value' | 'boolean'>>;

/** Parsed flags: a string for value flags, `true` for boolean flags that were given. */
export type ParsedFlags = Record<string, string | true | undefined>;

/** Parses `--flag value`, `--flag=value` and `--boolean`; rejects anything else. */
export function parseFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const flags: ParsedFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"; options start with --`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option --${name}; known options: ${Object.keys(spec).map((f) => `--${f}`).join(', ')}`);
    if (flags[name] !== undefined) throw new UsageError(`--${name} is given twice; give it once`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    flags[name] = value;
  }
  return flags;
}

/** Reads an optional positive integer flag. */
export function integerFlag(flags: ParsedFlags, name: string): number | undefined {
  const text = flags[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (typeof text !== 'string' || !Number.isInteger(value) || value < 2) throw new UsageError(`--${name} must be an integer >= 2, got "${String(text)}"`);
  return value;
}
