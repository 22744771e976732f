/** The Lambda's settings from its environment, and the checks file it reads: every field, default and message. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChecksFileError, loadChecks, parseChecks, selectChecks } from '../../../lambdas/anomaly-check/checks-file';
import { ANOMALY_ENV, settingsFromEnv } from '../../../lambdas/anomaly-check/settings';
import { EnvError } from '../../../lambdas/shared/env';
import { STACK_ENV } from './fixtures';

function problems(env: Record<string, string | undefined>): string[] {
  try {
    settingsFromEnv(env, '/work');
  } catch (error) {
    if (error instanceof EnvError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('settingsFromEnv', () => {
  it('reads what the stack sets; the checks file is relative to the function code', () => {
    expect(settingsFromEnv({ ...STACK_ENV, LAMBDA_TASK_ROOT: '/var/task' })).toEqual({
      clusterName: 'payments',
      prometheusUrl: 'http://prometheus.internal.example.com:9090',
      prometheusExternalUrl: 'https://prometheus.example.com',
      alertmanagerUrls: ['http://alertmanager-0.internal.example.com:9093', 'http://alertmanager-1.internal.example.com:9093'],
      pushgatewayUrl: 'http://pushgateway.internal.example.com:9091',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:payments-monitoring-alerts',
      region: 'eu-west-1',
      snsEndpoint: undefined,
      checksFile: '/var/task/checks.json',
      checkNames: [],
      intervalMs: 900_000,
      alertExpiryMs: 2_700_000,
      runbookUrl: STACK_ENV.RUNBOOK_URL,
      httpTimeoutMs: 30_000,
      dryRun: false,
    });
  });

  it('needs only a cluster, Prometheus and the Alertmanagers; links alerts to the Prometheus it queries by default', () => {
    const settings = settingsFromEnv({ CLUSTER_NAME: 'dev', PROMETHEUS_URL: 'http://127.0.0.1:9090', ALERTMANAGER_URLS: 'http://127.0.0.1:9093', CHECKS: 'a, b', DRY_RUN: 'true' }, '/work');
    expect(settings).toMatchObject({ prometheusExternalUrl: 'http://127.0.0.1:9090', pushgatewayUrl: undefined, topicArn: undefined, checksFile: '/work/checks.json', checkNames: ['a', 'b'], intervalMs: 900_000, dryRun: true });
    expect(settingsFromEnv({ ...STACK_ENV, CHECKS_FILE: '/etc/anomaly/checks.json' }).checksFile).toBe('/etc/anomaly/checks.json');
  });

  it.each([
    [{ CLUSTER_NAME: undefined }, 'CLUSTER_NAME is not set'],
    [{ PROMETHEUS_URL: 'prometheus:9090' }, 'PROMETHEUS_URL="prometheus:9090" is not an http(s) URL such as "http://prometheus.monitoring:9090"'],
    [{ ALERTMANAGER_URLS: '' }, 'ALERTMANAGER_URLS is not set; list every Alertmanager replica, comma-separated (alerts are not gossiped between them)'],
    [{ ALERTMANAGER_URLS: 'http://a:9093,alertmanager-1:9093' }, 'ALERTMANAGER_URLS[1]="alertmanager-1:9093" is not an http(s) URL such as "http://alertmanager-0.internal.example.com:9093"'],
    [{ ALERT_TOPIC_ARN: 'payments-alerts' }, 'ALERT_TOPIC_ARN="payments-alerts" is not a sns ARN (arn:aws:sns:<region>:<account>:...)'],
    [{ AWS_REGION: undefined }, 'AWS_REGION is not set; the SNS client needs the topic\'s region'],
    [{ INTERVAL: 'quarterly' }, 'INTERVAL="quarterly" is not a duration; write e.g. "90s", "6h" or "1h30m"'],
    [{ INTERVAL: '0m' }, 'INTERVAL must be longer than 0'],
    [{ ALERT_EXPIRY: '20m' }, 'ALERT_EXPIRY (1200s) must be at least twice INTERVAL (900s), or alerts expire between runs'],
    [{ HTTP_TIMEOUT_MS: '5' }, 'HTTP_TIMEOUT_MS=5 is outside 100..300000'],
    [{ DRY_RUN: 'maybe' }, 'DRY_RUN="maybe" is not a boolean; use true or false'],
  ])('%j', (change, expected) => {
    expect(problems({ ...STACK_ENV, ...change })).toContain(expected);
  });

  it('lists every problem at once', () => {
    expect(problems({})).toEqual([
      'PROMETHEUS_URL is not set',
      'CLUSTER_NAME is not set',
      'ALERTMANAGER_URLS is not set; list every Alertmanager replica, comma-separated (alerts are not gossiped between them)',
    ]);
  });

  it('names every variable it reads in ANOMALY_ENV', () => {
    expect(Object.values(ANOMALY_ENV).sort()).toEqual([...Object.keys(STACK_ENV), 'CHECKS', 'DRY_RUN', 'HTTP_TIMEOUT_MS', 'SNS_ENDPOINT'].sort());
  });
});

describe('checks file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'anomaly-checks-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads checks and applies the defaults, as the schema of the configuration does', () => {
    const checks = loadChecks(write('ok.json', JSON.stringify([{ name: 'orders', query: 'sum(rate(orders_total[5m]))' }])));
    expect(checks).toEqual([expect.objectContaining({ name: 'orders', step: '5m', lookback: '15d', detector: 'ensemble', sensitivity: 'low', severity: 'warning', maxAlerts: 10 })]);
  });

  it.each([
    ['missing.json', null, /^Invalid checks file .*missing\.json:\n {2}- cannot be read: ENOENT/],
    ['text.json', 'checks: []', /^Invalid checks file .*text\.json:\n {2}- not JSON: /],
    ['object.json', '{"name": "a"}', /- \(file\): Invalid input: expected array, received object/],
    ['bad.json', JSON.stringify([{ name: 'a', query: 'up' }, { name: 'b', query: 'up', step: '5 minutes', labels: { severity: 'x' } }]), /- \[1\]\.step: "5 minutes" is not a Prometheus duration.*\n {2}- \[1\]\.labels\.severity: "severity" is set by the Lambda/],
    ['twice.json', JSON.stringify([{ name: 'a', query: 'up' }, { name: 'a', query: 'down' }]), /- check "a" is defined twice; names must be unique$/],
  ])('refuses %s with a message naming the file and the field', (name, text, expected) => {
    const path = text === null ? join(dir, name) : write(name, text);
    expect(() => loadChecks(path)).toThrow(ChecksFileError);
    expect(() => loadChecks(path)).toThrow(expected);
  });

  it('selects the enabled checks, or the named ones (disabled ones too), and names unknown ones', () => {
    const checks = parseChecks(JSON.stringify([{ name: 'a', query: 'up' }, { name: 'b', query: 'up', enabled: false }, { name: 'c', query: 'up' }]), 'test');
    expect(selectChecks(checks, []).map((c) => c.name)).toEqual(['a', 'c']);
    expect(selectChecks(checks, ['c', 'b']).map((c) => c.name)).toEqual(['c', 'b']);
    expect(() => selectChecks(checks, ['a', 'x', 'y'])).toThrow('no check named "x", "y"; the checks are: a, b, c');
  });
});
