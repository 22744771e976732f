/**
 * One check, from query to per-series verdicts: `query_range` over the
 * lookback read onto the step grid (`range-reader.ts`, in chunks), each
 * series scored causally by the check's detector, and its newest
 * interval summarized. Decisions about alerts come later
 * (`decide.ts`); this module only measures.
 */
import { gridTimestamps } from './align';
import type { AnomalyCheck } from './checks-file';
import { type AnomalousPoint, scoreSeries, summarizeInterval } from './detectors';
import { type GridReader, TooManySeriesError } from './range-reader';
import { type EvaluationWindow, type QueryRange, queryRange } from './window';

/**
 * - `scored`: the newest interval has scored points;
 * - `insufficient-history`: fewer valid points than `minHistory` (a new series, or one mostly gaps);
 * - `stale`: scored before, but nothing in the newest interval (the series stopped or has a gap now).
 */
export type SeriesState = 'scored' | 'insufficient-history' | 'stale';

export interface SeriesEvaluation {
  /** The series' labels as the query returned them. */
  readonly labels: Readonly<Record<string, string>>;
  readonly state: SeriesState;
  /** New anomalous episodes that started in the newest interval. */
  readonly alarms: readonly AnomalousPoint[];
  /** Score of the newest scored point of the interval; NaN when none. */
  readonly lastScore: number;
  /** Highest score in the interval; NaN when none. */
  readonly maxScore: number;
  /** Newest finite value in the interval and its time (UTC ms); NaN when none. */
  readonly lastValue: number;
  readonly lastTimestamp: number;
  /** Grid points of the whole lookback without a value. */
  readonly missingPoints: number;
}

export interface CheckEvaluation {
  readonly check: AnomalyCheck;
  readonly range: QueryRange;
  readonly window: EvaluationWindow;
  readonly series: SeriesEvaluation[];
  /** Samples the query returned. */
  readonly samples: number;
  /** Samples that were NaN or infinite. */
  readonly nonFiniteSamples: number;
  /** Samples off the step grid (ignored). */
  readonly offGridSamples: number;
  readonly queryMs: number;
  readonly scoreMs: number;
}

/** A check that cannot be evaluated as configured (its answer, not Prometheus, is the problem). */
export class CheckEvaluationError extends Error {
  constructor(
    readonly check: string,
    message: string,
  ) {
    super(`check "${check}": ${message}`);
    this.name = 'CheckEvaluationError';
  }
}

/** Query, align and score one check as of `nowMs`. */
export async function evaluateCheck(check: AnomalyCheck, reader: GridReader, nowMs: number, window: EvaluationWindow, clock: () => number = Date.now): Promise<CheckEvaluation> {
  const range = queryRange(check, nowMs);
  const queryStarted = clock();
  let answer;
  try {
    answer = await reader.readGrid(check.query, range, check.maxSeries);
  } catch (error) {
    if (error instanceof TooManySeriesError) {
      throw new CheckEvaluationError(check.name, `${error.message}; aggregate the query (e.g. "sum by (service) (...)") to what should alert, or raise maxSeries`);
    }
    throw error;
  }
  const queryMs = clock() - queryStarted;
  const scoreStarted = clock();
  const timestamps = gridTimestamps(range);
  let nonFiniteSamples = 0;
  const series = answer.series.map((gridSeries) => {
    nonFiniteSamples += gridSeries.nonFinite;
    let missing = 0;
    for (let i = 0; i < gridSeries.values.length; i++) if (Number.isNaN(gridSeries.values[i])) missing++;
    return evaluateSeries(check, gridSeries.metric, gridSeries.values, timestamps, window, missing);
  });
  return { check, range, window, series, samples: answer.samples, nonFiniteSamples, offGridSamples: answer.offGrid, queryMs, scoreMs: clock() - scoreStarted };
}

/** Score one aligned series and summarize its newest interval. */
export function evaluateSeries(
  check: Pick<AnomalyCheck, 'detector' | 'sensitivity' | 'minHistory'>,
  labels: Readonly<Record<string, string>>,
  values: Float64Array,
  timestamps: Float64Array,
  window: EvaluationWindow,
  missingPoints: number,
): SeriesEvaluation {
  const scored = scoreSeries(values, timestamps, { detector: check.detector, sensitivity: check.sensitivity, minHistory: check.minHistory });
  const interval = summarizeInterval(values, timestamps, scored, window.since);
  let lastValue = NaN;
  let lastTimestamp = NaN;
  for (let i = values.length - 1; i >= 0 && timestamps[i] > window.since; i--) {
    if (Number.isFinite(values[i])) {
      lastValue = values[i];
      lastTimestamp = timestamps[i];
      break;
    }
  }
  const state = scored.status === 'insufficient-history' ? 'insufficient-history' : interval.scoredPoints === 0 ? 'stale' : 'scored';
  return { labels, state, alarms: interval.alarms, lastScore: interval.lastScore, maxScore: interval.maxScore, lastValue, lastTimestamp, missingPoints };
}
