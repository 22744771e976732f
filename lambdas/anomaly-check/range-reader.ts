/**
 * A check's range query, read straight onto the step grid.
 *
 * The shared `PrometheusClient.rangeQuery` returns every sample as a
 * `[timestamp, value]` pair, merged across chunks in maps: fine for a few
 * series, but at the scale this Lambda is built for (1,000 series x 7
 * days, 2 million samples) it held 800 MiB and spent 2 seconds merging,
 * measured in bench/anomaly-lambda.bench.ts. This reader asks for the same
 * `query_range` in chunks of `pointsPerRequest` steps (at most two in
 * flight, so Prometheus computes the next while this one is parsed),
 * validates each answer as the shared client does, and writes each value
 * into its series' Float64Array as it goes: memory is bounded by one
 * chunk's JSON plus the arrays themselves.
 *
 * `readerFromQuerier` adapts anything with a `rangeQuery` (the shared
 * client, a stand-in) to the same interface.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries
 */
import { Deadline } from '../shared/deadline';
import { labelKey, postApi, PrometheusQueryError, rangeChunks, type RangeSeries } from '../shared/prometheus-client';
import { alignSamples } from './align';
import type { QueryRange } from './window';

/** One series on the grid. */
export interface GridSeries {
  readonly metric: Record<string, string>;
  /** Values on the grid; NaN where there is none. */
  readonly values: Float64Array;
  /** Samples whose value was NaN or infinite. */
  readonly nonFinite: number;
}

export interface GridAnswer {
  readonly series: GridSeries[];
  /** Samples Prometheus returned. */
  readonly samples: number;
  /** Samples off the grid or outside the range (ignored). */
  readonly offGrid: number;
}

/** A query returned more series than the check allows; reading stopped there. */
export class TooManySeriesError extends Error {
  constructor(
    readonly seen: number,
    readonly limit: number,
  ) {
    super(`the query returned ${seen} series (at least), more than maxSeries (${limit})`);
    this.name = 'TooManySeriesError';
  }
}

/** What a check reads its series with. */
export interface GridReader {
  /** The series of `query` over `range`, on its grid; throws `TooManySeriesError` past `maxSeries`. */
  readGrid(query: string, range: QueryRange, maxSeries: number): Promise<GridAnswer>;
}

/** What `readerFromQuerier` adapts (the shared `PrometheusClient` is one). */
export interface RangeQuerier {
  rangeQuery(query: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]>;
}

/** A grid reader over any range querier (the generic path: every sample materialized first). */
export function readerFromQuerier(querier: RangeQuerier): GridReader {
  return {
    async readGrid(query, range, maxSeries) {
      const result = await querier.rangeQuery(query, new Date(range.startMs), new Date(range.endMs), range.stepMs / 1000);
      if (result.length > maxSeries) throw new TooManySeriesError(result.length, maxSeries);
      let samples = 0;
      let offGrid = 0;
      const series = result.map((s) => {
        const aligned = alignSamples(s.samples, range);
        samples += s.samples.length;
        offGrid += aligned.offGrid;
        return { metric: s.metric, values: aligned.values, nonFinite: aligned.nonFinite };
      });
      return { series, samples, offGrid };
    },
  };
}

export interface PrometheusGridReaderOptions {
  /** Base URL, e.g. `http://prometheus.internal.example.com:9090`. */
  readonly url: string;
  /** Timeout of one request. @default 30000 */
  readonly timeoutMs?: number;
  readonly deadline?: Deadline;
  /** Steps per request (Prometheus refuses more than 11,000). @default 1000 */
  readonly pointsPerRequest?: number;
  readonly headers?: Record<string, string>;
}

/** A mutable series while it is being filled. */
interface Filling {
  readonly metric: Record<string, string>;
  readonly values: Float64Array;
  nonFinite: number;
}

/** Reads `query_range` answers chunk by chunk straight into Float64Arrays. */
export class PrometheusGridReader implements GridReader {
  private readonly base: string;
  private readonly pointsPerRequest: number;

  constructor(private readonly options: PrometheusGridReaderOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.pointsPerRequest = options.pointsPerRequest ?? 1000;
    if (!(this.pointsPerRequest >= 2 && this.pointsPerRequest <= 11_000)) throw new Error(`PrometheusGridReader: 'pointsPerRequest' (${this.pointsPerRequest}) must be 2-11000`);
  }

  async readGrid(query: string, range: QueryRange, maxSeries: number): Promise<GridAnswer> {
    const step = range.stepMs / 1000;
    const chunks = rangeChunks(range.startMs / 1000, range.endMs / 1000, step, this.pointsPerRequest);
    const bySeries = new Map<string, Filling>();
    let samples = 0;
    let offGrid = 0;
    // Two requests in flight: Prometheus evaluates the next chunk while this process parses the current one.
    // Each gets a handler at once, so one failing while another is awaited is not an unhandled rejection.
    const fetch = (index: number) => {
      const text = this.fetchChunk(query, chunks[index][0], chunks[index][1], step);
      text.catch(() => undefined);
      return text;
    };
    const pending = chunks.slice(0, 2).map((_, index) => fetch(index));
    for (let i = 0; i < chunks.length; i++) {
      const text = await pending[i];
      if (i + 2 < chunks.length) pending.push(fetch(i + 2));
      const result = parseMatrix(query, text);
      for (let r = 0; r < result.length; r++) {
        const entry = result[r] as { metric?: unknown; values?: unknown };
        const metric = checkMetric(query, entry.metric, r);
        const key = labelKey(metric);
        let series = bySeries.get(key);
        if (!series) {
          if (bySeries.size >= maxSeries) throw new TooManySeriesError(bySeries.size + 1, maxSeries);
          series = { metric, values: new Float64Array(range.points).fill(NaN), nonFinite: 0 };
          bySeries.set(key, series);
        }
        const values = entry.values;
        if (!Array.isArray(values)) throw new PrometheusQueryError(query, `result[${r}].values is not an array`);
        samples += values.length;
        for (let v = 0; v < values.length; v++) {
          const sample = values[v] as unknown;
          if (!Array.isArray(sample) || sample.length !== 2 || typeof sample[0] !== 'number' || typeof sample[1] !== 'string') {
            throw new PrometheusQueryError(query, `result[${r}].values[${v}] is not a [timestamp, "value"] pair`);
          }
          const index = (Math.round(sample[0] * 1000) - range.startMs) / range.stepMs;
          if (!Number.isInteger(index) || index < 0 || index >= range.points) {
            offGrid++;
            continue;
          }
          const value = parseValue(query, sample[1], r, v);
          if (Number.isFinite(value)) series.values[index] = value;
          else series.nonFinite++;
        }
      }
    }
    return { series: [...bySeries.values()], samples, offGrid };
  }

  /** One chunk's answer as text, retried within the deadline; a refused query is the caller's to fix, not retried. */
  private fetchChunk(query: string, start: number, end: number, step: number): Promise<string> {
    const params = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
    return postApi({ ...this.options, url: this.base }, 'query_range', query, params);
  }
}

/**
 * The warnings of an answer that say data is missing (a remote-read or
 * federated source failing): scoring such an answer would alert on its
 * holes. PromQL's own annotations ("PromQL warning: ...", "PromQL info:
 * ...", e.g. a malformed `le` label of one series) describe the data as
 * it is, not a part of it missing, and do not fail the check.
 */
export function partialDataWarnings(warnings: unknown): string[] {
  if (!Array.isArray(warnings)) return [];
  return warnings.map(String).filter((warning) => !/^PromQL (warning|info)\b/.test(warning));
}

/** The `result` of a matrix answer, after checking the envelope. */
function parseMatrix(query: string, text: string): unknown[] {
  let parsed: { status?: unknown; error?: unknown; warnings?: unknown; data?: { resultType?: unknown; result?: unknown } };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PrometheusQueryError(query, `the answer is not JSON: ${text.slice(0, 200)}`);
  }
  if (parsed?.status !== 'success') throw new PrometheusQueryError(query, `status is ${JSON.stringify(parsed?.status)}${parsed?.error ? `: ${parsed.error}` : ''}`);
  const partial = partialDataWarnings(parsed.warnings);
  if (partial.length > 0) throw new PrometheusQueryError(query, `the answer is partial (warnings: ${partial.join('; ').slice(0, 300)})`);
  if (parsed.data?.resultType !== 'matrix') throw new PrometheusQueryError(query, `expected resultType "matrix", got ${JSON.stringify(parsed.data?.resultType)}`);
  if (!Array.isArray(parsed.data.result)) throw new PrometheusQueryError(query, '"result" is not an array');
  return parsed.data.result;
}

function checkMetric(query: string, metric: unknown, index: number): Record<string, string> {
  if (metric === null || typeof metric !== 'object' || Array.isArray(metric)) throw new PrometheusQueryError(query, `result[${index}].metric is not a label object`);
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value !== 'string') throw new PrometheusQueryError(query, `result[${index}].metric.${name} is not a string`);
  }
  return metric as Record<string, string>;
}

/** A sample value as the API writes it: a string, including "NaN", "+Inf" and "-Inf". */
function parseValue(query: string, raw: string, series: number, sample: number): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  const value = Number(raw);
  if (Number.isNaN(value) && raw !== 'NaN') throw new PrometheusQueryError(query, `result[${series}].values[${sample}] has a value that is not a number: ${JSON.stringify(raw)}`);
  return value;
}
