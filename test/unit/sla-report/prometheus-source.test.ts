/**
 * The report's Prometheus reader on its error paths, against a stub HTTP
 * server (the real Prometheus is in test/integration/sla-report*.test.ts):
 * what is retried, what fails the objective, what fails the run.
 */
import { Deadline } from '../../../lambdas/shared/deadline';
import { envelopeData, MalformedAnswerError, PartialAnswerError, PrometheusQueryError, PrometheusSource, PrometheusUnavailableError, seriesKey } from '../../../lambdas/sla-report/prometheus-source';
import { startHttp } from '../../helpers/backup-env';

type Reply = { status: number; body: string } | 'hang' | 'close';

/** A server answering the scripted replies in turn (the last one forever). */
async function stub(replies: Reply[]) {
  const seen: string[] = [];
  const server = await startHttp((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push(body);
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)];
      if (reply === 'hang') return;
      if (reply === 'close') return void req.socket.destroy();
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  return { ...server, seen };
}

const matrix = (values: Array<[number, string]>) => JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'x', a: '1' }, values }] } });
const ok = (body: string): Reply => ({ status: 200, body });
const quick = (url: string, ms = 20_000) => new PrometheusSource({ url, timeoutMs: 300, deadline: Deadline.after(ms) });

describe('PrometheusSource', () => {
  it('reads raw samples of a range selector, times in ms, and asks at the given instant', async () => {
    const server = await stub([ok(matrix([[1700000000.123, '5'], [1700000060.123, '7']]))]);
    try {
      const series = await quick(server.url).rangeSelector('x', 1_700_000_100_000, 600_000);
      expect(series).toEqual([{ metric: { __name__: 'x', a: '1' }, samples: [[1_700_000_000_123, 5], [1_700_000_060_123, 7]] }]);
      expect(new URLSearchParams(server.seen[0]).get('query')).toBe('x[600000ms]');
      expect(new URLSearchParams(server.seen[0]).get('time')).toBe('1700000100.000');
    } finally {
      await server.stop();
    }
  });

  it('retries 503 and a dropped connection with backoff, then succeeds', async () => {
    const server = await stub([{ status: 503, body: 'busy' }, 'close', ok(matrix([]))]);
    try {
      expect(await quick(server.url).rangeSelector('x', 0, 1000)).toEqual([{ metric: { __name__: 'x', a: '1' }, samples: [] }]);
      expect(server.seen).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });

  it('fails the run (unavailable) when Prometheus keeps answering 500, naming the query and the status', async () => {
    const server = await stub([{ status: 500, body: 'boom' }]);
    try {
      const error = await quick(server.url).rangeSelector('up', 0, 1000).catch((e) => e);
      expect(error).toBeInstanceOf(PrometheusUnavailableError);
      expect(error.message).toMatch(/^Prometheus could not answer "up\[1000ms\]": .*gave up after 5 attempts.*answered 500: boom/);
    } finally {
      await server.stop();
    }
  });

  it('fails the objective, not the run, when the query is refused (400/422), without retrying', async () => {
    const server = await stub([{ status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error: unexpected "}"' }) }]);
    try {
      const error = await quick(server.url).rangeSelector('x{', 0, 1000).catch((e) => e);
      expect(error).toBeInstanceOf(PrometheusQueryError);
      expect(error.message).toBe('Prometheus query "x{[1000ms]": refused (400): bad_data: parse error: unexpected "}"');
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it('treats an answer with warnings as partial: retried, then a failure of the run', async () => {
    const partial = JSON.stringify({ status: 'success', warnings: ['remote read of store B failed'], data: { resultType: 'matrix', result: [] } });
    const server = await stub([ok(partial)]);
    try {
      const error = await quick(server.url).rangeSelector('x', 0, 1000).catch((e) => e);
      expect(error).toBeInstanceOf(PrometheusUnavailableError);
      expect(error.message).toContain('the answer is partial: remote read of store B failed');
      expect(server.seen.length).toBeGreaterThan(1);
    } finally {
      await server.stop();
    }
  });

  it('treats malformed answers as failures of the run after retries', async () => {
    for (const body of ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"x"]]}]}}', '<html>gateway</html>', '{"status":"success","data":{"resultType":"vector","result":[]}}']) {
      const server = await stub([ok(body)]);
      try {
        const error = await quick(server.url).rangeSelector('x', 0, 1000).catch((e) => e);
        expect(error).toBeInstanceOf(PrometheusUnavailableError);
        expect(server.seen.length).toBeGreaterThan(1);
      } finally {
        await server.stop();
      }
    }
  });

  it('gives up within the time left when Prometheus never answers', async () => {
    const server = await stub(['hang']);
    const started = Date.now();
    try {
      const error = await quick(server.url, 3_000).rangeSelector('x', 0, 1000).catch((e) => e);
      expect(error).toBeInstanceOf(PrometheusUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_500);
    } finally {
      await server.stop();
    }
  });

  it('fails at once when Prometheus is unreachable and no time is left for a retry', async () => {
    const error = await new PrometheusSource({ url: 'http://127.0.0.1:9', timeoutMs: 200, deadline: Deadline.after(1_500) }).rangeSelector('x', 0, 1000).catch((e) => e);
    expect(error).toBeInstanceOf(PrometheusUnavailableError);
    expect(error.message).toMatch(/fetch failed|ECONNREFUSED|remaining time/);
  });

  it('reads the last value of each series, keyed without the metric name', async () => {
    const server = await stub([ok(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { a: '1' }, value: [1, '42'] }] } }))]);
    try {
      const values = await quick(server.url).lastValues('x', 1000, 86_400_000);
      expect([...values]).toEqual([[seriesKey({ __name__: 'x', a: '1' }), 42]]);
      expect(new URLSearchParams(server.seen[0]).get('query')).toBe('last_over_time(x[86400000ms])');
    } finally {
      await server.stop();
    }
  });
});

describe('envelopeData', () => {
  it('checks the envelope', () => {
    expect(() => envelopeData('q', '{"status":"error","error":"x"}')).toThrow(MalformedAnswerError);
    expect(() => envelopeData('q', '{"status":"success","warnings":["w"],"data":{}}')).toThrow(PartialAnswerError);
    expect(() => envelopeData('q', '{"status":"success","warnings":[],"data":{}}')).not.toThrow();
    expect(() => envelopeData('q', '{"status":"success"}')).toThrow('q: the answer has no "data" object');
  });
});
