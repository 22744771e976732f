/**
 * The checks a run executes: `checks.json`, written into the function's
 * zip at synth time from `anomaly.checks` (or by the local runner from the
 * configuration), validated here again with the same schema, because a
 * file is input like any other.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AnomalyCheck } from '../../config/sections/anomaly';

export type { AnomalyCheck } from '../../config/sections/anomaly';

/** The checks file is missing, not JSON, or not a valid list of checks; lists every problem. */
export class ChecksFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid checks file ${path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ChecksFileError';
  }
}

/** The name of the file in the function's zip. */
export const CHECKS_FILE_NAME = 'checks.json';

/** Parse and validate checks given as JSON text; `source` names it in errors. */
export function parseChecks(text: string, source: string): AnomalyCheck[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ChecksFileError(source, [`not JSON: ${(error as Error).message}`]);
  }
  const parsed = z.array(AnomalyCheck).safeParse(raw);
  if (!parsed.success) {
    throw new ChecksFileError(
      source,
      parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') : '(file)'}: ${issue.message}`),
    );
  }
  const seen = new Set<string>();
  const duplicates = parsed.data.filter((check) => seen.size === seen.add(check.name).size).map((check) => `check "${check.name}" is defined twice; names must be unique`);
  if (duplicates.length > 0) throw new ChecksFileError(source, duplicates);
  return parsed.data;
}

/** Read and validate a checks file. */
export function loadChecks(path: string): AnomalyCheck[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ChecksFileError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseChecks(text, path);
}

/**
 * The checks to run: those named (in the order named; disabled ones too,
 * since naming one is asking for it), or every enabled check.
 */
export function selectChecks(checks: readonly AnomalyCheck[], names: readonly string[]): AnomalyCheck[] {
  if (names.length === 0) return checks.filter((check) => check.enabled);
  const unknown = names.filter((name) => !checks.some((check) => check.name === name));
  if (unknown.length > 0) throw new Error(`no check named ${unknown.map((n) => `"${n}"`).join(', ')}; the checks are: ${checks.map((c) => c.name).join(', ') || '(none)'}`);
  return names.map((name) => checks.find((check) => check.name === name)!);
}
