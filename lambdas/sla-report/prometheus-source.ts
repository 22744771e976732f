/**
 * What the report reads from Prometheus, through its HTTP API, trusting
 * nothing it receives:
 *
 * - the step records of an objective over a range, as raw recorded samples
 *   (an instant query of a range selector, in chunks of 7 days), so the
 *   report sums them itself with their exact timestamps;
 * - raw samples of a selector around one step, to recount it;
 * - the last value of each series before an instant (a day back at most).
 *
 * Failures are of two kinds. A query Prometheus refuses (400, 422: the
 * query is wrong) is the objective's problem: `PrometheusQueryError`, and
 * the report marks that objective failed. Anything else (unreachable,
 * 5xx, timeouts, an answer that is not the documented JSON, or one that
 * carries `warnings`, i.e. partial data) is retried with backoff within
 * the invocation's time, then fails the whole run with
 * `PrometheusUnavailableError`: no report is built on missing data.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/
 */
import { Deadline } from '../shared/deadline';
import { postApi, PrometheusQueryError } from '../shared/prometheus-client';
import { describeError, isRetryable } from '../shared/retry';
import type { RawSeries } from './raw-counts';

export { PrometheusQueryError };

/** Prometheus could not give a complete answer within the retries and the time left. */
export class PrometheusUnavailableError extends Error {
  constructor(
    readonly query: string,
    readonly cause: unknown,
  ) {
    super(`Prometheus could not answer ${JSON.stringify(query)}: ${describeError(cause)}`);
    this.name = 'PrometheusUnavailableError';
  }
}

/** An answer that is not what the API documents (retried: a proxy or a cut connection may have mangled it). */
export class MalformedAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedAnswerError';
  }
}

/** An answer with `warnings`: Prometheus says the data may be incomplete (retried, then a failure). */
export class PartialAnswerError extends Error {
  constructor(readonly warnings: readonly string[]) {
    super(`the answer is partial: ${warnings.join('; ')}`);
    this.name = 'PartialAnswerError';
  }
}

/** One series of a matrix answer, timestamps in epoch ms. */
export interface MatrixSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly samples: Array<readonly [number, number]>;
}

/** What the report needs from Prometheus (the tests replace it to inject faults). */
export interface MetricsSource {
  /** Raw samples of every series matching `selector` with timestamps in `(at - rangeMs, at]` (Prometheus 2 also gives `at - rangeMs`). */
  rangeSelector(selector: string, at: number, rangeMs: number): Promise<MatrixSeries[]>;
  /** Per series (labels without the name), the value of its last sample in `(at - lookbackMs, at]`. */
  lastValues(selector: string, at: number, lookbackMs: number): Promise<Map<string, number>>;
}

export interface PrometheusSourceOptions {
  readonly url: string;
  /** Timeout of one request. @default 30000 */
  readonly timeoutMs?: number;
  readonly deadline?: Deadline;
  /** Retries: attempts in all. @default 5 */
  readonly maxAttempts?: number;
  readonly headers?: Record<string, string>;
  /** Called before each retry (logging). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown; query: string }) => void;
}

/** A stable key of a label set without the metric name (functions over ranges drop it). */
export function seriesKey(metric: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(metric)
      .filter((k) => k !== '__name__')
      .sort()
      .map((k) => [k, metric[k]]),
  );
}

/** Seconds with millisecond precision, as the API takes times. */
const apiTime = (ms: number) => (ms / 1000).toFixed(3);

export class PrometheusSource implements MetricsSource {
  private readonly base: string;

  constructor(private readonly options: PrometheusSourceOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  async rangeSelector(selector: string, at: number, rangeMs: number): Promise<MatrixSeries[]> {
    if (!(rangeMs > 0) || !Number.isInteger(rangeMs)) throw new RangeError(`rangeSelector: range ${rangeMs} ms is not a positive whole number of milliseconds`);
    const query = `${selector}[${rangeMs}ms]`;
    return this.query(query, at, (data) => parseMatrix(query, data));
  }

  async lastValues(selector: string, at: number, lookbackMs: number): Promise<Map<string, number>> {
    const query = `last_over_time(${selector}[${lookbackMs}ms])`;
    return this.query(query, at, (data) => {
      const values = new Map<string, number>();
      for (const series of parseVector(query, data)) {
        const key = seriesKey(series.metric);
        if (values.has(key)) throw new MalformedAnswerError(`${query}: two series with the labels ${key}`);
        values.set(key, series.value);
      }
      return values;
    });
  }

  /** `/api/v1/query` at `at`, retried (a malformed or partial answer too); resolves to the answer's `data` as `parse` reads it. */
  private async query<T>(query: string, at: number, parse: (data: unknown) => T): Promise<T> {
    const params = new URLSearchParams({ query, time: apiTime(at) });
    try {
      return await postApi({ ...this.options, url: this.base }, 'query', query, params, {
        parse: (text) => parse(envelopeData(query, text)),
        retry: {
          maxAttempts: this.options.maxAttempts,
          isRetryable: (error) => error instanceof MalformedAnswerError || error instanceof PartialAnswerError || isRetryable(error),
          onRetry: (info) => this.options.onRetry?.({ ...info, query }),
        },
      });
    } catch (error) {
      if (error instanceof PrometheusQueryError) throw error;
      throw new PrometheusUnavailableError(query, error);
    }
  }
}

/** The `data` of a successful, complete answer. */
export function envelopeData(query: string, text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedAnswerError(`${query}: the answer is not JSON: ${text.slice(0, 200)}`);
  }
  const envelope = parsed as { status?: unknown; data?: unknown; error?: unknown; warnings?: unknown };
  if (envelope === null || typeof envelope !== 'object') throw new MalformedAnswerError(`${query}: the answer is not a JSON object`);
  if (envelope.status !== 'success') throw new MalformedAnswerError(`${query}: status is ${JSON.stringify(envelope.status)}${envelope.error ? `: ${envelope.error}` : ''}`);
  if (envelope.warnings !== undefined) {
    if (!Array.isArray(envelope.warnings)) throw new MalformedAnswerError(`${query}: "warnings" is not an array`);
    if (envelope.warnings.length > 0) throw new PartialAnswerError(envelope.warnings.map(String));
  }
  if (envelope.data === null || typeof envelope.data !== 'object') throw new MalformedAnswerError(`${query}: the answer has no "data" object`);
  return envelope.data;
}

function parseMetric(query: string, metric: unknown, where: string): Record<string, string> {
  if (metric === null || typeof metric !== 'object' || Array.isArray(metric)) throw new MalformedAnswerError(`${query}: ${where}.metric is not a label object`);
  for (const [name, value] of Object.entries(metric)) if (typeof value !== 'string') throw new MalformedAnswerError(`${query}: ${where}.metric.${name} is not a string`);
  return metric as Record<string, string>;
}

/** `[1700000000.123, "42"]` to `[1700000000123, 42]`. Values are strings in the API ("NaN", "+Inf" included). */
function parseSample(query: string, sample: unknown, where: string): readonly [number, number] {
  if (!Array.isArray(sample) || sample.length !== 2) throw new MalformedAnswerError(`${query}: ${where} is not a [time, value] pair`);
  const [time, raw] = sample;
  if (typeof time !== 'number' || !Number.isFinite(time)) throw new MalformedAnswerError(`${query}: ${where} has a time that is not a number: ${JSON.stringify(time)}`);
  if (typeof raw !== 'string') throw new MalformedAnswerError(`${query}: ${where} has a value that is not a string: ${JSON.stringify(raw)}`);
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  if (Number.isNaN(value) && raw !== 'NaN') throw new MalformedAnswerError(`${query}: ${where} has a value that is not a number: ${JSON.stringify(raw)}`);
  return [Math.round(time * 1000), value];
}

export function parseMatrix(query: string, data: unknown): MatrixSeries[] {
  const d = data as { resultType?: unknown; result?: unknown };
  if (d.resultType !== 'matrix') throw new MalformedAnswerError(`${query}: expected resultType "matrix", got ${JSON.stringify(d.resultType)}`);
  if (!Array.isArray(d.result)) throw new MalformedAnswerError(`${query}: "result" is not an array`);
  return d.result.map((item, i) => {
    const entry = item as { metric?: unknown; values?: unknown };
    if (!Array.isArray(entry.values)) throw new MalformedAnswerError(`${query}: result[${i}].values is not an array`);
    const samples = entry.values.map((v, j) => parseSample(query, v, `result[${i}].values[${j}]`));
    for (let j = 1; j < samples.length; j++) if (samples[j][0] <= samples[j - 1][0]) throw new MalformedAnswerError(`${query}: result[${i}] has samples out of time order at ${j}`);
    return { metric: parseMetric(query, entry.metric, `result[${i}]`), samples };
  });
}

function parseVector(query: string, data: unknown): Array<{ metric: Record<string, string>; value: number }> {
  const d = data as { resultType?: unknown; result?: unknown };
  if (d.resultType !== 'vector') throw new MalformedAnswerError(`${query}: expected resultType "vector", got ${JSON.stringify(d.resultType)}`);
  if (!Array.isArray(d.result)) throw new MalformedAnswerError(`${query}: "result" is not an array`);
  return d.result.map((item, i) => {
    const entry = item as { metric?: unknown; value?: unknown };
    return { metric: parseMetric(query, entry.metric, `result[${i}]`), value: parseSample(query, entry.value, `result[${i}].value`)[1] };
  });
}

/** Raw series of a matrix answer, keyed without the metric name. */
export function toRawSeries(series: readonly MatrixSeries[]): RawSeries[] {
  return series.map((s) => ({ key: seriesKey(s.metric), samples: s.samples }));
}
