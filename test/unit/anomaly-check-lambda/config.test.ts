/**
 * The `anomaly` section: its defaults (the default profile's example
 * checks, valid PromQL by promtool), and one test per message a user can
 * get from it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadProfile, resolveConfig } from '../../../config';
import { AnomalyCheck, CHECK_DETECTORS, EXAMPLE_CHECKS, pointsPerSeries } from '../../../config/sections/anomaly';
import { toolPath } from '../../../scripts/lib/tools';

function messages(anomaly: unknown): string[] {
  try {
    resolveConfig({ anomaly }, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

/** Messages for one check over the defaults. */
const checkMessages = (check: Record<string, unknown>) => messages({ checks: [{ name: 'orders', query: 'sum(rate(orders_total[5m]))', ...check }] });

describe('anomaly defaults', () => {
  const { anomaly } = loadProfile('default');

  it('runs every 15 minutes with 45-minute alert expiry, and ships the example checks with the documented defaults', () => {
    expect(anomaly).toMatchObject({ enabled: true, interval: '15m', alertExpiry: '45m', memoryMiB: 1024, timeoutSeconds: 300 });
    expect(anomaly.checks.map((c) => c.name)).toEqual(['http-request-rate', 'http-error-ratio', 'http-latency-p95', 'node-cpu']);
    expect(anomaly.checks[0]).toEqual({
      name: 'http-request-rate',
      description: expect.stringContaining('daily and weekly pattern'),
      query: 'sum by (service) (rate(http_requests_total[5m]))',
      step: '5m',
      lookback: '15d',
      detector: 'ensemble',
      sensitivity: 'low',
      minHistory: 100,
      severity: 'warning',
      labels: {},
      alertName: 'AnomalyDetected',
      maxAlerts: 10,
      maxSeries: 5000,
      enabled: true,
    });
    expect(pointsPerSeries(anomaly.checks[0])).toBe(4321);
    expect(loadProfile('production').anomaly.checks).toHaveLength(EXAMPLE_CHECKS.length);
  });

  it('offers every detector but the benchmark baselines', () => {
    expect(CHECK_DETECTORS).toEqual(['default', 'ensemble', 'robust-zscore', 'ewma', 'seasonal', 'isolation-forest']);
  });

  it('has example queries that promtool parses (as recording rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomaly-queries-'));
    try {
      const rules = { groups: [{ name: 'anomaly-checks', rules: anomaly.checks.map((c) => ({ record: `anomaly_check:${c.name.replace(/-/g, '_')}`, expr: c.query })) }] };
      writeFileSync(join(dir, 'checks.rules.yml'), stringify(rules));
      const result = spawnSync(toolPath('promtool'), ['check', 'rules', join(dir, 'checks.rules.yml')], { encoding: 'utf8' });
      expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${anomaly.checks.length} rules found`) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies every default to a check that gives only a name and a query', () => {
    expect(AnomalyCheck.parse({ name: 'x', query: 'up' })).toMatchObject({ step: '5m', lookback: '15d', sensitivity: 'low', severity: 'warning', maxAlerts: 10 });
  });
});

describe('check fields: one test per message', () => {
  it.each([
    [{ name: 'Orders_Rate' }, 'anomaly.checks.0.name: "Orders_Rate" is not a check name; use lower case letters, digits and "-", e.g. "http-request-rate"'],
    [{ name: `a${'b'.repeat(63)}` }, 'anomaly.checks.0.name: must be at most 63 characters'],
    [{ query: undefined }, 'anomaly.checks.0.query: is missing; give the PromQL expression whose series are scored'],
    [{ query: 42 }, 'anomaly.checks.0.query: 42 is not a PromQL expression (a string)'],
    [{ query: '   ' }, 'anomaly.checks.0.query: is empty; give the PromQL expression whose series are scored'],
    [{ step: '5 minutes' }, 'anomaly.checks.0.step: "5 minutes" is not a Prometheus duration; write e.g. "15s", "5m", "1h30m" or "30d"'],
    [{ step: '0s' }, 'anomaly.checks.0.step: must be longer than 0'],
    [{ detector: 'prophet' }, 'anomaly.checks.0.detector: "prophet" is not a detector; use one of: default, ensemble, robust-zscore, ewma, seasonal, isolation-forest'],
    [{ detector: 'skyline' }, 'anomaly.checks.0.detector: "skyline" is a baseline kept for comparison on the benchmark, not for production checks; use one of: default, ensemble, robust-zscore, ewma, seasonal, isolation-forest'],
    [{ sensitivity: 'max' }, 'anomaly.checks.0.sensitivity: "max" is not a sensitivity; use low (fewest alarms), medium or high'],
    [{ minHistory: 1 }, 'anomaly.checks.0.minHistory: must be at least 2'],
    [{ severity: 'page' }, 'anomaly.checks.0.severity: "page" is not a severity; use one of: critical, high, warning, info'],
    [{ team: 'Payments' }, 'anomaly.checks.0.team: "Payments" is not a team name; use lower case letters, digits and "-", e.g. "payments"'],
    [{ labels: { 'my-label': 'x' } }, 'anomaly.checks.0.labels.my-label: "my-label" is not a Prometheus label name; use letters, digits and "_", not starting with a digit'],
    [{ labels: { tier: 1 } }, 'anomaly.checks.0.labels.tier: 1 is not a label value (a string)'],
    [{ labels: { severity: 'critical' } }, 'anomaly.checks.0.labels.severity: "severity" is set by the Lambda (use the check\'s "severity" field); remove it from labels'],
    [{ labels: { cluster: 'other' } }, 'anomaly.checks.0.labels.cluster: "cluster" is set by the Lambda; remove it from labels'],
    [{ alertName: 'Anomaly Detected' }, 'anomaly.checks.0.alertName: "Anomaly Detected" is not an alert name; use letters, digits and "_", e.g. "AnomalyDetected"'],
    [{ runbookUrl: 'wiki/anomalies' }, 'anomaly.checks.0.runbookUrl: "wiki/anomalies" is not an http(s) URL'],
    [{ maxAlerts: 0 }, 'anomaly.checks.0.maxAlerts: must be at least 1'],
    [{ maxAlerts: 5000 }, 'anomaly.checks.0.maxAlerts: must be at most 1000; a cap that high caps nothing'],
    [{ maxSeries: 0 }, 'anomaly.checks.0.maxSeries: must be at least 1'],
    [{ maxSeries: 1_000_000 }, 'anomaly.checks.0.maxSeries: must be at most 100000; score that many series in several checks'],
    [{ lookback: '1h' }, 'anomaly.checks.0.lookback: 1h at step 5m gives 13 points, fewer than minHistory (100) + 1; no point would ever be scored. Lengthen the lookback or lower minHistory'],
    [{ querry: 'up' }, 'anomaly.checks.0.querry: unknown field; did you mean "query"?'],
  ])('%j', (check, expected) => {
    expect(checkMessages(check)).toContain(expected);
  });
});

describe('section fields and cross-field checks: one test per message', () => {
  it.each([
    [{ interval: 'quarter-hourly' }, 'anomaly.interval: "quarter-hourly" is not a Prometheus duration; write e.g. "15s", "5m", "1h30m" or "30d"'],
    [{ interval: '7m' }, 'anomaly.interval: "7m" is not a run interval; use minutes that divide an hour ("5m", "10m", "15m", "30m") or hours that divide a day ("1h", "2h", "6h")'],
    [{ prometheusExternalUrl: 'prometheus' }, 'anomaly.prometheusExternalUrl: "prometheus" is not an http(s) URL'],
    [{ memoryMiB: 64 }, "anomaly.memoryMiB: must be 128-10240 MiB (Lambda's range)"],
    [{ timeoutSeconds: 10 }, 'anomaly.timeoutSeconds: must be at least 30 seconds: a run queries every check'],
    [{ timeoutSeconds: 1000 }, "anomaly.timeoutSeconds: must be at most 900 seconds (Lambda's limit)"],
  ])('%j', (section, expected) => {
    expect(messages(section)).toContain(expected);
  });

  it('a check name used twice', () => {
    expect(messages({ checks: [{ name: 'a', query: 'up' }, { name: 'a', query: 'up' }] })).toEqual([
      'anomaly.checks.1.name: check "a" is defined twice; names label the alerts and the pushed metrics, so they must be unique',
    ]);
  });

  it('a step longer than the interval, or one that does not divide it', () => {
    expect(messages({ checks: [{ name: 'a', query: 'up', step: '30m', lookback: '30d' }] })).toEqual([
      'anomaly.checks.0.step: 30m is longer than anomaly.interval (15m); some runs would have no new point to score. Use a step of at most 15m',
    ]);
    expect(messages({ checks: [{ name: 'a', query: 'up', step: '10m' }] })).toEqual([
      'anomaly.checks.0.step: 10m does not divide anomaly.interval (15m); runs would score a varying number of points. Use a step that divides it, e.g. "5m" for "15m"',
    ]);
  });

  it('a timeout that reaches the next run', () => {
    expect(messages({ interval: '5m', alertExpiry: '15m', timeoutSeconds: 300, checks: [] })).toEqual([
      'anomaly.timeoutSeconds: 300 is not shorter than anomaly.interval (5m); a slow run would still hold the function when the next one is due. Use a timeout below 300 seconds',
    ]);
  });

  it('an alert expiry under two intervals', () => {
    expect(messages({ alertExpiry: '20m', checks: [] })).toEqual([
      'anomaly.alertExpiry: 20m is less than two anomaly.interval (15m); alerts would resolve between runs (or after one late run) and fire again. Use at least 30m',
    ]);
  });

  it('accepts an hourly interval with hourly steps', () => {
    expect(messages({ interval: '1h', alertExpiry: '3h', checks: [{ name: 'a', query: 'up', step: '1h', lookback: '14d' }] })).toEqual([]);
  });
});
