/** A NAB-style data folder: `DIR/<folder>/<name>.csv`, labels in `DIR/../labels`. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { readSeriesCsv, type TimeSeries } from './csv';
import type { AnomalyWindow, WindowsBySeries } from './labels';

/** One series of a corpus, with its labelled windows. */
export interface CorpusSeries extends TimeSeries {
  /** Path relative to the data folder with `/` separators, the key in the label files. */
  readonly key: string;
  /** The series' folder (`realAWSCloudwatch`), or `.` for files at the top. */
  readonly folder: string;
  readonly windows: readonly AnomalyWindow[];
}

/** Every `.csv` below `dir`, sorted, as paths relative to `dir`. */
function listCsvFiles(dir: string, root = dir): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...listCsvFiles(path, root));
    else if (entry.endsWith('.csv')) files.push(relative(root, path).split(sep).join('/'));
  }
  return files;
}

/**
 * Loads every series under `dataDir` with its windows. A series without an
 * entry in the label file is an error: scoring it as "no anomalies" would
 * silently count every detection as a false positive.
 */
export function loadCorpus(dataDir: string, windows: WindowsBySeries): CorpusSeries[] {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) throw new Error(`--data ${dataDir} is not a folder; pass a NAB-style data folder (DIR/<folder>/<name>.csv)`);
  const keys = listCsvFiles(dataDir);
  if (keys.length === 0) throw new Error(`--data ${dataDir} holds no .csv files; expected DIR/<folder>/<name>.csv`);
  return keys.map((key) => {
    const seriesWindows = windows.get(key);
    if (!seriesWindows) throw new Error(`${join(dataDir, key)} has no entry "${key}" in combined_windows.json; add it (an empty list means no anomalies) or pass the matching --labels folder`);
    const slash = key.lastIndexOf('/');
    return { key, folder: slash < 0 ? '.' : key.slice(0, slash), windows: seriesWindows, ...readSeriesCsv(join(dataDir, key)) };
  });
}
