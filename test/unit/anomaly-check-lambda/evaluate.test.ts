/**
 * From a query's answer to per-series verdicts: the run's window on the
 * interval grid, samples laid onto the step grid (gaps, NaN, off-grid),
 * and a check evaluated end to end against a stand-in of the query API
 * (including the client's chunking of long ranges).
 */
import { createServer, type Server } from 'node:http';
import { alignSamples, gridTimestamps } from '../../../lambdas/anomaly-check/align';
import { CheckEvaluationError, evaluateCheck, evaluateSeries } from '../../../lambdas/anomaly-check/evaluate-check';
import { partialDataWarnings, PrometheusGridReader, type RangeQuerier, readerFromQuerier, TooManySeriesError } from '../../../lambdas/anomaly-check/range-reader';
import { evaluationWindow, queryRange } from '../../../lambdas/anomaly-check/window';
import { Deadline } from '../../../lambdas/shared/deadline';
import { PrometheusClient, PrometheusQueryError, type RangeSeries } from '../../../lambdas/shared/prometheus-client';
import { seriesValues } from '../../integration/anomaly-check-harness';
import { check, NOW, WINDOW } from './fixtures';

const MINUTE = 60_000;

describe('evaluationWindow', () => {
  it('covers the grid cell before the run: on-time runs cover consecutive cells exactly once', () => {
    const interval = 15 * MINUTE;
    expect(evaluationWindow(NOW + 2_000, interval)).toEqual({ since: NOW - interval, until: NOW + 2_000 });
    const next = evaluationWindow(NOW + interval + 500, interval);
    expect(next.since).toBe(NOW);
  });

  it('lets a late run (a retry 7 minutes later) still cover the cell its predecessor closed', () => {
    expect(evaluationWindow(NOW + 7 * MINUTE, 15 * MINUTE).since).toBe(NOW - 15 * MINUTE);
  });

  it('refuses a non-positive interval', () => {
    expect(() => evaluationWindow(NOW, 0)).toThrow("evaluationWindow: 'intervalMs' (0) must be positive");
  });
});

describe('queryRange', () => {
  it('ends on the step at or before now and spans the lookback, both ends included', () => {
    const range = queryRange(check(), NOW + 2 * MINUTE + 3_000);
    expect(range).toEqual({ startMs: NOW - 7 * 86_400_000, endMs: NOW, stepMs: 5 * MINUTE, points: 2017 });
    expect(queryRange(check({ step: '1m', lookback: '1h', minHistory: 30 }), NOW + 30_000)).toEqual({ startMs: NOW - 60 * MINUTE, endMs: NOW, stepMs: MINUTE, points: 61 });
  });
});

describe('alignSamples', () => {
  const range = { startMs: NOW - 20 * MINUTE, endMs: NOW, stepMs: 5 * MINUTE, points: 5 };

  it('puts samples on their grid points and NaN in the gaps', () => {
    const aligned = alignSamples([[(NOW - 20 * MINUTE) / 1000, 1], [(NOW - 10 * MINUTE) / 1000, 3], [NOW / 1000, 5]], range);
    expect([...aligned.values]).toEqual([1, NaN, 3, NaN, 5]);
    expect(aligned).toMatchObject({ missing: 2, nonFinite: 0, offGrid: 0 });
    expect([...gridTimestamps(range)]).toEqual([0, 1, 2, 3, 4].map((i) => range.startMs + i * 5 * MINUTE));
  });

  it('counts NaN and infinite values as missing, and ignores samples off the grid or outside the range', () => {
    const aligned = alignSamples([[(NOW - 20 * MINUTE) / 1000, NaN], [(NOW - 15 * MINUTE) / 1000, Infinity], [(NOW - 14 * MINUTE) / 1000, 7], [(NOW + 5 * MINUTE) / 1000, 9], [(NOW - 5 * MINUTE) / 1000 + 0.001, 4]], range);
    expect([...aligned.values].every(Number.isNaN)).toBe(true);
    expect(aligned).toMatchObject({ missing: 5, nonFinite: 2, offGrid: 3 });
  });
});

/** A week of a normal series at 5 minutes, ending at NOW, optionally with extra points set. */
function weekOf(seed: number, edit: (values: Float64Array) => void = () => undefined) {
  const range = queryRange(check(), NOW);
  const values = seriesValues({ labels: {}, seed }, range.startMs, range.points);
  edit(values);
  return { range, values, timestamps: gridTimestamps(range) };
}

describe('evaluateSeries', () => {
  it('raises an alarm for a spike in the newest interval and reports its value and score', () => {
    const { values, timestamps } = weekOf(3, (v) => (v[v.length - 2] *= 3));
    const result = evaluateSeries(check(), { service: 'api' }, values, timestamps, WINDOW, 0);
    expect(result.state).toBe('scored');
    expect(result.alarms).toHaveLength(1);
    expect(result.alarms[0]).toMatchObject({ timestamp: NOW - 5 * MINUTE, value: values[values.length - 2] });
    expect(result.alarms[0].score).toBeGreaterThan(0.5);
    expect(result).toMatchObject({ lastValue: values[values.length - 1], lastTimestamp: NOW });
    expect(result.maxScore).toBe(result.alarms[0].score);
  });

  it('stays quiet on a normal week', () => {
    const { values, timestamps } = weekOf(4);
    const result = evaluateSeries(check(), {}, values, timestamps, WINDOW, 0);
    expect(result.alarms).toEqual([]);
    expect(result.lastScore).toBeLessThan(0.5);
  });

  it('reports a series without enough history, and one with no value in the newest interval', () => {
    const young = weekOf(5, (v) => v.fill(NaN, 0, v.length - 50));
    expect(evaluateSeries(check(), {}, young.values, young.timestamps, WINDOW, 0)).toMatchObject({ state: 'insufficient-history', alarms: [], lastScore: NaN });
    const stale = weekOf(6, (v) => v.fill(NaN, v.length - 3));
    expect(evaluateSeries(check(), {}, stale.values, stale.timestamps, WINDOW, 3)).toMatchObject({ state: 'stale', lastValue: NaN, missingPoints: 3 });
  });
});

/** A range querier answering from a table. */
const answering = (series: RangeSeries[]) => {
  const calls: Array<[string, Date, Date, number]> = [];
  const querier: RangeQuerier = { rangeQuery: async (query, start, end, step) => (calls.push([query, start, end, step]), series) };
  return { calls, reader: readerFromQuerier(querier) };
};

describe('evaluateCheck', () => {
  it('queries the lookback at the check\'s step and evaluates every series; counts what was not usable', async () => {
    const { range, values } = weekOf(7);
    const samples = Array.from(values, (v, i) => [(range.startMs + i * range.stepMs) / 1000, v] as const);
    const prometheus = answering([
      { metric: { service: 'api' }, samples: samples.map(([t, v], i) => (i === 10 ? ([t, NaN] as const) : ([t, v] as const))) },
      { metric: { service: 'new' }, samples: samples.slice(-20) },
    ]);
    const result = await evaluateCheck(check(), prometheus.reader, NOW + 2_000, WINDOW);
    expect(prometheus.calls).toEqual([['sum by (service) (rate(orders_total[5m]))', new Date(range.startMs), new Date(range.endMs), 300]]);
    expect(result.series.map((s) => [s.labels.service, s.state])).toEqual([['api', 'scored'], ['new', 'insufficient-history']]);
    expect(result).toMatchObject({ samples: 2017 + 20, nonFiniteSamples: 1, offGridSamples: 0 });
    expect(result.series[0].missingPoints).toBe(1);
    expect(result.series[1].missingPoints).toBe(2017 - 20);
  });

  it('fails a query that returns more series than maxSeries, saying how to fix it', async () => {
    const prometheus = answering([{ metric: { pod: 'a' }, samples: [] }, { metric: { pod: 'b' }, samples: [] }, { metric: { pod: 'c' }, samples: [] }]);
    const evaluation = evaluateCheck(check({ maxSeries: 2 }), prometheus.reader, NOW, WINDOW);
    await expect(evaluation).rejects.toThrow(CheckEvaluationError);
    await expect(evaluateCheck(check({ maxSeries: 2 }), prometheus.reader, NOW, WINDOW)).rejects.toThrow(
      'check "orders": the query returned 3 series (at least), more than maxSeries (2); aggregate the query (e.g. "sum by (service) (...)") to what should alert, or raise maxSeries',
    );
  });

  describe('reading query_range in chunks, straight onto the grid', () => {
    let server: Server;
    let url: string;
    const requests: URLSearchParams[] = [];
    /** What the stand-in answers: a week of one series by default; a test can replace it. */
    let answer: (params: URLSearchParams) => { status: number; body: string };
    const { range, values } = weekOf(8);
    const week = (params: URLSearchParams, metric: Record<string, string> = { service: 'api' }) => {
      const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(params.get(k)));
      const points: Array<[number, string]> = [];
      for (let t = start; t <= end; t += step) points.push([t, String(values[Math.round((t * 1000 - range.startMs) / range.stepMs)])]);
      return { metric, values: points };
    };
    const matrix = (result: unknown[]) => ({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }) });

    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (c) => (body += c));
        request.on('end', () => {
          const params = new URLSearchParams(body);
          requests.push(params);
          const { status, body: text } = answer(params);
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(text);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    beforeEach(() => {
      requests.length = 0;
      answer = (params) => matrix([week(params)]);
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const reader = (pointsPerRequest = 500) => new PrometheusGridReader({ url, pointsPerRequest, deadline: Deadline.after(20_000) });

    it('asks for chunks that cover the range once and lays every value on its grid point', async () => {
      const result = await evaluateCheck(check(), reader(), NOW, WINDOW);
      // Two requests are in flight at a time, so they may arrive in either order.
      expect(requests.map((r) => [Number(r.get('start')), Number(r.get('end')), r.get('step'), r.get('query')]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
        [range.startMs / 1000, range.startMs / 1000 + 499 * 300, '300', check().query],
        [range.startMs / 1000 + 500 * 300, range.startMs / 1000 + 999 * 300, '300', check().query],
        [range.startMs / 1000 + 1000 * 300, range.startMs / 1000 + 1499 * 300, '300', check().query],
        [range.startMs / 1000 + 1500 * 300, range.startMs / 1000 + 1999 * 300, '300', check().query],
        [range.startMs / 1000 + 2000 * 300, range.endMs / 1000, '300', check().query],
      ]);
      expect(result.samples).toBe(2017);
      expect(result.series[0]).toMatchObject({ labels: { service: 'api' }, state: 'scored', missingPoints: 0, lastValue: values[values.length - 1] });
    });

    it('reads the same grid as the shared client does through the adapter', async () => {
      const direct = await reader(2017).readGrid(check().query, range, 10);
      const adapted = await readerFromQuerier(new PrometheusClient({ url, maxPointsPerQuery: 700 })).readGrid(check().query, range, 10);
      expect([...adapted.series[0].values]).toEqual([...direct.series[0].values]);
      expect([...direct.series[0].values]).toEqual([...values]);
    });

    it('counts NaN and infinite values and samples off the grid; a series in some chunks only has gaps elsewhere', async () => {
      answer = (params) => {
        const series = week(params);
        const first = Number(params.get('start')) === range.startMs / 1000;
        if (first) series.values.splice(0, 3, [series.values[0][0], 'NaN'], [series.values[1][0], '+Inf'], [series.values[2][0] + 7, '1']);
        return matrix(first ? [series] : [series, week(params, { service: 'late' })]);
      };
      const result = await reader().readGrid(check().query, range, 10);
      expect(result.offGrid).toBe(1);
      expect(result.series.map((s) => [s.metric.service, s.nonFinite, [...s.values].filter(Number.isNaN).length])).toEqual([
        ['api', 2, 3],
        ['late', 0, 500],
      ]);
    });

    it('stops reading once the query returns more series than allowed', async () => {
      answer = (params) => matrix([week(params, { pod: 'a' }), week(params, { pod: 'b' }), week(params, { pod: 'c' })]);
      await expect(reader().readGrid(check().query, range, 2)).rejects.toThrow(new TooManySeriesError(3, 2));
    });

    it('does not retry a query Prometheus refuses, and says why', async () => {
      answer = () => ({ status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected end of input' }) });
      const read = reader().readGrid('sum(', range, 10);
      await expect(read).rejects.toThrow(PrometheusQueryError);
      await expect(reader().readGrid('sum(', range, 10)).rejects.toThrow('Prometheus query "sum(": refused (400): bad_data: 1:5: parse error: unexpected end of input');
      expect(requests.filter((r) => Number(r.get('start')) === range.startMs / 1000)).toHaveLength(2);
    });

    it('retries a Prometheus that is briefly unavailable', async () => {
      let failures = 2;
      answer = (params) => (failures-- > 0 ? { status: 503, body: 'Service Unavailable' } : matrix([week(params)]));
      expect((await reader().readGrid(check().query, range, 10)).samples).toBe(2017);
    });

    it('scores an answer whose only warnings are PromQL annotations about the data', async () => {
      answer = (params) => ({ status: 200, body: JSON.stringify({ status: 'success', warnings: ['PromQL warning: bucket label "le" is missing or has a malformed value of "x"'], data: { resultType: 'matrix', result: [week(params)] } }) });
      expect((await reader().readGrid(check().query, range, 10)).samples).toBe(2017);
      expect(partialDataWarnings(['PromQL info: input to histogram_quantile needed to be fixed for monotonicity', 'remote_read: store unavailable'])).toEqual(['remote_read: store unavailable']);
    });

    it.each([
      ['not JSON', () => ({ status: 200, body: '<html>' }), 'Prometheus query "q": the answer is not JSON: <html>'],
      ['an error status', () => ({ status: 200, body: JSON.stringify({ status: 'error', error: 'query timed out' }) }), 'Prometheus query "q": status is "error": query timed out'],
      ['partial (with a storage warning)', () => ({ status: 200, body: JSON.stringify({ status: 'success', warnings: ['remote read: store down'], data: { resultType: 'matrix', result: [] } }) }), 'Prometheus query "q": the answer is partial (warnings: remote read: store down)'],
      ['a vector', () => ({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }) }), 'Prometheus query "q": expected resultType "matrix", got "vector"'],
      ['labels that are not strings', () => matrix([{ metric: { a: 1 }, values: [] }]), 'Prometheus query "q": result[0].metric.a is not a string'],
      ['a sample that is not a pair', () => matrix([{ metric: {}, values: [[1, 2]] }]), 'Prometheus query "q": result[0].values[0] is not a [timestamp, "value"] pair'],
      ['a value that is not a number', () => matrix([{ metric: {}, values: [[range.startMs / 1000, 'lots']] }]), 'Prometheus query "q": result[0].values[0] has a value that is not a number: "lots"'],
    ])('refuses an answer that is %s', async (_what, reply, message) => {
      answer = reply;
      await expect(reader(3000).readGrid('q', range, 10)).rejects.toThrow(message);
    });
  });
});
