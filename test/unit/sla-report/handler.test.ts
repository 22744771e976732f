/**
 * The handler's contract: settings from the environment (every problem
 * named), the event's periods and time, the bundled definitions, and when
 * the invocation fails: with no report at all when Prometheus could not
 * answer, after writing and sending the report when an objective failed
 * or an output did.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { EnvError } from '../../../lambdas/shared/env';
import { silentLogger } from '../../../lambdas/shared/log';
import { main as cli } from '../../../lambdas/sla-report/cli';
import { asOfFrom, invoke, loadDefinitions, SlaReportFailedError } from '../../../lambdas/sla-report/handler';
import { PrometheusUnavailableError } from '../../../lambdas/sla-report/prometheus-source';
import { settingsFromEnv } from '../../../lambdas/sla-report/settings';
import { AS_OF, fixtureDefinitions, fixtureSource } from './fixtures';

const ENV = {
  CLUSTER_NAME: 'fixture',
  AWS_REGION: 'eu-west-1',
  PROMETHEUS_URL: 'http://prometheus.internal:9090',
  REPORT_BUCKET: 'b',
  REPORT_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/k',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:t',
  PUSHGATEWAY_URL: 'http://pushgateway.internal:9091',
};
const context = { getRemainingTimeInMillis: () => 60_000 };
const event = { schedule: 'daily', periods: ['last-24h'], scheduledTime: new Date(AS_OF).toISOString() };

describe('settingsFromEnv', () => {
  it('reads the environment the stack writes', () => {
    const settings = settingsFromEnv({ ...ENV, SLA_TIME_ZONE: 'Europe/Berlin', SLA_MIN_COVERAGE: '0.95' });
    expect(settings).toMatchObject({ timeZone: 'Europe/Berlin', minCoverage: 0.95, prefix: 'sla-reports', definitionsFile: 'sla-definitions.json', concurrency: 4 });
    expect([...settings.outputs]).toEqual(['s3', 'sns', 'pushgateway']);
  });

  it('names every missing or bad variable at once', () => {
    let error: EnvError | undefined;
    try {
      settingsFromEnv({ AWS_REGION: 'eu-west-1', SLA_TIME_ZONE: 'Moon/Base', SLA_MIN_COVERAGE: '90%', SLA_OUTPUTS: 's3,email', REPORT_KMS_KEY_ARN: 'alias/x' });
    } catch (e) {
      error = e as EnvError;
    }
    expect(error?.problems).toEqual([
      'SLA_OUTPUTS="s3,email" names email; use a comma-separated subset of s3,sns,pushgateway, or none',
      'SLA_TIME_ZONE: "Moon/Base" is not an IANA time zone; use e.g. "UTC", "Europe/Berlin" or "America/New_York"',
      'SLA_MIN_COVERAGE="90%" is not a share between 0 and 1 such as 0.9',
      'CLUSTER_NAME is not set',
      'PROMETHEUS_URL is not set',
      'REPORT_BUCKET is not set',
      'REPORT_KMS_KEY_ARN="alias/x" is not a kms ARN (arn:aws:kms:<region>:<account>:...)',
    ]);
  });

  it('needs no bucket, topic or Pushgateway for a local run that only writes files', () => {
    expect([...settingsFromEnv({ CLUSTER_NAME: 'c', AWS_REGION: 'r', PROMETHEUS_URL: 'http://p:9090', SLA_OUTPUTS: 'none' }).outputs]).toEqual([]);
  });
});

describe('the event', () => {
  it('takes asOf from the event, else the scheduled time, else now to the minute', () => {
    expect(asOfFrom({ asOf: '2024-03-01T00:00:00Z', scheduledTime: '2024-02-01T00:00:00Z' }, 0)).toBe(Date.parse('2024-03-01T00:00:00Z'));
    expect(asOfFrom({ scheduledTime: '2024-02-01T00:00:00Z' }, 0)).toBe(Date.parse('2024-02-01T00:00:00Z'));
    expect(asOfFrom(undefined, 1_700_000_059_999)).toBe(1_700_000_040_000);
    expect(() => asOfFrom({ scheduledTime: '<aws.scheduler.scheduled-time>' }, 0)).toThrow('event.scheduledTime "<aws.scheduler.scheduled-time>" is not an ISO 8601 time such as "2024-03-01T00:00:00Z"');
  });

  it('refuses unknown periods', async () => {
    await expect(invoke(ENV, { periods: ['yesterday'] }, context, { definitions: fixtureDefinitions(), source: fixtureSource(), targets: {}, logger: silentLogger })).rejects.toThrow('unknown period(s) "yesterday"');
  });
});

describe('definitions', () => {
  it('reads the bundled file and says what is wrong with a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-defs-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(fixtureDefinitions()));
    expect(loadDefinitions('ok.json', dir).objectives).toHaveLength(3);
    expect(() => loadDefinitions('missing.json', dir)).toThrow(/cannot read the SLA definitions .*missing\.json.*the stack bundles them with the function/);
    writeFileSync(join(dir, 'bad.json'), '{"version":1,"cluster":"c","objectives":[{"kind":"availability","name":"X"}]}');
    expect(() => loadDefinitions('bad.json', dir)).toThrow(/SLA definitions from .*bad\.json are not valid \(rebuild the function from the configuration\): objectives\.0\./);
    const twice = fixtureDefinitions();
    writeFileSync(join(dir, 'twice.json'), JSON.stringify({ ...twice, objectives: [twice.objectives[0], twice.objectives[0]] }));
    expect(() => loadDefinitions('twice.json', dir)).toThrow('name "api-availability" twice');
  });
});

describe('invoke', () => {
  const targets = () => {
    const puts: string[] = [];
    return { puts, targets: { s3: { client: { send: async (c: any) => void puts.push(c.input.Key) } as unknown as S3Client, bucket: 'b', prefix: 'sla-reports' } } };
  };

  it('writes the report, then fails the invocation when an objective could not be computed', async () => {
    const { puts, targets: t } = targets();
    const error = await invoke(ENV, event, context, { definitions: fixtureDefinitions(), source: fixtureSource(), targets: t, logger: silentLogger }).catch((e) => e);
    expect(error).toBeInstanceOf(SlaReportFailedError);
    expect(error.message).toMatch(/^SLA report as of 2024-03-04T00:00:00.000Z incomplete: objective api-latency failed: Prometheus query/);
    expect(error.report.objectives).toHaveLength(3);
    expect(puts).toEqual(['sla-reports/2024-03-04/daily/report.json', 'sla-reports/2024-03-04/daily/report.html']);
  });

  it('succeeds when every objective is computed and every output written', async () => {
    const { puts, targets: t } = targets();
    const definitions = { ...fixtureDefinitions(), objectives: fixtureDefinitions().objectives.filter((o) => o.name !== 'api-latency') };
    const outcome = await invoke(ENV, event, context, { definitions, source: fixtureSource(), targets: t, logger: silentLogger });
    expect(outcome.outputs.written).toHaveLength(2);
    expect(puts).toHaveLength(2);
  });

  it('writes nothing and fails when Prometheus could not answer', async () => {
    const { puts, targets: t } = targets();
    const source = fixtureSource();
    source.failures.unshift({ pattern: /./, error: () => new PrometheusUnavailableError('q', new Error('connect ECONNREFUSED')) });
    await expect(invoke(ENV, event, context, { definitions: fixtureDefinitions(), source, targets: t, logger: silentLogger })).rejects.toThrow(/^no SLA report as of 2024-03-04T00:00:00.000Z: PrometheusUnavailableError: Prometheus could not answer "q": connect ECONNREFUSED/);
    expect(puts).toEqual([]);
  });
});

describe('the local runner', () => {
  beforeAll(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  it('answers bad usage with exit code 2 and the usage', async () => {
    expect(await cli(['--nope'], {})).toBe(2);
    expect(await cli(['--timeout', 'soon', '--prometheus-url', 'http://p:9090'], {})).toBe(2);
    expect(await cli(['--period', 'yesterday', '--prometheus-url', 'http://p:9090'], { MONITORING_PROFILE: 'default' })).toBe(2);
    expect(await cli([], { MONITORING_PROFILE: 'default' })).toBe(2); // PROMETHEUS_URL missing
    expect(await cli(['--help'], {})).toBe(0);
    expect((console.error as jest.Mock).mock.calls.flat().join('\n')).toContain('usage: npm run lambda -- sla-report --prometheus-url URL [flags]');
  });

  it('runs the handler against an in-memory source and writes the files even when the run fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-cli-'));
    const out = join(dir, 'r.json');
    const code = await cli(['--prometheus-url', 'http://p:9090', '--as-of', new Date(AS_OF).toISOString(), '--period', 'last-24h', '--out', out, '--html', join(dir, 'r.html')], { MONITORING_PROFILE: 'default' }, { definitions: fixtureDefinitions(), source: fixtureSource() });
    expect(code).toBe(1);
    expect(JSON.parse(require('node:fs').readFileSync(out, 'utf8')).objectives.map((o: any) => o.state)).toEqual(['ok', 'failed', 'ok']);
    expect(require('node:fs').readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<svg');
  });
});
