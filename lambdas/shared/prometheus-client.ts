/**
 * A client of the Prometheus HTTP API (`/api/v1/query`,
 * `/api/v1/query_range`) that trusts nothing it receives: every answer is
 * checked against the documented shape, and every error names the query.
 * Long ranges are split into chunks under Prometheus's 11,000-points-per-
 * series limit and stitched back together.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/
 */
import { Deadline } from './deadline';
import { HttpError, redact, request } from './http';
import { retry, RetryError, type RetryOptions } from './retry';

/** One sample: epoch seconds and value. */
export type Sample = readonly [timestamp: number, value: number];

export interface InstantSeries {
  readonly metric: Record<string, string>;
  readonly sample: Sample;
}

export interface RangeSeries {
  readonly metric: Record<string, string>;
  readonly samples: Sample[];
}

export type InstantResult = { readonly resultType: 'vector'; readonly series: InstantSeries[] } | { readonly resultType: 'scalar'; readonly sample: Sample };

/** A query Prometheus refused, or an answer that is not what the API documents. */
export class PrometheusQueryError extends Error {
  constructor(
    readonly query: string,
    message: string,
  ) {
    super(`Prometheus query ${JSON.stringify(query)}: ${message}`);
    this.name = 'PrometheusQueryError';
  }
}

/** Prometheus refuses range queries of more than 11,000 points per series. */
export const MAX_POINTS_PER_QUERY = 11_000;

export interface PrometheusClientOptions {
  /** Base URL, e.g. `http://prometheus.monitoring:9090`. */
  readonly url: string;
  /** Timeout of one request. @default 30000 */
  readonly timeoutMs?: number;
  readonly deadline?: Deadline;
  /** Extra headers (e.g. an Authorization header built from a secret). */
  readonly headers?: Record<string, string>;
  /** Points per chunk of a range query. @default 11000 */
  readonly maxPointsPerQuery?: number;
}

export class PrometheusClient {
  private readonly base: string;
  private readonly maxPoints: number;

  constructor(private readonly options: PrometheusClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.maxPoints = options.maxPointsPerQuery ?? MAX_POINTS_PER_QUERY;
    if (this.maxPoints < 2) throw new Error(`PrometheusClient: 'maxPointsPerQuery' (${this.maxPoints}) must be at least 2`);
  }

  /** An instant query at `time` (default: now). */
  async instantQuery(query: string, time?: Date): Promise<InstantResult> {
    const params = new URLSearchParams({ query });
    if (time) params.set('time', String(time.getTime() / 1000));
    const data = await this.call('query', query, params);
    return parseInstantData(query, data);
  }

  /**
   * A range query from `start` to `end` every `stepSeconds`, split into
   * chunks of at most `maxPointsPerQuery` points. Series are merged by
   * their label set, in time order, without duplicate timestamps.
   */
  async rangeQuery(query: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]> {
    if (!(stepSeconds > 0)) throw new PrometheusQueryError(query, `step must be positive, got ${stepSeconds}`);
    if (end.getTime() < start.getTime()) throw new PrometheusQueryError(query, `end ${end.toISOString()} is before start ${start.toISOString()}`);
    const merged = new Map<string, { metric: Record<string, string>; samples: Map<number, number> }>();
    for (const [chunkStart, chunkEnd] of rangeChunks(start.getTime() / 1000, end.getTime() / 1000, stepSeconds, this.maxPoints)) {
      const params = new URLSearchParams({ query, start: String(chunkStart), end: String(chunkEnd), step: String(stepSeconds) });
      const data = await this.call('query_range', query, params);
      for (const series of parseMatrixData(query, data)) {
        const key = labelKey(series.metric);
        const entry = merged.get(key) ?? { metric: series.metric, samples: new Map() };
        for (const [t, v] of series.samples) entry.samples.set(t, v);
        merged.set(key, entry);
      }
    }
    return [...merged.values()]
      .map(({ metric, samples }) => ({ metric, samples: [...samples.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => [t, v] as const) }))
      .sort((a, b) => labelKey(a.metric).localeCompare(labelKey(b.metric)));
  }

  private async call(endpoint: 'query' | 'query_range', query: string, params: URLSearchParams): Promise<unknown> {
    const body = await postApi({ ...this.options, url: this.base }, endpoint, query, params);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new PrometheusQueryError(query, `the answer is not JSON: ${body.slice(0, 200)}`);
    }
    const envelope = parsed as { status?: unknown; data?: unknown; error?: unknown };
    if (envelope?.status !== 'success') {
      throw new PrometheusQueryError(query, `status is ${JSON.stringify(envelope?.status)}${envelope?.error ? `: ${envelope.error}` : ''}`);
    }
    if (envelope.data === undefined) throw new PrometheusQueryError(query, 'the answer has no "data"');
    return envelope.data;
  }
}

/** How {@link postApi} reads and retries an answer beyond its defaults. */
export interface PostApiHandling<T> {
  /** Reads the answer's text inside the attempt, so what it throws is retried when `retry.isRetryable` says so. */
  readonly parse: (text: string) => T;
  readonly retry?: Pick<RetryOptions, 'maxAttempts' | 'isRetryable' | 'onRetry'>;
}

/**
 * One POST to Prometheus's query API, retried (5xx, 429, network) within
 * the deadline; resolves to the answer's text, or to what `handling.parse`
 * makes of it. A query Prometheus refuses (400/422) is the caller's to
 * fix: it rejects at once with a `PrometheusQueryError` carrying
 * Prometheus's explanation; other failures reject with the `RetryError`.
 */
export async function postApi(options: Pick<PrometheusClientOptions, 'url' | 'timeoutMs' | 'deadline' | 'headers'>, endpoint: 'query' | 'query_range', query: string, params: URLSearchParams): Promise<string>;
export async function postApi<T>(options: Pick<PrometheusClientOptions, 'url' | 'timeoutMs' | 'deadline' | 'headers'>, endpoint: 'query' | 'query_range', query: string, params: URLSearchParams, handling: PostApiHandling<T>): Promise<T>;
export async function postApi<T>(options: Pick<PrometheusClientOptions, 'url' | 'timeoutMs' | 'deadline' | 'headers'>, endpoint: 'query' | 'query_range', query: string, params: URLSearchParams, handling?: PostApiHandling<T>): Promise<T | string> {
  const base = options.url.replace(/\/+$/, '');
  try {
    return await retry(
      async () => {
        try {
          const response = await request(`${base}/api/v1/${endpoint}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
            body: params.toString(),
            timeoutMs: options.timeoutMs ?? 30_000,
            deadline: options.deadline,
          });
          const text = await response.text();
          return handling ? handling.parse(text) : text;
        } catch (error) {
          // Prometheus explains a bad query in the JSON body of its 400/422 answer.
          if (error instanceof HttpError && (error.status === 400 || error.status === 422)) {
            throw new PrometheusQueryError(query, `refused (${error.status}): ${errorText(error.body)}`);
          }
          throw error;
        }
      },
      { what: `Prometheus ${endpoint} ${JSON.stringify(query)} at ${redact(base)}`, deadline: options.deadline, ...handling?.retry },
    );
  } catch (error) {
    throw error instanceof RetryError && error.cause instanceof PrometheusQueryError ? error.cause : error;
  }
}

/** `[start, end]` pairs covering the range, each with at most `maxPoints` steps, aligned to the step. */
export function rangeChunks(start: number, end: number, step: number, maxPoints: number): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  const span = step * (maxPoints - 1);
  for (let chunkStart = start; chunkStart <= end; chunkStart += span + step) {
    chunks.push([chunkStart, Math.min(end, chunkStart + span)]);
  }
  return chunks;
}

function parseInstantData(query: string, data: unknown): InstantResult {
  const d = data as { resultType?: unknown; result?: unknown };
  if (d.resultType === 'scalar') return { resultType: 'scalar', sample: parseSample(query, d.result, 'result') };
  if (d.resultType !== 'vector') throw new PrometheusQueryError(query, `expected resultType "vector" or "scalar", got ${JSON.stringify(d.resultType)}`);
  if (!Array.isArray(d.result)) throw new PrometheusQueryError(query, '"result" is not an array');
  return {
    resultType: 'vector',
    series: d.result.map((item, i) => {
      const entry = item as { metric?: unknown; value?: unknown };
      return { metric: parseMetric(query, entry.metric, `result[${i}].metric`), sample: parseSample(query, entry.value, `result[${i}].value`) };
    }),
  };
}

function parseMatrixData(query: string, data: unknown): RangeSeries[] {
  const d = data as { resultType?: unknown; result?: unknown };
  if (d.resultType !== 'matrix') throw new PrometheusQueryError(query, `expected resultType "matrix", got ${JSON.stringify(d.resultType)}`);
  if (!Array.isArray(d.result)) throw new PrometheusQueryError(query, '"result" is not an array');
  return d.result.map((item, i) => {
    const entry = item as { metric?: unknown; values?: unknown };
    if (!Array.isArray(entry.values)) throw new PrometheusQueryError(query, `result[${i}].values is not an array`);
    return { metric: parseMetric(query, entry.metric, `result[${i}].metric`), samples: entry.values.map((v, j) => parseSample(query, v, `result[${i}].values[${j}]`)) };
  });
}

function parseMetric(query: string, metric: unknown, where: string): Record<string, string> {
  if (metric === null || typeof metric !== 'object' || Array.isArray(metric)) throw new PrometheusQueryError(query, `${where} is not a label object`);
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value !== 'string') throw new PrometheusQueryError(query, `${where}.${name} is not a string`);
  }
  return metric as Record<string, string>;
}

/** `[1700000000.123, "42"]` -> `[1700000000.123, 42]`; values are strings in the API, including "NaN" and "+Inf". */
function parseSample(query: string, sample: unknown, where: string): Sample {
  if (!Array.isArray(sample) || sample.length !== 2) throw new PrometheusQueryError(query, `${where} is not a [timestamp, value] pair`);
  const [timestamp, raw] = sample;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw new PrometheusQueryError(query, `${where} has a timestamp that is not a number: ${JSON.stringify(timestamp)}`);
  if (typeof raw !== 'string') throw new PrometheusQueryError(query, `${where} has a value that is not a string: ${JSON.stringify(raw)}`);
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  if (Number.isNaN(value) && raw !== 'NaN') throw new PrometheusQueryError(query, `${where} has a value that is not a number: ${JSON.stringify(raw)}`);
  return [timestamp, value];
}

/** Prometheus's explanation from an error answer's JSON body (`errorType: error`), else the body's start. */
export function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: string; errorType?: string };
    return parsed.error ? `${parsed.errorType ? `${parsed.errorType}: ` : ''}${parsed.error}` : body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

/** A stable key of a label set. */
export function labelKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.keys(metric).sort().map((k) => [k, metric[k]]));
}
