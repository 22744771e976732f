/**
 * Runs detectors over a NAB corpus and aggregates NAB scores and window
 * precision/recall/F1 per data folder and overall.
 */
import type { Detector } from '../detectors/types';
import type { CorpusSeries } from './corpus';
import type { ScoringProfile } from './labels';
import { scoreFile, totalScore, windowMetrics, type NabFileScore, type WindowMetrics } from './scorer';

/** Scores of one group of files (a data folder, or all of them). */
export interface GroupScore extends WindowMetrics {
  readonly group: string;
  readonly files: number;
  readonly windows: number;
  readonly detectedWindows: number;
  readonly falsePositives: number;
  /** Normalized NAB score per profile name; NaN when the group has no windows. */
  readonly nab: Readonly<Record<string, number>>;
}

/** One file's result, for drill-down. */
export interface FileResult {
  readonly key: string;
  readonly windows: number;
  readonly detectedWindows: number;
  readonly falsePositives: number;
  /** Raw NAB score per profile (not normalized). */
  readonly raw: Readonly<Record<string, number>>;
}

export interface DetectorEvaluation {
  readonly detector: string;
  /** One entry per data folder, then `overall`. */
  readonly groups: readonly GroupScore[];
  readonly files: readonly FileResult[];
  readonly points: number;
  readonly seconds: number;
}

/** Label vectors of a detector over a corpus (a function, so tests can inject labels). */
export type Labeller = (series: CorpusSeries) => Uint8Array;

/** Uses a detector factory as a labeller (a fresh detector per series). */
export function detectorLabeller(create: () => Detector): Labeller {
  return (series) => create().score(series.values, series.timestamps).labels;
}

/** Aggregates file scores (one array per profile) into a group score. */
function groupScore(group: string, perProfile: readonly NabFileScore[][], profiles: readonly ScoringProfile[]): GroupScore {
  const totals = perProfile.map(totalScore);
  const standard = totals[0];
  return {
    group,
    files: perProfile[0].length,
    windows: standard.windows,
    detectedWindows: standard.detectedWindows,
    falsePositives: standard.falsePositives,
    nab: Object.fromEntries(profiles.map((profile, i) => [profile.name, totals[i].normalized])),
    ...windowMetrics(standard),
  };
}

/** Runs one labeller over the corpus and scores it under every profile. */
export function evaluateLabeller(detector: string, label: Labeller, corpus: readonly CorpusSeries[], profiles: readonly ScoringProfile[]): DetectorEvaluation {
  const byFolder = new Map<string, NabFileScore[][]>();
  const overall: NabFileScore[][] = profiles.map(() => []);
  const files: FileResult[] = [];
  let points = 0;
  let seconds = 0;
  for (const series of corpus) {
    const started = process.hrtime.bigint();
    const labels = label(series);
    seconds += Number(process.hrtime.bigint() - started) / 1e9;
    points += series.values.length;
    const scores = profiles.map((profile) => scoreFile(series.timestamps, labels, series.windows, profile));
    if (!byFolder.has(series.folder)) byFolder.set(series.folder, profiles.map(() => []));
    scores.forEach((score, i) => {
      byFolder.get(series.folder)![i].push(score);
      overall[i].push(score);
    });
    files.push({
      key: series.key,
      windows: scores[0].windows,
      detectedWindows: scores[0].detectedWindows,
      falsePositives: scores[0].falsePositives,
      raw: Object.fromEntries(profiles.map((profile, i) => [profile.name, scores[i].raw])),
    });
  }
  const groups = [...byFolder.entries()].map(([folder, perProfile]) => groupScore(folder, perProfile, profiles));
  groups.push(groupScore('overall', overall, profiles));
  return { detector, groups, files, points, seconds };
}

/** Formats a number for the table: fixed digits, `n/a` for NaN. */
function cell(value: number, digits: number): string {
  return Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

/**
 * A fixed-width table: one row per detector and group, NAB scores for the
 * three profiles, then window counts and precision/recall/F1.
 */
export function formatTable(evaluations: readonly DetectorEvaluation[], profiles: readonly ScoringProfile[]): string {
  const header = ['detector', 'group', ...profiles.map((p) => p.name), 'windows', 'found', 'FP', 'precision', 'recall', 'F1'];
  const rows: string[][] = [];
  for (const evaluation of evaluations) {
    for (const group of evaluation.groups) {
      rows.push([
        evaluation.detector,
        group.group,
        ...profiles.map((p) => cell(group.nab[p.name], 1)),
        String(group.windows),
        String(group.detectedWindows),
        String(group.falsePositives),
        cell(group.precision, 2),
        cell(group.recall, 2),
        cell(group.f1, 2),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const separator = widths.map((w) => '-'.repeat(w)).join('  ');
  const body: string[] = [];
  rows.forEach((row, i) => {
    if (i > 0 && row[0] !== rows[i - 1][0]) body.push(separator);
    body.push(line(row));
  });
  return [line(header), separator, ...body].join('\n');
}
