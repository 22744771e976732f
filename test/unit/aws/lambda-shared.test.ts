/** The code every Lambda shares: environment, deadline, retry, HTTP, the Prometheus client, the Pushgateway push, S3 and secrets. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Counter, Registry } from 'prom-client';
import { Deadline, DeadlineExceededError } from '../../../lambdas/shared/deadline';
import { EnvError, EnvReader, parseDurationSeconds } from '../../../lambdas/shared/env';
import { HttpError, requestJson } from '../../../lambdas/shared/http';
import { PrometheusClient, PrometheusQueryError, rangeChunks } from '../../../lambdas/shared/prometheus-client';
import { pushMetrics } from '../../../lambdas/shared/pushgateway';
import { backoffDelay, isRetryable, retry, RetryError } from '../../../lambdas/shared/retry';
import { createS3Client, downloadToFile, listAll, putJson, uploadStream } from '../../../lambdas/shared/s3';
import { StaticSecretSource, tokenFrom } from '../../../lambdas/shared/secrets';
import { type LocalS3, startHttp, startS3 } from '../../helpers/backup-env';
import { type RunningServer, startPushgateway, tempDir } from '../../helpers/processes';

describe('EnvReader', () => {
  it('reads typed settings and reports every problem at once, naming each variable', () => {
    const e = new EnvReader({ A: 'x', N: '12', U: 'http://h:1/', D: '1h30m', L: 'a, b,,c', B: 'no' });
    expect([e.string('A'), e.int('N', { min: 1 }), e.url('U'), e.durationSeconds('D'), e.list('L'), e.bool('B', true)]).toEqual(['x', 12, 'http://h:1', 5400, ['a', 'b', 'c'], false]);
    expect(() => e.assertValid()).not.toThrow();
    const bad = new EnvReader({ N: '1.5', U: 'ftp://x', ARN: 'arn:aws:s3:::b', D: 'soon', B: 'maybe', O: 'z' });
    bad.string('MISSING');
    bad.int('N');
    bad.url('U');
    bad.arn('ARN', 'kms');
    bad.durationSeconds('D');
    bad.bool('B', true);
    bad.oneOf('O', ['x', 'y'], 'x');
    bad.int('ABSENT');
    let error: EnvError | undefined;
    try {
      bad.assertValid();
    } catch (e) {
      error = e as EnvError;
    }
    expect(error?.problems).toEqual([
      'MISSING is not set',
      'N="1.5" is not an integer',
      'U="ftp://x" is not an http(s) URL such as "http://prometheus.monitoring:9090"',
      'ARN="arn:aws:s3:::b" is not a kms ARN (arn:aws:kms:<region>:<account>:...)',
      'D="soon" is not a duration; write e.g. "90s", "6h" or "1h30m"',
      'B="maybe" is not a boolean; use true or false',
      'O="z" is not one of: x, y',
      'ABSENT is not set; expected an integer',
    ]);
    expect(error?.message).toMatch(/^Invalid Lambda environment:\n {2}- MISSING is not set\n/);
  });

  it('refuses out-of-range integers and parses durations strictly', () => {
    const e = new EnvReader({ N: '0' });
    e.int('N', { min: 1, max: 5 });
    expect(() => e.assertValid()).toThrow('N=0 is outside 1..5');
    expect(parseDurationSeconds('2h')).toBe(7200);
    expect(parseDurationSeconds('2 h')).toBeUndefined();
  });
});

describe('Deadline', () => {
  it('counts down from the Lambda context, keeping a reserve', () => {
    let now = 1000;
    const deadline = Deadline.fromContext({ getRemainingTimeInMillis: () => 10_000 }, 2_000, () => now);
    expect(deadline.remainingMs()).toBe(8_000);
    now += 7_500;
    expect(deadline.timeoutFor(10_000)).toBe(500);
    expect(() => deadline.ensure(1_000, 'the grafana step')).toThrow(new DeadlineExceededError('the grafana step', 1000, 500));
    expect(() => deadline.ensure(1_000, 'x')).toThrow('not enough time left for x: 500 ms remain, 1000 ms needed');
    expect(deadline.withReserve(400).remainingMs()).toBe(100);
    now += 1_000;
    expect(deadline.expired()).toBe(true);
    expect(Deadline.none().timeoutFor(300)).toBe(300);
  });
});

describe('retry', () => {
  const noSleep = { sleep: async () => undefined, random: () => 0.5 };

  it('retries throttling and 5xx with growing, jittered, capped delays', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 4) throw calls === 1 ? Object.assign(new Error('slow'), { name: 'ThrottlingException' }) : new HttpError('GET', 'http://x/', 503, '');
        return 'ok';
      },
      { what: 'GET x', ...noSleep, baseDelayMs: 100, maxDelayMs: 300, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    expect([result, calls, delays]).toEqual(['ok', 4, [50, 100, 150]]);
    expect(backoffDelay(10, 100, 5000, () => 0.999)).toBe(4995);
  });

  it('does not retry 4xx', async () => {
    let calls = 0;
    const failing = retry(async () => {
      calls++;
      throw new HttpError('GET', 'http://x/api', 404, 'not found');
    }, { what: 'GET http://x/api', ...noSleep });
    await expect(failing).rejects.toThrow('GET http://x/api failed (not retryable): HttpError: GET http://x/api answered 404: not found');
    expect(calls).toBe(1);
  });

  it('gives up after the attempts, and before the deadline would pass', async () => {
    await expect(retry(async () => Promise.reject(new HttpError('GET', 'u', 500, '')), { what: 'w', maxAttempts: 3, ...noSleep })).rejects.toMatchObject({ reason: 'attempts-exhausted', attempts: 3 });
    let now = 0;
    const deadline = new Deadline(3_000, () => now);
    const err = await retry(
      async () => {
        now += 500;
        throw new HttpError('GET', 'u', 502, '');
      },
      { what: 'w', deadline, minAttemptMs: 1_000, random: () => 1, baseDelayMs: 400, sleep: async (ms) => void (now += ms) },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(RetryError);
    expect(err.reason).toBe('deadline');
    expect(now).toBeLessThanOrEqual(3_000);
    await expect(retry(async () => 1, { what: 'late', deadline: new Deadline(0, () => 1) })).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it('classifies errors: AWS SDK status, network codes, timeouts', () => {
    expect(isRetryable({ name: 'InternalError', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isRetryable({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('a'), { name: 'AbortError' }))).toBe(false);
    expect(isRetryable(new Error('push failed with status 503, busy'))).toBe(true);
    expect(isRetryable(new Error('push failed with status 400, bad'))).toBe(false);
  });
});

describe('HTTP and the Prometheus client against a local server', () => {
  let server: Awaited<ReturnType<typeof startHttp>>;
  let flaky = 0;
  const answers: Record<string, (body: URLSearchParams) => [number, unknown]> = {
    up: () => [200, { status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'a' }, value: [1700000000, '1'] }] } }],
    scalar: () => [200, { status: 'success', data: { resultType: 'scalar', result: [1700000000, '+Inf'] } }],
    'bad{': () => [400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }],
    flaky: () => (++flaky < 3 ? [503, { status: 'error', error: 'overloaded' }] : [200, { status: 'success', data: { resultType: 'vector', result: [] } }]),
    wrongtype: () => [200, { status: 'success', data: { resultType: 'matrix', result: [] } }],
    badvalue: () => [200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'many'] }] } }],
    ramp: (body) => {
      const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(body.get(k)));
      const values = [];
      for (let t = start; t <= end; t += step) values.push([t, String(t / 10)]);
      return [200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'ramp' }, values }] } }];
    },
  };
  const calls: string[] = [];
  beforeAll(async () => {
    server = await startHttp((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const body = new URLSearchParams(text);
        calls.push(`${req.url} ${body.get('start') ?? ''}`);
        const [status, json] = (answers[body.get('query') ?? ''] ?? (() => [404, { error: 'no such query' }]))(body);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      });
    });
  });
  afterAll(() => server.stop());
  const client = () => new PrometheusClient({ url: server.url, maxPointsPerQuery: 100 });

  it('answers instant queries as typed samples', async () => {
    expect(await client().instantQuery('up')).toEqual({ resultType: 'vector', series: [{ metric: { job: 'a' }, sample: [1700000000, 1] }] });
    expect(await client().instantQuery('scalar')).toEqual({ resultType: 'scalar', sample: [1700000000, Infinity] });
  });

  it('splits long ranges into chunks under the points limit and stitches them without duplicates', async () => {
    calls.length = 0;
    const series = await client().rangeQuery('ramp', new Date(1_000_000), new Date(1_000_000 + 250 * 60_000), 60);
    expect(calls.filter((c) => c.startsWith('/api/v1/query_range'))).toHaveLength(3);
    expect(series).toHaveLength(1);
    expect(series[0].samples).toHaveLength(251);
    expect(series[0].samples[250]).toEqual([1000 + 250 * 60, (1000 + 250 * 60) / 10]);
    expect(rangeChunks(0, 10, 1, 5)).toEqual([[0, 4], [5, 9], [10, 10]]);
  });

  it('retries a 503 and names the query in every error', async () => {
    expect(await client().instantQuery('flaky')).toEqual({ resultType: 'vector', series: [] });
    await expect(client().instantQuery('bad{')).rejects.toThrow(new PrometheusQueryError('bad{', 'refused (400): bad_data: parse error at char 5'));
    await expect(client().instantQuery('wrongtype')).rejects.toThrow('Prometheus query "wrongtype": expected resultType "vector" or "scalar", got "matrix"');
    await expect(client().instantQuery('badvalue')).rejects.toThrow('Prometheus query "badvalue": result[0].value has a value that is not a number: "many"');
    await expect(client().rangeQuery('ramp', new Date(10), new Date(0), 60)).rejects.toThrow(/Prometheus query "ramp": end .* is before start/);
    expect(() => new PrometheusClient({ url: 'http://x', maxPointsPerQuery: 1 })).toThrow("PrometheusClient: 'maxPointsPerQuery' (1) must be at least 2");
  });

  it('requestJson refuses a body that is not JSON, naming the request', async () => {
    const text = await startHttp((_q, r) => r.end('<html>'));
    try {
      await expect(requestJson(`${text.url}/x`, { retry: false })).rejects.toThrow(`GET ${text.url}/x answered 200 with a body that is not JSON: <html>`);
    } finally {
      await text.stop();
    }
  });
});

describe('pushMetrics to a real Pushgateway', () => {
  let gateway: RunningServer;
  beforeAll(async () => {
    gateway = await startPushgateway();
  });
  afterAll(() => gateway.stop());

  it('pushes a registry with job and grouping labels, and pushAdd keeps metrics it does not push', async () => {
    const first = new Registry();
    new Counter({ name: 'job_runs_total', help: 'h', registers: [first] }).inc(2);
    new Counter({ name: 'job_last_success', help: 'h', registers: [first] }).inc(7);
    await pushMetrics(first, { url: gateway.url, job: 'sla-report', groupings: { cluster: 'c1' } });
    const second = new Registry();
    new Counter({ name: 'job_runs_total', help: 'h', registers: [second] }).inc(3);
    await pushMetrics(second, { url: gateway.url, job: 'sla-report', groupings: { cluster: 'c1' } });
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/^job_runs_total\{cluster="c1",instance="",job="sla-report"\} 3$/m);
    expect(text).toMatch(/^job_last_success\{cluster="c1",instance="",job="sla-report"\} 7$/m);
  });

  it('refuses bad job and grouping names, and fails on a 4xx without retrying', async () => {
    const registry = new Registry();
    await expect(pushMetrics(registry, { url: gateway.url, job: '' })).rejects.toThrow("pushMetrics: 'job' is empty");
    await expect(pushMetrics(registry, { url: gateway.url, job: 'j', groupings: { 'bad-name': 'x' } })).rejects.toThrow('grouping label "bad-name" is not a valid label name');
    let calls = 0;
    const refusing = await startHttp((_q, r) => {
      calls++;
      r.writeHead(400);
      r.end('bad metrics');
    });
    try {
      await expect(pushMetrics(registry, { url: refusing.url, job: 'j' })).rejects.toThrow(/push of job "j" to .* failed \(not retryable\): push failed with status 400, bad metrics/);
      expect(calls).toBe(1);
    } finally {
      await refusing.stop();
    }
  });
});

describe('S3 helpers against s3rver', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startS3('helpers-bucket');
  });
  afterAll(() => s3.stop());

  it('streams a multipart upload, reporting its size and SHA-256, and downloads it verified', async () => {
    const chunks = Array.from({ length: 12 }, (_, i) => Buffer.alloc(1024 * 1024, i));
    const result = await uploadStream(s3.client, { bucket: 'helpers-bucket', key: 'big/object', body: (async function* () { yield* chunks; })(), kmsKeyId: 'alias/x', partSizeBytes: 5 * 1024 * 1024 });
    const expected = createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
    expect(result).toEqual({ key: 'big/object', bytes: 12 * 1024 * 1024, sha256: expected });
    const path = join(tempDir('download'), 'object');
    expect(await downloadToFile(s3.client, { bucket: 'helpers-bucket', key: 'big/object', path })).toEqual({ bytes: 12 * 1024 * 1024, sha256: expected });
    expect(readFileSync(path).length).toBe(12 * 1024 * 1024);
    await expect(uploadStream(s3.client, { bucket: 'helpers-bucket', key: 'x', body: 'x', partSizeBytes: 1024 })).rejects.toThrow("uploadStream: 'partSizeBytes' (1024) is below S3's 5 MiB minimum part size");
  });

  it('lists a prefix with a delimiter', async () => {
    for (let i = 0; i < 7; i++) await putJson(s3.client, { bucket: 'helpers-bucket', key: `list/${i % 3}/item-${i}.json`, value: { i } });
    const folders = await listAll(s3.client, { bucket: 'helpers-bucket', prefix: 'list/', delimiter: '/' });
    expect(folders.prefixes.sort()).toEqual(['list/0/', 'list/1/', 'list/2/']);
    expect((await listAll(s3.client, { bucket: 'helpers-bucket', prefix: 'list/' })).objects).toHaveLength(7);
  });

  // s3rver 3.7 answers 500 to a truncated flat listing, so paging is shown against a minimal
  // ListObjectsV2 stand-in that pages by continuation token as S3 does.
  it('follows continuation tokens through every page, and refuses a truncated page without a token', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `p/k${i}`);
    let truncatedWithoutToken = false;
    const fake = await startHttp((req, res) => {
      const url = new URL(req.url ?? '/', 'http://s3');
      const from = Number(url.searchParams.get('continuation-token') ?? 0);
      const max = Number(url.searchParams.get('max-keys') ?? 1000);
      const page = keys.slice(from, from + max);
      const more = from + max < keys.length;
      const token = more && !truncatedWithoutToken ? `<NextContinuationToken>${from + max}</NextContinuationToken>` : '';
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0"?><ListBucketResult><Name>b</Name><KeyCount>${page.length}</KeyCount><IsTruncated>${more}</IsTruncated>${token}${page.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join('')}</ListBucketResult>`);
    });
    const client = createS3Client({ region: 'eu-west-1', endpoint: fake.url });
    try {
      expect((await listAll(client, { bucket: 'b', prefix: 'p/', pageSize: 2 })).objects.map((o) => o.Key)).toEqual(keys);
      truncatedWithoutToken = true;
      await expect(listAll(client, { bucket: 'b', prefix: 'p/', pageSize: 2 })).rejects.toThrow('listing s3://b/p/ is truncated but has no continuation token');
    } finally {
      client.destroy();
      await fake.stop();
    }
  });
});

describe('secrets', () => {
  it('reads a token as text or as JSON {token}, and says what is wrong otherwise', async () => {
    expect(tokenFrom(' abc \n', 'arn')).toBe('abc');
    expect(tokenFrom('{"token":"t"}', 'arn')).toBe('t');
    expect(() => tokenFrom('{"password":"p"}', 'arn:x')).toThrow('secret arn:x is JSON without a string "token" field');
    expect(() => tokenFrom('{oops', 'arn:x')).toThrow('secret arn:x looks like JSON but does not parse');
    await expect(new StaticSecretSource({}).get('arn:y')).rejects.toThrow('no value for secret arn:y');
  });
});
