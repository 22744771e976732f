/**
 * The NAB score, implemented from NAB's published method (numenta/NAB,
 * `nab/sweeper.py` and `nab/scorer.py`; Lavin & Ahmad, "Evaluating Real-time
 * Anomaly Detection Algorithms - the Numenta Anomaly Benchmark", 2015).
 *
 * Scores the 0/1 detections a detector emits (its own threshold), not the
 * best threshold swept over the corpus as NAB's leaderboard does.
 */
import type { AnomalyWindow, ScoringProfile } from './labels';

/** NAB's probationary share of each file: detections there do not count. */
export const PROBATION_PERCENT = 0.15;

/**
 * Rows at the start of a file during which detections are ignored. NAB caps
 * the period at 15% of 5,000 rows (`getProbationPeriod`), so long files do
 * not lose thousands of scorable rows.
 */
export function probationaryPeriod(length: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * length), percent * 5000);
}

/**
 * NAB's scaled sigmoid: about 0.987 at x = -1 (the start of a window), 0 at
 * x = 0 (its end), towards -1 for positions after it; exactly -1 from 3 on.
 */
export function scaledSigmoid(x: number): number {
  if (x >= 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

/** A window as inclusive row indices. */
export interface WindowRows {
  readonly first: number;
  readonly last: number;
}

/**
 * Maps time windows onto rows: the first row at or after the start to the
 * last row at or before the end. Windows that cover no row are dropped.
 */
export function windowRows(timestamps: Float64Array, windows: readonly AnomalyWindow[]): WindowRows[] {
  const rows: WindowRows[] = [];
  for (const window of [...windows].sort((a, b) => a.start - b.start)) {
    let first = -1;
    let last = -1;
    for (let i = 0; i < timestamps.length; i++) {
      if (first < 0 && timestamps[i] >= window.start) first = i;
      if (timestamps[i] <= window.end) last = i;
    }
    if (first >= 0 && last >= first) rows.push({ first, last });
  }
  return rows;
}

/** One file's score under one profile. */
export interface NabFileScore {
  /** The detector's raw score: sum of window and false-positive weights. */
  readonly raw: number;
  /** Raw score of a detector that never fires. */
  readonly nullScore: number;
  /** Raw score of a detector that fires at the first scorable row of every window and nowhere else. */
  readonly perfectScore: number;
  /** Windows that count (not entirely inside the probationary period). */
  readonly windows: number;
  /** Counted windows with at least one detection. */
  readonly detectedWindows: number;
  /** Detections outside every window, after the probationary period. */
  readonly falsePositives: number;
}

/** Raw NAB score of a detection vector plus its counts (no normalization). */
function rawScore(detections: Uint8Array, rows: readonly WindowRows[], profile: ScoringProfile, probation: number): { raw: number; windows: number; detected: number; falsePositives: number } {
  const maxTp = scaledSigmoid(-1);
  const windowScore = rows.map(() => -profile.fnWeight);
  let falsePositiveSum = 0;
  let falsePositives = 0;
  let next = 0;
  let current = -1;
  let previousLast = -1;
  let previousWidth = 0;
  for (let i = 0; i < detections.length; i++) {
    if (current < 0 && next < rows.length && i === rows[next].first) current = next++;
    if (detections[i] && i >= probation) {
      if (current >= 0) {
        const { first, last } = rows[current];
        const width = last - first + 1;
        const weight = (scaledSigmoid(-(last - i + 1) / width) * profile.tpWeight) / maxTp;
        windowScore[current] = Math.max(windowScore[current], weight);
      } else {
        // A false alarm right after a real anomaly costs little (NAB's
        // relative position past the preceding window); with none, the full weight.
        const unweighted = previousLast < 0 ? -1 : scaledSigmoid(Math.abs(i - previousLast) / Math.max(previousWidth - 1, 1));
        falsePositiveSum += unweighted * profile.fpWeight;
        falsePositives++;
      }
    }
    if (current >= 0 && i === rows[current].last) {
      previousLast = i;
      previousWidth = rows[current].last - rows[current].first + 1;
      current = -1;
    }
  }
  let raw = falsePositiveSum;
  let windows = 0;
  let detected = 0;
  rows.forEach((row, index) => {
    // NAB labels rows inside the probationary period "probationary": a window
    // lying entirely there is neither a miss nor a hit.
    if (row.last < probation) return;
    windows++;
    raw += windowScore[index];
    if (windowScore[index] > -profile.fnWeight) detected++;
  });
  return { raw, windows, detected, falsePositives };
}

/**
 * Scores one file's detections (1 = the detector fired at that row) against
 * its labelled windows under one profile.
 */
export function scoreFile(timestamps: Float64Array, detections: Uint8Array, windows: readonly AnomalyWindow[], profile: ScoringProfile, probationPercent = PROBATION_PERCENT): NabFileScore {
  if (detections.length !== timestamps.length) throw new Error(`detections has ${detections.length} rows but timestamps has ${timestamps.length}; they must be aligned`);
  const rows = windowRows(timestamps, windows);
  const probation = probationaryPeriod(timestamps.length, probationPercent);
  const scored = rawScore(detections, rows, profile, probation);
  const perfect = new Uint8Array(timestamps.length);
  for (const row of rows) if (row.last >= probation) perfect[Math.max(row.first, Math.ceil(probation))] = 1;
  return {
    raw: scored.raw,
    nullScore: -profile.fnWeight * scored.windows,
    perfectScore: rawScore(perfect, rows, profile, probation).raw,
    windows: scored.windows,
    detectedWindows: scored.detected,
    falsePositives: scored.falsePositives,
  };
}

/** Totals over many files, with NAB's normalized score. */
export interface NabTotal {
  readonly raw: number;
  readonly nullScore: number;
  readonly perfectScore: number;
  /** `100 * (raw - null) / (perfect - null)`: 0 for the null detector, 100 for the perfect one. */
  readonly normalized: number;
  readonly windows: number;
  readonly detectedWindows: number;
  readonly falsePositives: number;
}

/**
 * Sums file scores and normalizes once over the sum, as NAB does (files
 * with more windows weigh more). With no windows at all the normalized score
 * is NaN: only false positives could be measured.
 */
export function totalScore(files: readonly NabFileScore[]): NabTotal {
  const sum = (key: keyof NabFileScore): number => files.reduce((total, file) => total + file[key], 0);
  const raw = sum('raw');
  const nullScore = sum('nullScore');
  const perfectScore = sum('perfectScore');
  const span = perfectScore - nullScore;
  return {
    raw,
    nullScore,
    perfectScore,
    normalized: span > 0 ? (100 * (raw - nullScore)) / span : NaN,
    windows: sum('windows'),
    detectedWindows: sum('detectedWindows'),
    falsePositives: sum('falsePositives'),
  };
}

/** Window-level precision, recall and F1. */
export interface WindowMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * Precision/recall/F1 over windows: a window is found when the detector
 * fires anywhere in it; each detection outside every window is one false
 * alarm. Both ignore the probationary period, like the NAB score.
 * Precision is NaN when nothing fired; recall is NaN when there is no window.
 */
export function windowMetrics(total: Pick<NabTotal, 'windows' | 'detectedWindows' | 'falsePositives'>): WindowMetrics {
  const alarms = total.detectedWindows + total.falsePositives;
  const precision = alarms > 0 ? total.detectedWindows / alarms : NaN;
  const recall = total.windows > 0 ? total.detectedWindows / total.windows : NaN;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision === 0 || recall === 0 ? 0 : NaN;
  return { precision, recall, f1 };
}
