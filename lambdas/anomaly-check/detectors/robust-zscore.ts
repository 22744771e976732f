/**
 * Robust z-score: the three-sigma rule with the median for the mean and
 * the median absolute deviation (MAD) for the standard deviation, over a
 * rolling window of past values. Outliers barely move either statistic, so
 * one spike does not hide the next, as it would with mean and variance.
 */
import { Alarm, NO_ESCALATION, gaussianSurprise, surpriseToScore } from './alarm';
import { SortedWindow } from './sorted-window';
import { resolveMinHistory, resolveQuietMs, resolveSensitivity, scoreWithStream, type Detector, type DetectorOptions, type Sensitivity, type StreamingDetector } from './types';

/** Alarm thresholds in robust standard deviations, per sensitivity. */
export const ROBUST_Z_THRESHOLDS: Readonly<Record<Sensitivity, number>> = { low: 8, medium: 6, high: 4.5 };

/** MAD of a normal distribution is 0.6745 sigma; this scales it back to sigma. */
const MAD_TO_SIGMA = 1.4826;
/** Mean absolute deviation of a normal distribution is 0.7979 sigma. */
const MEAN_ABS_TO_SIGMA = 1.2533;

export interface RobustZScoreOptions extends DetectorOptions {
  /**
   * Past values in the rolling window.
   * @default 1000
   */
  readonly windowPoints?: number;
  /** Overrides the sensitivity's threshold, in robust sigmas. */
  readonly threshold?: number;
}

/**
 * The robust z of `value` against a window: (value - median) / (1.4826 MAD).
 * When more than half the window is one value (MAD = 0: a flat line, or a
 * quantized metric), the scale falls back to the running mean absolute
 * deviation, so a series that is flat with rare blips is judged by how
 * large its blips usually are instead of dividing by zero.
 */
export function robustZ(value: number, window: SortedWindow, meanAbsDeviation: number): number {
  const median = window.median();
  const mad = window.mad();
  const scale = mad > 0 ? MAD_TO_SIGMA * mad : Math.max(MEAN_ABS_TO_SIGMA * meanAbsDeviation, 1e-9 * Math.abs(median), 1e-12);
  return (value - median) / scale;
}

class RobustZScoreStream implements StreamingDetector {
  label: 0 | 1 = 0;
  private readonly window: SortedWindow;
  private readonly alarm: Alarm;
  private meanAbsDeviation = 0;
  private readonly rate: number;

  constructor(
    private readonly minHistory: number,
    windowPoints: number,
    thresholdSigma: number,
    quietMs: number,
  ) {
    this.window = new SortedWindow(windowPoints);
    this.alarm = new Alarm(gaussianSurprise(thresholdSigma), quietMs, NO_ESCALATION);
    this.rate = 1 / windowPoints;
  }

  push(value: number, timestamp: number): number {
    this.label = 0;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return NaN;
    let score = NaN;
    if (this.window.size >= this.minHistory) {
      const surprise = gaussianSurprise(robustZ(value, this.window, this.meanAbsDeviation));
      this.label = this.alarm.update(surprise, timestamp);
      score = surpriseToScore(surprise, gaussianSurprise(ROBUST_Z_THRESHOLDS.medium));
    }
    if (this.window.size > 0) this.meanAbsDeviation += this.rate * (Math.abs(value - this.window.median()) - this.meanAbsDeviation);
    this.window.push(value);
    return score;
  }
}

/** Creates the robust z-score detector. */
export function robustZScoreDetector(options: RobustZScoreOptions = {}): Detector {
  const minHistory = resolveMinHistory(options);
  const threshold = options.threshold ?? ROBUST_Z_THRESHOLDS[resolveSensitivity(options)];
  const windowPoints = Math.max(options.windowPoints ?? 1000, minHistory);
  const quietMs = resolveQuietMs(options);
  const stream = (): StreamingDetector => new RobustZScoreStream(minHistory, windowPoints, threshold, quietMs);
  return { name: 'robust-zscore', stream, score: (values, timestamps) => scoreWithStream(stream(), values, timestamps) };
}
