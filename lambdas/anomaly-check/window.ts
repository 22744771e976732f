/**
 * Which points a run looks at. Runs start on a fixed grid (every 15
 * minutes on the quarter hour by default); the newest interval of a run at
 * time `now` is everything after the start of the grid cell before `now`'s,
 * so consecutive on-time runs cover consecutive cells exactly once, and a
 * late run (a retry) still covers the cell its predecessor closed.
 */
import { durationToSeconds } from '../../config/units';
import type { AnomalyCheck } from './checks-file';

/** The newest interval: points with `since < t <= until` (UTC ms). */
export interface EvaluationWindow {
  readonly since: number;
  readonly until: number;
}

/** The newest interval of a run at `nowMs` with runs every `intervalMs`. */
export function evaluationWindow(nowMs: number, intervalMs: number): EvaluationWindow {
  if (!(intervalMs > 0)) throw new Error(`evaluationWindow: 'intervalMs' (${intervalMs}) must be positive`);
  return { since: Math.floor((nowMs - intervalMs) / intervalMs) * intervalMs, until: nowMs };
}

/** The range query of a check: `lookback` of points every `step`, the last at or before `nowMs`. */
export interface QueryRange {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  /** Points per series on the grid, both ends included. */
  readonly points: number;
}

/** The step-aligned range a check queries at `nowMs`: the grid is the same for every series and every run. */
export function queryRange(check: Pick<AnomalyCheck, 'step' | 'lookback'>, nowMs: number): QueryRange {
  const stepMs = durationToSeconds(check.step) * 1000;
  const lookbackMs = durationToSeconds(check.lookback) * 1000;
  const endMs = Math.floor(nowMs / stepMs) * stepMs;
  const steps = Math.floor(lookbackMs / stepMs);
  return { startMs: endMs - steps * stepMs, endMs, stepMs, points: steps + 1 };
}
