/**
 * Seeded synthetic series for the detector tests: 5-minute steps, Gaussian
 * noise, optional daily and weekly seasonality, and injectors for the
 * anomaly kinds the detectors must find.
 */
import { seededRandom } from '../../../lambdas/anomaly-check/detectors/isolation-forest';

export const STEP_MS = 5 * 60_000;
export const POINTS_PER_DAY = 288;
/** 2024-01-01T00:00:00Z, a Monday. */
export const START_MS = Date.UTC(2024, 0, 1);

export interface Synthetic {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export interface SyntheticOptions {
  readonly days: number;
  readonly seed?: number;
  readonly level?: number;
  readonly noise?: number;
  /** Amplitude of a daily sine (peak at 14:00 UTC). */
  readonly daily?: number;
  /** Extra level on weekdays (Monday to Friday). */
  readonly weekday?: number;
}

/** A standard normal sampler (Box-Muller) from a seeded uniform generator. */
export function normalSampler(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** The noise-free seasonal shape at a timestamp. */
export function seasonalShape(timestamp: number, options: SyntheticOptions): number {
  const dayPhase = ((timestamp - START_MS) % 86_400_000) / 86_400_000;
  const weekday = new Date(timestamp).getUTCDay();
  return (options.level ?? 100) + (options.daily ?? 0) * Math.sin(2 * Math.PI * (dayPhase - 14 / 24 + 0.25)) + (weekday >= 1 && weekday <= 5 ? options.weekday ?? 0 : 0);
}

/** A normal (anomaly-free) series. */
export function normalSeries(options: SyntheticOptions): Synthetic {
  const n = options.days * POINTS_PER_DAY;
  const noise = normalSampler(options.seed ?? 1);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timestamps[i] = START_MS + i * STEP_MS;
    values[i] = seasonalShape(timestamps[i], options) + (options.noise ?? 1) * noise();
  }
  return { timestamps, values };
}

/** Copies a series with `change(value, index)` applied from `from` to `to` (exclusive). */
export function inject(series: Synthetic, from: number, to: number, change: (value: number, index: number) => number): Synthetic {
  const values = Float64Array.from(series.values);
  for (let i = from; i < Math.min(to, values.length); i++) values[i] = change(values[i], i);
  return { timestamps: series.timestamps, values };
}

/** Indices where labels are 1. */
export function alarmsOf(labels: Uint8Array): number[] {
  const out: number[] = [];
  labels.forEach((label, i) => {
    if (label) out.push(i);
  });
  return out;
}
