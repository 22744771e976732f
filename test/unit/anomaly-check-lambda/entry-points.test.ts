/**
 * The handler (environment and bundled checks file, as in AWS) and the
 * local runner (flags to the same variables, the same code path): their
 * outcomes and exit codes, and every usage error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, USAGE } from '../../../lambdas/anomaly-check/cli';
import { AnomalyCheckFailedError, handler, invoke } from '../../../lambdas/anomaly-check/handler';
import { EnvError } from '../../../lambdas/shared/env';
import { silentLogger } from '../../../lambdas/shared/log';
import { check, fakePrometheus, NOW, standIn, weekSeries } from './fixtures';

const ORDERS = check();
const SPIKE = { [-1]: (v: number) => v * 3 };
const context = { getRemainingTimeInMillis: () => 30_000 };

let dir: string;
let alertmanager: Awaited<ReturnType<typeof standIn>>;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anomaly-entry-'));
  writeFileSync(join(dir, 'checks.json'), JSON.stringify([ORDERS, { name: 'off', query: 'up', enabled: false }]));
  writeFileSync(
    join(dir, 'config.yaml'),
    `cluster: { name: from-config }\nanomaly:\n  interval: 30m\n  alertExpiry: 2h\n  checks:\n    - { name: configured, query: 'sum by (service) (rate(orders_total[5m]))', step: 5m }\n`,
  );
  alertmanager = await standIn();
  env = { CLUSTER_NAME: 'payments', PROMETHEUS_URL: 'http://127.0.0.1:1', ALERTMANAGER_URLS: alertmanager.url, LAMBDA_TASK_ROOT: dir };
});
afterAll(async () => {
  await alertmanager.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => (alertmanager.seen.length = 0));

const prometheus = fakePrometheus({ [ORDERS.query]: [weekSeries({ service: 'api' }, 1, SPIKE)], up: [] });
const overrides = { prometheus, logger: silentLogger, now: () => NOW + 1_000 };

describe('invoke', () => {
  it('runs the enabled checks of the bundled file with the environment\'s settings', async () => {
    const report = await invoke(env, { source: 'schedule' }, context, overrides);
    expect(report.checks.map((c) => c.name)).toEqual(['orders']);
    expect(report.checks[0].alerts.fired).toBe(1);
    expect(alertmanager.seen.map((s) => s.method)).toEqual(['GET', 'POST']);
  });

  it('runs the checks a manual invocation names, and dry-runs when asked', async () => {
    const report = await invoke(env, { checks: ['off'], dryRun: true }, context, overrides);
    expect(report).toMatchObject({ dryRun: true, checks: [{ name: 'off', status: 'ok', series: { total: 0 } }] });
    expect(alertmanager.seen.map((s) => s.method)).toEqual(['GET']);
  });

  it('throws with the report when a check failed, after delivering the rest', async () => {
    const failing = { ...overrides, prometheus: fakePrometheus({ [ORDERS.query]: new Error('connect ECONNREFUSED 127.0.0.1:9090') }) };
    const error = await invoke(env, undefined, context, failing).catch((e) => e);
    expect(error).toBeInstanceOf(AnomalyCheckFailedError);
    expect(error.message).toBe('anomaly check run failed: check orders failed: connect ECONNREFUSED 127.0.0.1:9090');
    expect(error.report.checks[0]).toMatchObject({ name: 'orders', status: 'failed' });
  });

  it('refuses a bad environment or checks file before doing anything', async () => {
    await expect(invoke({ ...env, ALERTMANAGER_URLS: '' }, undefined, context, overrides)).rejects.toThrow(EnvError);
    await expect(invoke({ ...env, CHECKS_FILE: 'missing.json' }, undefined, context, overrides)).rejects.toThrow(/^Invalid checks file .*missing\.json/);
    expect(alertmanager.seen).toEqual([]);
  });
});

describe('handler', () => {
  it('reads process.env as AWS sets it and returns the report without per-alert details', async () => {
    const prometheusApi = await standIn((_q, _b, r) => r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } })));
    const saved = { ...process.env };
    Object.assign(process.env, env, { PROMETHEUS_URL: prometheusApi.url });
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const result = await handler({ source: 'schedule' }, context);
      expect(result).toMatchObject({ status: 'ok', cluster: 'payments', checks: [{ name: 'orders', series: { total: 0 }, events: [] }] });
      expect(result).not.toHaveProperty('wouldPost');
      // A week at 5 minutes, read in chunks of 1,000 steps.
      expect(prometheusApi.seen.map((s) => new URLSearchParams(s.body).get('query'))).toEqual([ORDERS.query, ORDERS.query, ORDERS.query]);
    } finally {
      jest.restoreAllMocks();
      process.env = saved;
      await prometheusApi.stop();
    }
  });
});

describe('local runner', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((text) => void out.push(String(text)));
    jest.spyOn(console, 'error').mockImplementation((text) => void err.push(String(text)));
  });
  afterEach(() => jest.restoreAllMocks());

  const flags = () => ['--prometheus-url', 'http://127.0.0.1:1', '--alertmanager-url', alertmanager.url, '--cluster', 'payments', '--checks-file', join(dir, 'checks.json')];

  it('prints the run\'s report and exits 0; flags set the variables the handler reads', async () => {
    expect(await main([...flags(), '--at', String((NOW + 1_000) / 1000)], {}, { prometheus, logger: silentLogger })).toBe(0);
    const report = JSON.parse(out.join('\n'));
    expect(report).toMatchObject({ status: 'ok', cluster: 'payments', evaluatedAt: '2025-03-03T10:15:01.000Z', checks: [{ name: 'orders', alerts: { fired: 1 }, events: 1 }] });
  });

  it('takes the checks, cluster and interval from the configuration without --checks-file, and runs only --check', async () => {
    const configured = fakePrometheus({ 'sum by (service) (rate(orders_total[5m]))': [weekSeries({ service: 'api' }, 1)] });
    const code = await main(['--prometheus-url', 'http://127.0.0.1:1', '--alertmanager-url', alertmanager.url, '--check', 'configured', '--dry-run', '--at', '2025-03-03T10:15:01Z'], { MONITORING_CONFIG: join(dir, 'config.yaml') }, { prometheus: configured, logger: silentLogger });
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n'));
    expect(report).toMatchObject({ cluster: 'from-config', dryRun: true, window: { since: '2025-03-03T09:30:00.000Z' }, checks: [{ name: 'configured' }] });
  });

  it('prints the report and exits 1 when the run failed', async () => {
    const failing = fakePrometheus({ [ORDERS.query]: new Error('Prometheus query_range failed') });
    expect(await main(flags(), {}, { prometheus: failing, logger: silentLogger })).toBe(1);
    expect(JSON.parse(out.join('\n')).checks[0].status).toBe('failed');
    expect(err).toEqual(['anomaly check run failed: check orders failed: Prometheus query_range failed']);
  });

  it.each([
    [['--help'], 0, USAGE],
    [['--prometheus'], 2, "Unknown option '--prometheus'"],
    [['--timeout', 'soon'], 2, '--timeout "soon" is not a number of seconds'],
    [['--at', 'yesterday'], 2, '--at "yesterday" is not an ISO time (2025-01-31T10:15:00Z) or epoch seconds'],
    [['--checks-file', '/nonexistent/checks.json', '--prometheus-url', 'http://p', '--alertmanager-url', 'http://a', '--cluster', 'c'], 2, 'Invalid checks file /nonexistent/checks.json'],
    [['--checks-file', '/dev/null', '--cluster', 'c'], 2, 'Invalid Lambda environment:\n  - PROMETHEUS_URL is not set'],
    [['--check', 'nope', '--prometheus-url', 'http://p', '--alertmanager-url', 'http://a'], 2, 'no check named "nope"; the checks are: configured'],
  ])('%j exits %i', async (argv, code, message) => {
    expect(await main(argv, { MONITORING_CONFIG: join(dir, 'config.yaml') }, { logger: silentLogger })).toBe(code);
    expect([...out, ...err].join('\n')).toContain(message);
  });
});
