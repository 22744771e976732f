/**
 * What the anomaly-check Lambda calls: score one series with a named
 * detector, then ask what happened in the newest interval.
 */
import { createDetector, DEFAULT_DETECTOR } from './registry';
import type { DetectorOptions, DetectorResult } from './types';

export interface ScoreSeriesOptions extends DetectorOptions {
  /** Detector name (see DETECTOR_NAMES). @default 'ensemble' */
  readonly detector?: string;
}

/** A scored series and how much of it could be scored. */
export interface SeriesScore extends DetectorResult {
  readonly detector: string;
  /** Points with a score (not NaN). */
  readonly scoredPoints: number;
  /** Points whose value is NaN or infinite (gaps). */
  readonly missingPoints: number;
  /**
   * `ok` when the newest point was scored; `insufficient-history` when the
   * series is too short (or too gappy) for any score yet; `stale-tail` when
   * earlier points were scored but the newest is a gap.
   */
  readonly status: 'ok' | 'insufficient-history' | 'stale-tail';
}

/**
 * Scores a whole series (timestamps in UTC ms, values aligned; NaN marks a
 * gap). Causal: the score of a point depends only on it and earlier points.
 */
export function scoreSeries(values: Float64Array, timestamps: Float64Array, options: ScoreSeriesOptions = {}): SeriesScore {
  const detector = createDetector(options.detector ?? DEFAULT_DETECTOR, options);
  const result = detector.score(values, timestamps);
  let scoredPoints = 0;
  let missingPoints = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(result.scores[i])) scoredPoints++;
    if (!Number.isFinite(values[i])) missingPoints++;
  }
  const last = values.length - 1;
  const status = scoredPoints === 0 ? 'insufficient-history' : last >= 0 && Number.isNaN(result.scores[last]) ? 'stale-tail' : 'ok';
  return { ...result, detector: detector.name, scoredPoints, missingPoints, status };
}

/** One alarm: a point the detector labelled anomalous. */
export interface AnomalousPoint {
  readonly index: number;
  readonly timestamp: number;
  readonly value: number;
  readonly score: number;
}

/** What a series did in its newest interval. */
export interface IntervalSummary {
  /** Alarms raised at points with `timestamp > sinceMs` (new anomalous episodes). */
  readonly alarms: AnomalousPoint[];
  /** Highest score in the interval (NaN when nothing there was scored). */
  readonly maxScore: number;
  /** Score of the newest scored point in the interval (NaN when none). */
  readonly lastScore: number;
  /** Scored points in the interval. */
  readonly scoredPoints: number;
}

/**
 * Summarizes the points after `sinceMs`. Detectors raise one alarm per
 * episode, then stay quiet; an episode is still going on while scores stay
 * at or above 0.5 (the medium threshold), so an alert raised for an alarm
 * can be resolved once `lastScore` drops below 0.5.
 */
export function summarizeInterval(values: Float64Array, timestamps: Float64Array, result: DetectorResult, sinceMs: number): IntervalSummary {
  const alarms: AnomalousPoint[] = [];
  let maxScore = NaN;
  let lastScore = NaN;
  let scoredPoints = 0;
  for (let i = 0; i < timestamps.length; i++) {
    if (!(timestamps[i] > sinceMs)) continue;
    const score = result.scores[i];
    if (Number.isNaN(score)) continue;
    scoredPoints++;
    if (!(score <= maxScore)) maxScore = score;
    lastScore = score;
    if (result.labels[i]) alarms.push({ index: i, timestamp: timestamps[i], value: values[i], score });
  }
  return { alarms, maxScore, lastScore, scoredPoints };
}
