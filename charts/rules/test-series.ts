/**
 * Building blocks of the unit tests' input series, in promtool's
 * expanding notation. Series are one sample a minute unless a test says
 * otherwise; three hours of samples cover every `for` and window of the
 * catalogue except the few tests that give their own length.
 */
import { durationToSeconds } from '../../config/units';

/** Samples in a default series: 3 hours at one a minute. */
export const STEPS = 180;

/** `metric{a="b", ...}`. */
export function series(metric: string, labels: Readonly<Record<string, string>> = {}): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return pairs.length > 0 ? `${metric}{${pairs.join(', ')}}` : metric;
}

/** A gauge holding `value`. */
export function constant(value: number, steps: number = STEPS): string {
  return `${num(value)}x${steps}`;
}

/** A counter starting at `start` and growing by `perStep` each sample. */
export function growing(perStep: number, steps: number = STEPS, start = 0): string {
  return `${num(start)}+${num(perStep)}x${steps}`;
}

/** Seconds in a Prometheus duration. */
export function seconds(duration: string): number {
  return durationToSeconds(duration);
}

/** A number of seconds as a Prometheus duration (`3h5m`, `45s`). */
export function duration(totalSeconds: number): string {
  if (totalSeconds < 0 || !Number.isInteger(totalSeconds)) throw new Error(`${totalSeconds} is not a whole, non-negative number of seconds`);
  if (totalSeconds === 0) return '0s';
  const parts: string[] = [];
  let rest = totalSeconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.join('');
}

/** A number as promtool reads it: plain decimal, no exponent (the notation would read "1e-7" as a subtraction). */
function num(value: number): string {
  const text = String(value);
  if (/e/i.test(text)) throw new Error(`${value} needs exponent notation, which promtool's series notation cannot read; scale the test series`);
  return text;
}

/**
 * Evaluation interval of tests whose value depends on where a window ends:
 * evaluating on the sample grid keeps Prometheus from extrapolating past
 * the last sample, so an increase is exactly the samples' growth.
 */
export const ALIGNED = '1m';

/** Margins around a threshold: firing cases sit 2% above it, quiet cases 2% below. */
export const ABOVE = 1.02;
export const BELOW = 0.98;

/** Timing of an alert's tests: series long enough for its `for`, and when a quiet case is checked. */
export interface TestPlan {
  /** Samples per series. */
  readonly steps: number;
  /** When the firing condition first holds. */
  readonly conditionFrom: string;
  /** Well after the alert would have fired: condition start + `for` + 5 minutes. */
  readonly quietAt: string;
}

/** The plan for an alert with this `for`, whose condition holds from `conditionFromSeconds` on (default: the second sample). */
export function testPlan(forDuration: string, conditionFromSeconds = 60): TestPlan {
  const total = conditionFromSeconds + seconds(forDuration);
  return {
    steps: Math.max(STEPS, Math.ceil(total / 60) + 30),
    conditionFrom: duration(conditionFromSeconds),
    quietAt: duration(total + 300),
  };
}

/** An `increase(...[window]) > threshold` alert's counters: how fast they grow and when the condition holds. */
export interface IncreasePlan {
  /** Growth per one-minute sample of the firing counter. */
  readonly firingPerStep: number;
  /** Growth per sample of the quiet counter: 2% under the threshold over a full window. */
  readonly quietPerStep: number;
  /** First evaluation (whole minutes) at which the firing counter's increase exceeds the threshold. */
  readonly conditionFromSeconds: number;
  /** The increase the alert reports once the window is full of growth. */
  readonly fullWindowIncrease: number;
}

/**
 * Counters for an alert on `increase(counter[window]) > threshold`. The
 * counters start at 0, so Prometheus does not extrapolate before the first
 * sample: the increase after `m` minutes is `m` samples' growth until the
 * window is full.
 */
export function increasePlan(threshold: number, window: string): IncreasePlan {
  const windowMinutes = seconds(window) / 60;
  const fullWindowIncrease = threshold + 1;
  const firingPerStep = fullWindowIncrease / windowMinutes;
  const conditionFromMinutes = Math.max(1, Math.floor(threshold / firingPerStep) + 1);
  return { firingPerStep, quietPerStep: (threshold * BELOW) / windowMinutes, conditionFromSeconds: conditionFromMinutes * 60, fullWindowIncrease };
}
