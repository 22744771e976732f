/**
 * NAB label files: anomaly windows per series (`combined_windows.json`) and
 * the scoring profiles (`scoring-profiles.json`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimestamp } from './csv';

/** One labelled anomaly window, inclusive, in UTC milliseconds. */
export interface AnomalyWindow {
  readonly start: number;
  readonly end: number;
}

/** A scoring profile's weights (NAB's `CostMatrix`). */
export interface ScoringProfile {
  readonly name: string;
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** The three profiles NAB reports, in its order. */
export const PROFILE_NAMES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;

/** Windows keyed by series path relative to the data folder (`folder/name.csv`). */
export type WindowsBySeries = ReadonlyMap<string, readonly AnomalyWindow[]>;

/** Reads and parses a JSON file, naming the file in any error. */
function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; pass --labels DIR with combined_windows.json and scoring-profiles.json`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses `combined_windows.json` content: `{ "folder/name.csv": [[start, end], ...] }`. */
export function parseWindows(json: unknown, file = 'combined_windows.json'): WindowsBySeries {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${file}: expected an object of "folder/name.csv": [[start, end], ...]`);
  const result = new Map<string, AnomalyWindow[]>();
  for (const [series, windows] of Object.entries(json)) {
    if (!Array.isArray(windows)) throw new Error(`${file}: "${series}" must be a list of [start, end] pairs`);
    result.set(
      series,
      windows.map((pair: unknown, index) => {
        const [startText, endText] = Array.isArray(pair) ? pair : [];
        const start = parseTimestamp(String(startText));
        const end = parseTimestamp(String(endText));
        if (Number.isNaN(start) || Number.isNaN(end) || end < start) {
          throw new Error(`${file}: "${series}" window ${index} is ${JSON.stringify(pair)}; expected ["YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD HH:MM:SS"] with start <= end`);
        }
        return { start, end };
      }),
    );
  }
  return result;
}

/** Parses `scoring-profiles.json` content (NAB's format, with a `CostMatrix` per profile). */
export function parseProfiles(json: unknown, file = 'scoring-profiles.json'): ScoringProfile[] {
  const profiles = json as Record<string, { CostMatrix?: Record<string, unknown> } | undefined>;
  return PROFILE_NAMES.map((name) => {
    const matrix = profiles?.[name]?.CostMatrix;
    const weight = (key: string): number => {
      const value = matrix?.[key];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${file}: ${name}.CostMatrix.${key} must be a non-negative number, got ${JSON.stringify(value)}`);
      return value;
    };
    return { name, tpWeight: weight('tpWeight'), fpWeight: weight('fpWeight'), fnWeight: weight('fnWeight') };
  });
}

/** Reads `combined_windows.json` from a NAB labels folder. */
export function readWindows(labelsDir: string): WindowsBySeries {
  const file = join(labelsDir, 'combined_windows.json');
  return parseWindows(readJson(file), file);
}

/** Reads `scoring-profiles.json` from a NAB labels folder. */
export function readProfiles(labelsDir: string): ScoringProfile[] {
  const file = join(labelsDir, 'scoring-profiles.json');
  return parseProfiles(readJson(file), file);
}
