/**
 * What the local runners (`npm run lambda -- <name>`, `npm run restore`)
 * share: strict flag parsing with the usage on any mistake, flags that set
 * the environment variables the Lambda reads, and a time budget flag.
 * A runner run is a Lambda run with another environment, so each flag maps
 * to exactly one variable, and flags win over variables already set.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type FlagValues = Record<string, string | string[] | boolean | undefined>;
type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` strictly (unknown flags and positionals are errors) with
 * `--help` added. Returns the values, or the exit code the runner should
 * end with: 2 after printing the error and the usage, 0 after `--help`.
 */
export function parseFlags(argv: string[], options: FlagOptions, usage: string): { readonly values: FlagValues } | { readonly exitCode: number } {
  let values: FlagValues;
  try {
    values = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values as FlagValues;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return { exitCode: 2 };
  }
  if (values.help) {
    console.log(usage);
    return { exitCode: 0 };
  }
  return { values };
}

/** parseArgs options for flags that each set one environment variable (`{ 'prometheus-url': 'PROMETHEUS_URL' }`). */
export function envFlagOptions(flags: Readonly<Record<string, string>>): FlagOptions {
  return Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: 'string' as const }]));
}

/** `env` with the variables of the given environment flags set from their values. */
export function envWithFlags(env: Readonly<Record<string, string | undefined>>, flags: Readonly<Record<string, string>>, values: FlagValues): Record<string, string | undefined> {
  const runEnv: Record<string, string | undefined> = { ...env };
  for (const [flag, variable] of Object.entries(flags)) if (typeof values[flag] === 'string') runEnv[variable] = values[flag] as string;
  return runEnv;
}

/** `--timeout` in seconds (the Lambda's timeout, as the time budget), or undefined after printing why it is not one. */
export function timeoutFlag(value: FlagValues[string], defaultSeconds: number): number | undefined {
  const seconds = Number(value ?? defaultSeconds);
  if (Number.isFinite(seconds) && seconds > 0) return seconds;
  console.error(`--timeout "${value}" is not a number of seconds`);
  return undefined;
}
