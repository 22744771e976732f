/**
 * Seasonal baseline: compares each point with what the series did at the
 * same time of day, and of the week once two weeks are known, in its last
 * cycles ({@link SeasonalProfile}). It catches what level-based detectors
 * cannot see: a daily peak that does not come, a flat day, a peak at
 * night, all within the series' usual range of values.
 */
import { Alarm, surpriseToScore } from './alarm';
import { SeasonalProfile } from './seasonal-profile';
import { probabilityToSurprise, TailCalibrator, type TailCalibratorOptions } from './tail-surprise';
import { DAY_MS, WEEK_MS } from './time-step';
import { resolveMinHistory, resolveQuietMs, resolveSensitivity, scoreWithStream, type Detector, type DetectorOptions, type Sensitivity, type StreamingDetector } from './types';

/** Alarm thresholds on the seasonal surprise (-log10 probability), per sensitivity. */
export const SEASONAL_THRESHOLDS: Readonly<Record<Sensitivity, number>> = { low: 4, medium: 3, high: 2.5 };

/** Cycles each profile remembers: three days (median of 3), two weeks. */
const DAILY_CYCLES = 3;
const WEEKLY_CYCLES = 2;

/**
 * Points a seasonal departure waits before it joins the departures later
 * ones are judged against (an hour at a 5-minute step). A seasonal break
 * often builds up (a daily peak that does not come starts as a slightly
 * low morning); judged against its own first points, it would only ever
 * look a little worse than the last, and be flagged hours late.
 */
export const SEASONAL_LEARNING_DELAY = 12;

/**
 * One season: a profile and the calibration of the point's departures
 * from it against past departures ({@link TailCalibrator}).
 *
 * The departures are judged only once a full cycle of them is known (and
 * at least `minHistory`): how far a series strays from its profile depends
 * on the time of day (quiet nights, busy afternoons), so a calibration that
 * has seen only part of a day mistakes the first busy hour for an anomaly.
 * They are learned {@link SEASONAL_LEARNING_DELAY} points late.
 */
export class SeasonalView {
  private readonly profile: SeasonalProfile;
  private readonly residuals: TailCalibrator;

  constructor(
    periodMs: number,
    cycles: number,
    historyPoints: number,
    private readonly minHistory: number,
    tail: TailCalibratorOptions = {},
  ) {
    this.profile = new SeasonalProfile(periodMs, cycles, 2);
    this.residuals = new TailCalibrator(historyPoints, { learningDelay: SEASONAL_LEARNING_DELAY, ...tail });
  }

  /** Whether enough departures (a full cycle, and at least `minHistory`) are known to judge one. */
  get ready(): boolean {
    return this.residuals.size >= this.readyAt;
  }

  /** Departures needed before judging one: a full cycle (once the step is known), and at least `minHistory`. */
  private get readyAt(): number {
    return Math.max(this.minHistory, this.profile.bucketCount);
  }

  /**
   * Surprise of the point's departure from the profile (0 while the
   * profile or the calibration is still learning), then learns the point.
   */
  surpriseAndLearn(value: number, timestamp: number): number {
    return probabilityToSurprise(this.probabilityAndLearn(value, timestamp));
  }

  /** Two-sided tail probability of the point's departure (1 while learning), then learns the point. */
  probabilityAndLearn(value: number, timestamp: number): number {
    const expected = this.profile.expected(timestamp);
    let probability = 1;
    if (!Number.isNaN(expected)) {
      probability = this.residuals.probabilityThenPush(value - expected, this.readyAt, false);
    }
    this.profile.observe(value, timestamp);
    return probability;
  }
}

export interface SeasonalOptions extends DetectorOptions {
  /**
   * Past departures each season calibrates against.
   * @default 3000
   */
  readonly historyPoints?: number;
  /** Overrides the sensitivity's threshold. */
  readonly threshold?: number;
}

class SeasonalStream implements StreamingDetector {
  label: 0 | 1 = 0;
  private readonly daily: SeasonalView;
  private readonly weekly: SeasonalView;
  private readonly alarm: Alarm;

  constructor(minHistory: number, historyPoints: number, threshold: number, quietMs: number) {
    this.daily = new SeasonalView(DAY_MS, DAILY_CYCLES, historyPoints, minHistory);
    this.weekly = new SeasonalView(WEEK_MS, WEEKLY_CYCLES, historyPoints, minHistory);
    this.alarm = new Alarm(threshold, quietMs);
  }

  push(value: number, timestamp: number): number {
    this.label = 0;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return NaN;
    // The baseline exists once the daily profile has `minHistory` departures.
    const ready = this.daily.ready;
    const surprise = Math.max(this.daily.surpriseAndLearn(value, timestamp), this.weekly.surpriseAndLearn(value, timestamp));
    if (!ready) return NaN;
    // Two seasons, two chances to be surprised: a Bonferroni correction.
    const combined = Math.max(0, surprise - Math.LOG10E * Math.LN2);
    this.label = this.alarm.update(combined, timestamp);
    return surpriseToScore(combined, SEASONAL_THRESHOLDS.medium);
  }
}

/** Creates the seasonal-baseline detector. */
export function seasonalDetector(options: SeasonalOptions = {}): Detector {
  const minHistory = resolveMinHistory(options);
  const threshold = options.threshold ?? SEASONAL_THRESHOLDS[resolveSensitivity(options)];
  const historyPoints = Math.max(options.historyPoints ?? 3000, minHistory);
  const quietMs = resolveQuietMs(options);
  const stream = (): StreamingDetector => new SeasonalStream(minHistory, historyPoints, threshold, quietMs);
  return { name: 'seasonal', stream, score: (values, timestamps) => scoreWithStream(stream(), values, timestamps) };
}
