/**
 * The default detector. Several views of the series each say how rare the
 * current point is *for this series*, the rarest view wins, and one alarm
 * is raised per anomalous episode:
 *
 * - value: the value against the recent history of values (spikes, dips,
 *   new levels);
 * - level: the mean of the last few points against past means (sustained
 *   shifts too small for any single point to stand out);
 * - local: the value's departure from the median of the points just before
 *   it (a jump judged against where the series is now, so a spike inside
 *   the usual range, from a low level, still stands out);
 * - spread: the median absolute deviation of the last few hours against
 *   past ones (the series turning noisy: variance changes, oscillations);
 * - daily and weekly seasonality: the departure from what the series did at
 *   this time of day / week in the last cycles (a missing daily peak, a
 *   flat day, a peak at night), active once a season's profile is learned.
 *
 * Each view's statistic is calibrated against its own history by a
 * {@link TailCalibrator}, so evidence is a probability whatever the units,
 * noise or spikiness of the series: no per-series tuning. The views are
 * combined as the largest surprise minus log10(number of views) (a
 * Bonferroni correction: six chances to be surprised are worth six times
 * the false alarms).
 */
import { Alarm, surpriseToScore } from './alarm';
import { LocalDeparture, RollingMean, RollingSpread } from './rolling';
import { SeasonalView } from './seasonal';
import { probabilityToSurprise, TailCalibrator, type TailCalibratorOptions } from './tail-surprise';
import { DAY_MS, WEEK_MS } from './time-step';
import { resolveMinHistory, resolveQuietMs, resolveSensitivity, scoreWithStream, type Detector, type DetectorOptions, type DetectorResult, type Sensitivity, type StreamingDetector } from './types';

/**
 * Alarm thresholds on the combined surprise, per sensitivity: an alarm
 * needs a point rarer than 1 in 10^threshold for this series. `medium` is
 * the definition (1 in 1,000), which is also the best single threshold on
 * the NAB development corpus; the false-alarm rates each level gives on
 * normal data are in docs/anomaly-detection.md.
 */
export const ENSEMBLE_THRESHOLDS: Readonly<Record<Sensitivity, number>> = { low: 4, medium: 3, high: 2.5 };

/**
 * The default detector's quiet period after an alarm (series time): 12
 * hours. Shorter than other detectors' day because the episode rule below
 * already keeps a lasting disturbance to one alarm; a second, separate
 * incident the same day gets its own.
 */
export const ENSEMBLE_QUIET_MS = 12 * 3_600_000;

/**
 * Points the evidence must stay below half the alarm threshold before an
 * episode is over and a new one may alarm (6 hours at a 5-minute step).
 */
export const EPISODE_CALM_POINTS = 72;

/** Points before a value whose median the local view departs from (an hour at 5 minutes). */
const LOCAL_SPAN = 12;

/** Points whose spread the spread view follows (4 hours at 5 minutes). */
const SPREAD_SPAN = 48;

/** Options of the ensemble detector. */
export interface EnsembleOptions extends DetectorOptions {
  /**
   * Points of history each view calibrates against (30 days at a 5-minute
   * step; the Lambda's 7-day lookback uses all of its points).
   * @default 8640
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
const VIEWS = 6;

/**
 * A view whose tail probability is 1 / VIEWS or more adds nothing to the
 * combined evidence (its surprise is within the correction), so its
 * calibration only keeps the rarer values in order (the cheap path of
 * {@link TailCalibrator}): the results are the same.
 */
const RELEVANT_BELOW = 1 / VIEWS;

/** A statistic judged against its own history. */
class CalibratedView {
  private readonly calibrator: TailCalibrator;

  constructor(
    historyPoints: number,
    private readonly minHistory: number,
    tail: TailCalibratorOptions,
    private readonly upperOnly = false,
  ) {
    this.calibrator = new TailCalibrator(historyPoints, { ...tail, relevantBelow: RELEVANT_BELOW, upperOnly });
  }

  /** Values learned so far (capped at the history length). */
  get size(): number {
    return this.calibrator.size;
  }

  /**
   * Tail probability of `statistic` (1 while learning, or when the
   * statistic is not defined yet), then learns it.
   */
  judge(statistic: number): number {
    if (Number.isNaN(statistic)) return 1;
    return this.calibrator.probabilityThenPush(statistic, this.minHistory, this.upperOnly);
  }
}

class EnsembleStream implements StreamingDetector {
  label: 0 | 1 = 0;
  private readonly value: CalibratedView;
  private readonly level: CalibratedView;
  private readonly local: CalibratedView;
  private readonly spread: CalibratedView;
  private readonly levelMean: RollingMean;
  private readonly localDeparture = new LocalDeparture(LOCAL_SPAN);
  private readonly recentSpread = new RollingSpread(SPREAD_SPAN);
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
    this.value = new CalibratedView(historyPoints, minHistory, tail);
    this.level = new CalibratedView(historyPoints, minHistory, tail);
    this.local = new CalibratedView(historyPoints, minHistory, tail);
    // Only a noisier series is news: a calmer one is caught by the value and level views if it moves.
    this.spread = new CalibratedView(historyPoints, minHistory, tail, true);
    this.levelMean = new RollingMean(levelSpan);
    this.daily = new SeasonalView(DAY_MS, 3, historyPoints, minHistory, { ...tail, relevantBelow: RELEVANT_BELOW });
    this.weekly = new SeasonalView(WEEK_MS, 2, historyPoints, minHistory, { ...tail, relevantBelow: RELEVANT_BELOW });
    this.alarm = new Alarm(threshold, quietMs, undefined, { level: threshold / 2, points: EPISODE_CALM_POINTS, buildUpPoints: levelSpan });
  }

  push(value: number, timestamp: number): number {
    this.label = 0;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return NaN;
    const scored = this.value.size >= this.minHistory;
    // The rarest view wins: the smallest probability, one logarithm.
    const rarest = Math.min(
      this.value.judge(value),
      this.level.judge(this.levelMean.push(value)),
      this.local.judge(this.localDeparture.push(value)),
      this.spread.judge(this.recentSpread.push(value)),
      this.daily.probabilityAndLearn(value, timestamp),
      this.weekly.probabilityAndLearn(value, timestamp),
    );
    if (!scored) return NaN;
    const combined = Math.max(0, probabilityToSurprise(rarest) - Math.log10(VIEWS));
    this.label = this.alarm.update(combined, timestamp);
    return surpriseToScore(combined, ENSEMBLE_THRESHOLDS.medium);
  }
}

/** Creates the default (ensemble) detector. */
export function ensembleDetector(options: EnsembleOptions = {}): Detector {
  const minHistory = resolveMinHistory(options);
  const sensitivity = resolveSensitivity(options);
  const historyPoints = options.historyPoints ?? 8640;
  const levelSpan = options.levelSpan ?? 12;
  if (!Number.isInteger(historyPoints) || historyPoints < 2) throw new Error(`historyPoints must be an integer >= 2, got ${historyPoints}`);
  if (!Number.isInteger(levelSpan) || levelSpan < 1) throw new Error(`levelSpan must be a positive integer, got ${levelSpan}`);
  const quietMs = resolveQuietMs({ quietMs: options.quietMs ?? ENSEMBLE_QUIET_MS });
  const threshold = options.threshold ?? ENSEMBLE_THRESHOLDS[sensitivity];
  const stream = (): StreamingDetector => new EnsembleStream(minHistory, Math.max(historyPoints, minHistory), levelSpan, threshold, quietMs, options.tail ?? {});
  return {
    name: 'ensemble',
    stream,
    score: (values: Float64Array, timestamps: Float64Array): DetectorResult => scoreWithStream(stream(), values, timestamps),
  };
}
