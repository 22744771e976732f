/**
 * An in-memory stand-in for Prometheus's query API, for the unit tests of
 * the report's orchestration and error paths (the real Prometheus is in
 * test/integration/sla-report*.test.ts). It answers the two queries the
 * report makes: a range selector (`name{matchers}[Nms]` or
 * `{__name__=~"a|b",matchers}[Nms]`) and `last_over_time(...)`, with the
 * left-open ranges of Prometheus 3.
 */
import { seriesKey, type MatrixSeries, type MetricsSource } from '../../../lambdas/sla-report/prometheus-source';
import { STEP_MS } from '../../../lambdas/sla-report/timeline';

export interface FakeSeries {
  readonly labels: Record<string, string>;
  readonly samples: Array<[number, number]>;
}

type Matcher = (labels: Record<string, string>) => boolean;

function parseSelector(text: string): Matcher {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(?:\{(.*)\})?$/.exec(text.trim());
  if (!match) throw new Error(`fake source: cannot parse selector ${text}`);
  const [, name, body = ''] = match;
  const matchers: Matcher[] = name ? [(l) => l.__name__ === name] : [];
  for (const part of body.match(/[a-zA-Z_]+\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g) ?? []) {
    const [, label, op, raw] = /^([a-zA-Z_]+)\s*(=~|!~|!=|=)\s*"(.*)"$/.exec(part)!;
    const value = raw.replace(/\\\\/g, '\\');
    const re = new RegExp(`^(?:${value})$`);
    matchers.push((l) => {
      const actual = l[label] ?? '';
      return op === '=' ? actual === value : op === '!=' ? actual !== value : op === '=~' ? re.test(actual) : !re.test(actual);
    });
  }
  return (labels) => matchers.every((m) => m(labels));
}

export class FakeSource implements MetricsSource {
  readonly queries: string[] = [];
  /** Throw this for queries matching the pattern. */
  failures: Array<{ pattern: RegExp; error: () => Error }> = [];

  constructor(readonly series: FakeSeries[]) {}

  private failIfAsked(query: string): void {
    this.queries.push(query);
    const failure = this.failures.find((f) => f.pattern.test(query));
    if (failure) throw failure.error();
  }

  async rangeSelector(selector: string, at: number, rangeMs: number): Promise<MatrixSeries[]> {
    this.failIfAsked(`${selector}[${rangeMs}ms]`);
    const matches = parseSelector(selector);
    return this.series
      .filter((s) => matches(s.labels))
      .map((s) => ({ metric: s.labels, samples: s.samples.filter(([t]) => t > at - rangeMs && t <= at) }))
      .filter((s) => s.samples.length > 0);
  }

  async lastValues(selector: string, at: number, lookbackMs: number): Promise<Map<string, number>> {
    this.failIfAsked(`last_over_time(${selector}[${lookbackMs}ms])`);
    const matches = parseSelector(selector);
    const values = new Map<string, number>();
    for (const s of this.series.filter((x) => matches(x.labels))) {
      const last = s.samples.filter(([t]) => t > at - lookbackMs && t <= at).pop();
      if (last) values.set(seriesKey(s.labels), last[1]);
    }
    return values;
  }
}

/**
 * A counter of `perMinute` events scraped every minute at `offsetMs`, and
 * the step records an exact rule would give it on a grid at `phaseMs`:
 * every series the report needs for an availability SLO whose good
 * events are all but `badPerMinute(t)`.
 */
export function availabilityData(options: { from: number; to: number; name: string; perMinute: number; badPerMinute: (t: number) => number; offsetMs?: number; phaseMs?: number }): FakeSeries[] {
  const offset = options.offsetMs ?? 7_123;
  const phase = options.phaseMs ?? 92_442;
  const good: Array<[number, number]> = [];
  const total: Array<[number, number]> = [];
  let g = 0;
  let n = 0;
  for (let t = options.from + offset; t <= options.to; t += 60_000) {
    const bad = options.badPerMinute(t);
    g += options.perMinute - bad;
    n += options.perMinute;
    good.push([t, g]);
    total.push([t, n]);
  }
  /** The value of the last sample at or before `t` (samples in time order). */
  const lastAt = (samples: Array<[number, number]>, t: number) => {
    let lo = 0;
    let hi = samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (samples[mid][0] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? samples[lo - 1][1] : undefined;
  };
  const steps = (samples: Array<[number, number]>) => {
    const records: Array<[number, number]> = [];
    for (let t = options.from - (options.from % STEP_MS) + phase + STEP_MS * 2; t <= options.to; t += STEP_MS) {
      const last = lastAt(samples, t);
      const before = lastAt(samples, t - STEP_MS);
      if (last !== undefined && before !== undefined) records.push([t, last - before]);
    }
    return records;
  };
  const slo = { slo: options.name, service: 'api' };
  const goodSteps = steps(good);
  return [
    { labels: { __name__: 'http_requests_total', service: 'api', code: '200' }, samples: good },
    { labels: { __name__: 'http_requests_total', service: 'api', code: '500' }, samples: total.map(([t, v], i) => [t, v - good[i][1]]) },
    { labels: { __name__: 'slo:sli_good:increase5m', ...slo }, samples: goodSteps },
    { labels: { __name__: 'slo:sli_total:increase5m', ...slo }, samples: steps(total) },
    { labels: { __name__: 'slo:sli_inexact_series:count5m', ...slo }, samples: goodSteps.map(([t]) => [t, 0]) },
  ];
}
