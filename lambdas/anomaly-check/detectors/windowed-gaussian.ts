/**
 * Baseline: NAB's "windowed Gaussian" detector. The mean and standard
 * deviation of a sliding window of past values define a normal
 * distribution; a value's score is how far into its tails it falls. Plain
 * statistics, no robustness: one outlier widens the window's deviation for
 * as long as it stays in the window. Kept to show what the other detectors
 * add, and measured with the same alarm policy as they are.
 */
import { Alarm, NO_ESCALATION, gaussianSurprise, surpriseToScore } from './alarm';
import { resolveMinHistory, resolveQuietMs, resolveSensitivity, scoreWithStream, type Detector, type DetectorOptions, type Sensitivity, type StreamingDetector } from './types';

/** Alarm thresholds in standard deviations, per sensitivity. */
export const WINDOWED_GAUSSIAN_THRESHOLDS: Readonly<Record<Sensitivity, number>> = { low: 4.5, medium: 3.5, high: 3 };

export interface WindowedGaussianOptions extends DetectorOptions {
  /**
   * Past values in the window (NAB's tuned value).
   * @default 6400
   */
  readonly windowPoints?: number;
  /** Overrides the sensitivity's threshold, in sigmas. */
  readonly threshold?: number;
}

/**
 * Mean and variance of a sliding window from running sums. Values are
 * stored relative to the first one seen, so large offsets (byte counters)
 * do not cancel the variance away in floating point.
 */
export class SlidingMoments {
  private readonly ring: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;
  private sumSquares = 0;
  private offset = NaN;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get mean(): number {
    return this.offset + this.sum / this.count;
  }

  /** Population standard deviation (as numpy's std). */
  get std(): number {
    const m = this.sum / this.count;
    return Math.sqrt(Math.max(0, this.sumSquares / this.count - m * m));
  }

  push(value: number): void {
    if (Number.isNaN(this.offset)) this.offset = value;
    const x = value - this.offset;
    if (this.count === this.capacity) {
      const old = this.ring[this.next];
      this.sum -= old;
      this.sumSquares -= old * old;
    } else this.count++;
    this.ring[this.next] = x;
    this.sum += x;
    this.sumSquares += x * x;
    this.next = (this.next + 1) % this.capacity;
  }
}

class WindowedGaussianStream implements StreamingDetector {
  label: 0 | 1 = 0;
  private readonly window: SlidingMoments;
  private readonly alarm: Alarm;

  constructor(
    private readonly minHistory: number,
    windowPoints: number,
    threshold: number,
    quietMs: number,
  ) {
    this.window = new SlidingMoments(windowPoints);
    this.alarm = new Alarm(gaussianSurprise(threshold), quietMs, NO_ESCALATION);
  }

  push(value: number, timestamp: number): number {
    this.label = 0;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return NaN;
    let score = NaN;
    if (this.window.size >= this.minHistory) {
      // NAB floors a zero deviation at 1e-6 the same way.
      const z = (value - this.window.mean) / Math.max(this.window.std, 1e-6);
      const surprise = gaussianSurprise(z);
      this.label = this.alarm.update(surprise, timestamp);
      score = surpriseToScore(surprise, gaussianSurprise(WINDOWED_GAUSSIAN_THRESHOLDS.medium));
    }
    this.window.push(value);
    return score;
  }
}

/** Creates the windowed-Gaussian baseline. */
export function windowedGaussianDetector(options: WindowedGaussianOptions = {}): Detector {
  const minHistory = resolveMinHistory(options);
  const threshold = options.threshold ?? WINDOWED_GAUSSIAN_THRESHOLDS[resolveSensitivity(options)];
  const windowPoints = Math.max(options.windowPoints ?? 6400, minHistory);
  const quietMs = resolveQuietMs(options);
  const stream = (): StreamingDetector => new WindowedGaussianStream(minHistory, windowPoints, threshold, quietMs);
  return { name: 'windowed-gaussian', stream, score: (values, timestamps) => scoreWithStream(stream(), values, timestamps) };
}
