/**
 * The contract every detector implements. Detectors are causal: the score
 * of point i depends only on points 0..i (the point itself is compared with
 * a baseline learned from the points before it), so a score measured
 * offline is the score production computes, and appending points never
 * changes earlier scores.
 */
import { DEFAULT_QUIET_MS, type Alarm } from './alarm';
import { SENSITIVITIES, type Sensitivity } from './names';

/**
 * How readily a detector raises alarms. Each level is a threshold on the
 * detector's own score plus a quiet period after an alarm; the measured
 * false-alarm rates per level are in docs/anomaly-detection.md.
 * - `low`: only large, clear departures (fewest alarms).
 * - `medium` (default): tuned on the NAB benchmark's standard profile.
 * - `high`: also subtler departures; expect several times more alarms.
 */
export { type Sensitivity, SENSITIVITIES } from './names';

/** Options every detector accepts. */
export interface DetectorOptions {
  /**
   * Valid points the baseline must have seen before a point is scored;
   * earlier points get score NaN and label 0.
   * @default 100
   */
  readonly minHistory?: number;
  /** @default 'medium' */
  readonly sensitivity?: Sensitivity;
  /**
   * After an alarm, series time (ms) during which only a much stronger
   * event raises another (see {@link Alarm}).
   * @default 86_400_000 (one day); the default (`ensemble`) detector: 43_200_000 (12 hours), with its episode rule
   */
  readonly quietMs?: number;
}

/** Per-point output, aligned with the input arrays. */
export interface DetectorResult {
  /**
   * Anomaly score in [0, 1], higher is more unusual; NaN where the point
   * was not scored (a NaN value, or fewer than `minHistory` points before it).
   */
  readonly scores: Float64Array;
  /** 1 where the detector raises an alarm (its own threshold), else 0. */
  readonly labels: Uint8Array;
}

/**
 * Point-by-point form of a detector. `push` consumes one point and returns
 * its score (NaN when unscored); `label` is then the alarm for that point.
 * A NaN value is skipped: it gets no score and leaves the state unchanged.
 */
export interface StreamingDetector {
  push(value: number, timestamp: number): number;
  readonly label: 0 | 1;
}

/** A named detector: batch scoring over whole series. */
export interface Detector {
  readonly name: string;
  /**
   * Scores a series. `timestamps` are UTC milliseconds, aligned with
   * `values` (the seasonal detector derives its period from them).
   */
  score(values: Float64Array, timestamps: Float64Array): DetectorResult;
  /** A fresh streaming instance; feeding it the same points yields the same scores as `score`. */
  stream(): StreamingDetector;
}

/** Default number of valid points before the first score. */
export const DEFAULT_MIN_HISTORY = 100;

/** Checks and resolves `minHistory`, naming the option in the error. */
export function resolveMinHistory(options: DetectorOptions): number {
  const minHistory = options.minHistory ?? DEFAULT_MIN_HISTORY;
  if (!Number.isInteger(minHistory) || minHistory < 2) throw new Error(`minHistory must be an integer >= 2, got ${minHistory}`);
  return minHistory;
}

/** Checks and resolves `quietMs`, naming the option in the error. */
export function resolveQuietMs(options: DetectorOptions): number {
  const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  if (!(quietMs >= 0)) throw new Error(`quietMs must be a duration in milliseconds >= 0, got ${quietMs}`);
  return quietMs;
}

/** Checks and resolves `sensitivity`, naming the option in the error. */
export function resolveSensitivity(options: DetectorOptions): Sensitivity {
  const sensitivity = options.sensitivity ?? 'medium';
  if (!SENSITIVITIES.includes(sensitivity)) throw new Error(`sensitivity must be one of ${SENSITIVITIES.join(', ')}, got "${sensitivity}"`);
  return sensitivity;
}

/**
 * Runs a streaming detector over a whole series: the batch form every
 * detector shares, so batch and streaming results agree by construction.
 */
export function scoreWithStream(stream: StreamingDetector, values: Float64Array, timestamps: Float64Array): DetectorResult {
  if (values.length !== timestamps.length) throw new Error(`values has ${values.length} points but timestamps has ${timestamps.length}; they must be aligned`);
  const scores = new Float64Array(values.length);
  const labels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    scores[i] = stream.push(values[i], timestamps[i]);
    labels[i] = stream.label;
  }
  return { scores, labels };
}
