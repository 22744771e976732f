/**
 * From evidence to decisions: how a detector turns its per-point evidence
 * (a *surprise*, -log10 of a tail probability) into a score in [0, 1] and
 * a 0/1 alarm, the same way for every detector.
 */

/**
 * Maps surprise to a score in [0, 1): 0 for nothing unusual, 0.5 exactly at
 * `reference` (a detector's medium-sensitivity threshold), 0.75 at twice
 * that, towards 1 beyond. Monotone, so ranking by score ranks by evidence.
 */
export function surpriseToScore(surprise: number, reference: number): number {
  return surprise > 0 ? 1 - Math.exp((-Math.LN2 * surprise) / reference) : 0;
}

/**
 * Two-sided Gaussian surprise of a z-score: -log10 P(|Z| >= |z|). Used by
 * the parametric detectors (robust z-score, EWMA), whose thresholds are
 * then the familiar sigma multiples: 3 sigma is a surprise of 2.57.
 */
export function gaussianSurprise(z: number): number {
  const a = Math.abs(z);
  if (!(a > 0)) return 0;
  // log10(erfc(a / sqrt 2)) without underflow: erfc's asymptotic form takes
  // over where the series is exact to double precision anyway.
  return a < 5 ? -Math.log10(erfc(a / Math.SQRT2)) : (a * a) / 2 / Math.LN10 + Math.log10(a * Math.sqrt(Math.PI / 2)) + Math.log10(1 + 1 / (a * a));
}

/** The complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly = -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

/** Quiet period after an alarm when a detector is not told otherwise: one day. */
export const DEFAULT_QUIET_MS = 86_400_000;

/** Orders of magnitude (of surprise) by which a new alarm must beat the last one to break the quiet period. */
export const DEFAULT_ESCALATION = 3;

/**
 * For detectors whose surprise is a parametric z (robust z-score, EWMA,
 * the baselines): on a flat or quantized series any blip has an enormous
 * z, so escalation would let every blip through. Only calibrated surprise
 * (ensemble, seasonal, isolation forest) escalates.
 */
export const NO_ESCALATION = Infinity;

/**
 * When an anomalous episode is over: the evidence has stayed below `level`
 * for `points` consecutive scored points.
 */
export interface EpisodeEnd {
  readonly level: number;
  readonly points: number;
  /**
   * Scored points after an alarm during which even far stronger evidence
   * is the same episode building up (a shift filling a rolling mean), not
   * a new one: escalation counts only after them.
   * @default 0
   */
  readonly buildUpPoints?: number;
}

/**
 * Raises an alarm when the evidence crosses a threshold, then stays quiet
 * for `quietMs` of series time: one alarm per anomalous episode is what
 * people (and NAB) reward, the first alarm is the news and repeats are
 * noise. A much stronger event still gets through the quiet period when
 * its surprise beats the strongest evidence since the last alarm by
 * `escalation` (1000 times rarer by default), so a small false alarm cannot
 * hide a large anomaly that follows, while an episode that merely grows
 * stays one alarm.
 *
 * With an `episodeEnd`, the quiet period also lasts until the episode is
 * over: an alarm is only raised again once the evidence has settled below
 * `episodeEnd.level` for `episodeEnd.points` points, so a disturbance that
 * lasts longer than the quiet period (a noisy afternoon, a slow incident)
 * is still one alarm, while two episodes separated by calm get one each.
 */
export class Alarm {
  private quietUntil = -Infinity;
  private lastAlarm = 0;
  private episodeOver = true;
  private calmPoints = 0;
  private sinceAlarm = 0;

  constructor(
    readonly threshold: number,
    readonly quietMs: number = DEFAULT_QUIET_MS,
    readonly escalation: number = DEFAULT_ESCALATION,
    readonly episodeEnd?: EpisodeEnd,
  ) {}

  /** Feeds one scored point's surprise at `timestamp` (UTC ms); returns 1 when it raises an alarm. */
  update(surprise: number, timestamp: number): 0 | 1 {
    this.sinceAlarm++;
    if (!this.episodeOver) this.followEpisode(surprise);
    if (!(surprise > this.threshold)) return 0;
    const quiet = timestamp < this.quietUntil || !this.episodeOver;
    const buildingUp = this.sinceAlarm <= (this.episodeEnd?.buildUpPoints ?? 0);
    if (quiet && (buildingUp || !(surprise > this.lastAlarm + this.escalation))) {
      // The bar follows the episode's peak, so an episode that grows
      // gradually is not re-announced at each step of its growth.
      if (surprise > this.lastAlarm) this.lastAlarm = surprise;
      return 0;
    }
    this.quietUntil = timestamp + this.quietMs;
    this.lastAlarm = surprise;
    this.sinceAlarm = 0;
    this.episodeOver = this.episodeEnd === undefined;
    this.calmPoints = 0;
    return 1;
  }

  /** Counts calm points after an alarm; the episode is over after enough in a row. */
  private followEpisode(surprise: number): void {
    const end = this.episodeEnd!;
    if (!(surprise < end.level)) {
      this.calmPoints = 0;
      return;
    }
    if (++this.calmPoints >= end.points) this.episodeOver = true;
  }
}
