/**
 * EWMA control chart: an exponentially weighted mean and variance, and an
 * alarm when a value leaves the band mean +/- L standard deviations. The
 * updates are clipped at the band's edge (a Huber-style update), so an
 * outlier nudges the baseline instead of dragging it along, and a lasting
 * shift is still absorbed within a few half-lives.
 */
import { Alarm, NO_ESCALATION, gaussianSurprise, surpriseToScore } from './alarm';
import { resolveMinHistory, resolveQuietMs, resolveSensitivity, scoreWithStream, type Detector, type DetectorOptions, type Sensitivity, type StreamingDetector } from './types';

/** Control band half-widths (L, in EW standard deviations), per sensitivity. */
export const EWMA_BANDS: Readonly<Record<Sensitivity, number>> = { low: 8, medium: 6, high: 4.5 };

/** Residuals beyond this many sigmas update the baseline as if they were at it. */
const CLIP_SIGMA = 3;

export interface EwmaOptions extends DetectorOptions {
  /**
   * Half-life of the weights, in points: after this many points a value
   * counts half as much.
   * @default 100
   */
  readonly halfLifePoints?: number;
  /** Overrides the sensitivity's band, in sigmas. */
  readonly band?: number;
}

/** Exponentially weighted mean and variance with clipped updates. */
export class EwmaBaseline {
  mean = NaN;
  variance = 0;
  count = 0;

  constructor(private readonly alpha: number) {}

  /** Standard deviation, floored so a flat history still yields a finite z. */
  get sigma(): number {
    return Math.max(Math.sqrt(this.variance), 1e-9 * Math.abs(this.mean), 1e-12);
  }

  /** z of a value against the current baseline. */
  z(value: number): number {
    return (value - this.mean) / this.sigma;
  }

  /** Learns a value; clips it at CLIP_SIGMA once `clip` is true. */
  update(value: number, clip: boolean): void {
    if (this.count++ === 0) {
      this.mean = value;
      return;
    }
    let residual = value - this.mean;
    if (clip) {
      const edge = CLIP_SIGMA * this.sigma;
      residual = residual > edge ? edge : residual < -edge ? -edge : residual;
    }
    this.mean += this.alpha * residual;
    this.variance = (1 - this.alpha) * (this.variance + this.alpha * residual * residual);
  }
}

class EwmaStream implements StreamingDetector {
  label: 0 | 1 = 0;
  private readonly baseline: EwmaBaseline;
  private readonly alarm: Alarm;

  constructor(
    private readonly minHistory: number,
    halfLifePoints: number,
    band: number,
    quietMs: number,
  ) {
    this.baseline = new EwmaBaseline(1 - Math.pow(0.5, 1 / halfLifePoints));
    this.alarm = new Alarm(gaussianSurprise(band), quietMs, NO_ESCALATION);
  }

  push(value: number, timestamp: number): number {
    this.label = 0;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return NaN;
    const ready = this.baseline.count >= this.minHistory;
    let score = NaN;
    if (ready) {
      const surprise = gaussianSurprise(this.baseline.z(value));
      this.label = this.alarm.update(surprise, timestamp);
      score = surpriseToScore(surprise, gaussianSurprise(EWMA_BANDS.medium));
    }
    this.baseline.update(value, ready);
    return score;
  }
}

/** Creates the EWMA control-chart detector. */
export function ewmaDetector(options: EwmaOptions = {}): Detector {
  const minHistory = resolveMinHistory(options);
  const band = options.band ?? EWMA_BANDS[resolveSensitivity(options)];
  const halfLife = options.halfLifePoints ?? 100;
  if (!(halfLife > 0)) throw new Error(`halfLifePoints must be positive, got ${halfLife}`);
  const quietMs = resolveQuietMs(options);
  const stream = (): StreamingDetector => new EwmaStream(minHistory, halfLife, band, quietMs);
  return { name: 'ewma', stream, score: (values, timestamps) => scoreWithStream(stream(), values, timestamps) };
}
