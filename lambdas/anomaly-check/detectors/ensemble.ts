/**
 * The default detector. Several views of the series each say how rare the
 * current point is *for this series*, the rarest view wins, and one alarm
 * is raised per anomalous episode:
 *
 * - value: the value against the recent history of values (spikes, dips,
 *   new levels);
 * - level: the mean of the last few points against past means (sustained
 *   shifts too small for any single point to stand out);
 * - daily and weekly seasonality: the departure from what the series did at
 *   this time of day / week in the last cycles (a missing daily peak, a
 *   flat day, a peak at night), active once a season's profile is learned.
 *
 * Each view's statistic is calibrated against its own history by a
 * {@link TailCalibrator}, so evidence is a probability whatever the units,
 * noise or spikiness of the series: no per-series tuning. The views are
 * combined as the largest surprise minus log10(number of views) (a
 * Bonferroni correction: four chances to be surprised are worth four times
 * the false alarms).
 */
import { Alarm, surpriseToScore } from './alarm';
import { SeasonalView } from './seasonal';
import { TailCalibrator, type TailCalibratorOptions } from './tail-surprise';
import { DAY_MS, WEEK_MS } from './time-step';
import { resolveMinHistory, resolveQuietMs, resolveSensitivity, scoreWithStream, type Detector, type DetectorOptions, type DetectorResult, type Sensitivity, type StreamingDetector } from './types';

/**
 * Alarm thresholds on the combined surprise, per sensitivity: an alarm
 * needs a point rarer than 1 in 10^threshold for this series. `medium` was
 * chosen on the NAB development corpus; the false-alarm rates each level
 * gives on normal data are in docs/anomaly-detection.md.
 */
export const ENSEMBLE_THRESHOLDS: Readonly<Record<Sensitivity, number>> = { low: 4, medium: 3, high: 2.5 };

/** Options of the ensemble detector. */
export interface EnsembleOptions extends DetectorOptions {
  /**
   * Points of history each view calibrates against (about 10 days at a
   * 5-minute step; longer costs time and did not score better on NAB).
   * @default 3000
   */
  readonly historyPoints?: number;
  /**
   * Points averaged by the level view (an hour at a 5-minute step).
   * @default 12
   */
  readonly levelSpan?: number;
  /** Overrides the sensitivity's threshold (for tuning and tests). */
  readonly threshold?: number;
  /** Tail fit of every view's calibration. */
  readonly tail?: TailCalibratorOptions;
}

/** Number of views, for the Bonferroni correction (constant, so early and late points are judged alike). */
const VIEWS = 4;

/** A rolling mean over the last `span` valid values. */
class RollingMean {
  private readonly ring: Float64Array;
  private sum = 0;
  private count = 0;
  private next = 0;

  constructor(readonly span: number) {
    this.ring = new Float64Array(span);
  }

  /** Adds a value and returns the mean of the last `span` values (NaN until `span` are seen). */
  push(value: number): number {
    if (this.count === this.span) this.sum -= this.ring[this.next];
    else this.count++;
    this.ring[this.next] = value;
    this.sum += value;
    this.next = (this.next + 1) % this.span;
    return this.count === this.span ? this.sum / this.span : NaN;
  }
}

class EnsembleStream implements StreamingDetector {
  label: 0 | 1 = 0;
  private readonly values: TailCalibrator;
  private readonly levels: TailCalibrator;
  private readonly levelMean: RollingMean;
  private readonly daily: SeasonalView;
  private readonly weekly: SeasonalView;
  private readonly alarm: Alarm;

  constructor(
    private readonly minHistory: number,
    historyPoints: number,
    levelSpan: number,
    threshold: number,
    quietMs: number,
    tail: TailCalibratorOptions,
  ) {
    this.values = new TailCalibrator(historyPoints, tail);
    this.levels = new TailCalibrator(historyPoints, tail);
    this.levelMean = new RollingMean(levelSpan);
    this.daily = new SeasonalView(DAY_MS, 3, historyPoints, minHistory, tail);
    this.weekly = new SeasonalView(WEEK_MS, 2, historyPoints, minHistory, tail);
    this.alarm = new Alarm(threshold, quietMs);
  }

  push(value: number, timestamp: number): number {
    this.label = 0;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return NaN;
    const scored = this.values.size >= this.minHistory;
    const surprise = Math.max(this.valueSurprise(value), this.levelSurprise(value), this.daily.surpriseAndLearn(value, timestamp), this.weekly.surpriseAndLearn(value, timestamp));
    if (!scored) return NaN;
    const combined = Math.max(0, surprise - Math.log10(VIEWS));
    this.label = this.alarm.update(combined, timestamp);
    return surpriseToScore(combined, ENSEMBLE_THRESHOLDS.medium);
  }

  /** Surprise of the value itself (0 while learning), then learns it. */
  private valueSurprise(value: number): number {
    const surprise = this.values.size >= this.minHistory ? this.values.surprise(value) : 0;
    this.values.push(value);
    return surprise;
  }

  /** Surprise of the recent mean (0 while learning), then learns it. */
  private levelSurprise(value: number): number {
    const mean = this.levelMean.push(value);
    if (Number.isNaN(mean)) return 0;
    const surprise = this.levels.size >= this.minHistory ? this.levels.surprise(mean) : 0;
    this.levels.push(mean);
    return surprise;
  }
}

/** Creates the default (ensemble) detector. */
export function ensembleDetector(options: EnsembleOptions = {}): Detector {
  const minHistory = resolveMinHistory(options);
  const sensitivity = resolveSensitivity(options);
  const historyPoints = options.historyPoints ?? 3000;
  const levelSpan = options.levelSpan ?? 12;
  if (!Number.isInteger(historyPoints) || historyPoints < 2) throw new Error(`historyPoints must be an integer >= 2, got ${historyPoints}`);
  if (!Number.isInteger(levelSpan) || levelSpan < 1) throw new Error(`levelSpan must be a positive integer, got ${levelSpan}`);
  const quietMs = resolveQuietMs(options);
  const threshold = options.threshold ?? ENSEMBLE_THRESHOLDS[sensitivity];
  const stream = (): StreamingDetector => new EnsembleStream(minHistory, Math.max(historyPoints, minHistory), levelSpan, threshold, quietMs, options.tail ?? {});
  return {
    name: 'ensemble',
    stream,
    score: (values: Float64Array, timestamps: Float64Array): DetectorResult => scoreWithStream(stream(), values, timestamps),
  };
}
