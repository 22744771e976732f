/**
 * The anomaly-check function in the AWS stack: its settings, its single
 * permission of its own, its schedule on the interval grid, the checks
 * bundled in its zip (not in its environment), and the policy rules
 * applied to it.
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { loadProfile } from '../../../config';
import { AWS_RULES } from '../../../policy/aws';
import { anomalyRunbookUrl } from '../../../config/sections/anomaly';
import { scheduleForInterval } from '../../../stacks/anomaly-check-function';
import { awsConfigWith, findResource, policyDocumentOf, resourcesOf, synthProfileStack, synthStack } from '../../helpers/aws-synth';

/** The entries of a zip written by `deterministicZip` (local headers, deflated). */
function zipEntries(zip: Buffer): Record<string, string> {
  const entries: Record<string, string> = {};
  let offset = 0;
  while (zip.readUInt32LE(offset) === 0x04034b50) {
    const size = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const extraLength = zip.readUInt16LE(offset + 28);
    const name = zip.subarray(offset + 30, offset + 30 + nameLength).toString();
    const start = offset + 30 + nameLength + extraLength;
    entries[name] = inflateRawSync(zip.subarray(start, start + size)).toString();
    offset = start + size;
  }
  return entries;
}

const isAnomaly = (v: { function_name?: string; name?: string; role?: string }) => /-anomaly-check$/.test(v.function_name ?? v.name ?? '');

describe('the anomaly-check function (default profile)', () => {
  const stack = synthProfileStack('default');
  const fn = findResource(stack, 'aws_lambda_function', isAnomaly);

  it('runs on nodejs22.x with the configured memory and timeout, one run at a time, traced, in the VPC', () => {
    expect(fn).toMatchObject({
      function_name: 'monitoring-dev-anomaly-check',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: 1024,
      timeout: 300,
      reserved_concurrent_executions: 1,
      tracing_config: { mode: 'Active' },
      vpc_config: { subnet_ids: ['subnet-00000000000000000', 'subnet-00000000000000001'], security_group_ids: ['sg-00000000000000000'] },
    });
    expect(fn.filename).toMatch(/^assets\/anomaly-check_function_code_[0-9A-F]+\/[0-9a-f]{64}\/anomaly-check\.zip$/);
  });

  it('gets the endpoints of config/endpoints.ts (every Alertmanager replica) and no secret in its environment', () => {
    expect(fn.environment.variables).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      CLUSTER_NAME: 'monitoring-dev',
      PROMETHEUS_URL: 'http://prometheus.internal.monitoring.example.com:9090',
      PROMETHEUS_EXTERNAL_URL: 'https://prometheus.monitoring.example.com',
      ALERTMANAGER_URLS: 'http://alertmanager-0.internal.monitoring.example.com:9093,http://alertmanager-1.internal.monitoring.example.com:9093',
      PUSHGATEWAY_URL: 'http://pushgateway.internal.monitoring.example.com:9091',
      ALERT_TOPIC_ARN: expect.stringMatching(/^\$\{aws_sns_topic\.alerts_topic_[0-9A-F]+\.arn\}$/),
      CHECKS_FILE: 'checks.json',
      INTERVAL: '15m',
      ALERT_EXPIRY: '45m',
      RUNBOOK_URL: 'https://github.com/example-org/monitoring-stack/blob/main/docs/anomaly-check.md#runbook',
    });
  });

  it('may publish to the alert topic and nothing else beyond what every function needs', () => {
    const role = findResource(stack, 'aws_iam_role_policy', (v) => v.name === 'monitoring-dev-anomaly-check-execution-least-privilege');
    const statements = policyDocumentOf(stack, role.policy).statement;
    expect(statements.map((s: any) => s.sid)).toEqual(['WriteOwnLogs', 'SendTraces', 'DescribeVpcNetwork', 'CreateVpcInterfaces', 'ManageVpcInterfaces', 'SendFailuresToQueue', 'UseStackKey', 'PublishRunSummary']);
    expect(statements.at(-1)).toEqual({ sid: 'PublishRunSummary', effect: 'Allow', actions: ['sns:Publish'], resources: [fn.environment.variables.ALERT_TOPIC_ARN] });
  });

  it('runs every 15 minutes on the quarter hour; a run older than one interval is dropped, not delivered late', () => {
    const schedule = findResource(stack, 'aws_scheduler_schedule', isAnomaly);
    expect(schedule).toMatchObject({ schedule_expression: 'cron(0/15 * * * ? *)', schedule_expression_timezone: 'UTC', target: { retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 900 } } });
    expect(findResource(stack, 'aws_lambda_function_event_invoke_config', (v) => v.function_name.includes('anomaly-check'))).toMatchObject({ maximum_event_age_in_seconds: 900 });
    const duration = findResource(stack, 'aws_cloudwatch_metric_alarm', (v) => v.alarm_name === 'monitoring-dev-anomaly-check-duration');
    expect(duration.threshold).toBe(240_000);
    expect(stack.output.anomaly_check_function_name.value).toBe(`\${aws_lambda_function.${resourcesOf(stack, 'aws_lambda_function').find(([, v]) => isAnomaly(v))![0]}.function_name}`);
  });

  it('complies with every AWS policy rule, and the rules see it', () => {
    for (const rule of AWS_RULES) expect(rule.check({ stack }).filter((v) => v.subject.includes('anomaly'))).toEqual([]);
    const broken = structuredClone(stack);
    delete findResource(broken, 'aws_lambda_function', isAnomaly).tracing_config;
    findResource(broken, 'aws_lambda_function', isAnomaly).environment.variables.ALERT_TOKEN = 'hunter2';
    const violations = AWS_RULES.flatMap((rule) => rule.check({ stack: broken })).map((v) => `${v.rule}: ${v.message}`);
    expect(violations).toEqual(['lambda-tracing: tracing is not Active', 'lambda-no-secrets-in-environment: ALERT_TOKEN is named like a secret but is not a Secrets Manager ARN']);
  });
});

describe('the bundle', () => {
  const config = loadProfile('default');
  // The stack's asset: the zip the function is deployed from.
  const { AnomalyCheckFunction } = require('../../../stacks/anomaly-check-function');
  const { Testing, TerraformStack } = require('cdktf');
  const part = new AnomalyCheckFunction(new TerraformStack(Testing.app(), 'bundle'), 'anomaly-check', { config, context: { partition: 'aws', region: 'eu-west-1', accountId: '000000000000' }, kmsKeyArn: 'arn:aws:kms:eu-west-1:000000000000:key/x', topicArn: 'arn:aws:sns:eu-west-1:000000000000:t' });
  const entries = zipEntries(readFileSync(part.bundle.zipPath));

  it('holds the code, its source map and the checks as the configuration resolved them', () => {
    expect(Object.keys(entries).sort()).toEqual(['checks.json', 'index.js', 'index.js.map']);
    expect(JSON.parse(entries['checks.json'])).toEqual(config.anomaly.checks);
  });

  it('bundles only the SNS client of the AWS SDK, and exports the handler', () => {
    expect(part.bundle.awsSdkPackages.filter((p: string) => p.startsWith('@aws-sdk/client-'))).toEqual(['@aws-sdk/client-sns']);
    const module = { exports: {} as Record<string, unknown> };
    new Function('module', 'exports', 'require', part.bundle.code)(module, module.exports, require);
    expect(typeof module.exports.handler).toBe('function');
  });

  it('changes its hash when a check changes, like code', () => {
    const other = awsConfigWith({ anomaly: { checks: [{ name: 'orders', query: 'sum(rate(orders_total[5m]))' }] } });
    const otherPart = new AnomalyCheckFunction(new TerraformStack(Testing.app(), 'bundle'), 'anomaly-check', { config: other, context: { partition: 'aws', region: 'eu-west-1', accountId: '000000000000' }, kmsKeyArn: 'k', topicArn: 't' });
    expect(otherPart.bundle.sha256).not.toBe(part.bundle.sha256);
    expect(JSON.parse(zipEntries(readFileSync(otherPart.bundle.zipPath))['checks.json'])[0].name).toBe('orders');
  });
});

describe('configuration', () => {
  it('leaves the function out when anomaly.enabled is false, or no check is enabled', () => {
    for (const anomaly of [{ enabled: false }, { checks: [] }, { checks: [{ name: 'a', query: 'up', enabled: false }] }]) {
      const stack = synthStack(awsConfigWith({ anomaly }));
      expect(resourcesOf(stack, 'aws_lambda_function').map(([, v]) => v.function_name)).not.toContain('monitoring-dev-anomaly-check');
      expect(stack.output.anomaly_check_function_name).toBeUndefined();
    }
  });

  it('follows the interval, memory and links of the configuration', () => {
    const stack = synthStack(awsConfigWith({ anomaly: { interval: '1h', alertExpiry: '3h', memoryMiB: 2048, prometheusExternalUrl: 'https://metrics.example.com', checks: [{ name: 'a', query: 'up', step: '1h', lookback: '14d' }] } }));
    const fn = findResource(stack, 'aws_lambda_function', isAnomaly);
    expect(fn.memory_size).toBe(2048);
    expect(fn.environment.variables).toMatchObject({ INTERVAL: '1h', ALERT_EXPIRY: '3h', PROMETHEUS_EXTERNAL_URL: 'https://metrics.example.com' });
    expect(findResource(stack, 'aws_scheduler_schedule', isAnomaly)).toMatchObject({ schedule_expression: 'cron(0 * * * ? *)', target: { retry_policy: { maximum_event_age_in_seconds: 3600 } } });
  });

  it('posts to every Alertmanager replica of the production profile', () => {
    const fn = findResource(synthProfileStack('production'), 'aws_lambda_function', isAnomaly);
    expect(fn.environment.variables.ALERTMANAGER_URLS.split(',')).toHaveLength(2);
    expect(fn.environment.variables.CLUSTER_NAME).toBe('monitoring-prod');
  });

  it('refuses checks that carry what looks like a credential (they are bundled as plain text)', () => {
    expect(() => synthStack(awsConfigWith({ anomaly: { checks: [{ name: 'leaky', query: 'up', labels: { hook: 'https://hooks.slack.com/services/T000/B000/XXXX' } }] } }))).toThrow(
      'AnomalyCheckFunction: anomaly.checks "leaky" hold what looks like a credential; checks are bundled as plain text, so keep secrets out of queries and labels',
    );
  });
});

describe('scheduleForInterval and the runbook link', () => {
  it.each([
    ['5m', 'cron(0/5 * * * ? *)'],
    ['15m', 'cron(0/15 * * * ? *)'],
    ['30m', 'cron(0/30 * * * ? *)'],
    ['1h', 'cron(0 * * * ? *)'],
    ['6h', 'cron(0 0/6 * * ? *)'],
    ['24h', 'cron(0 0 * * ? *)'],
  ])('%s runs on %s', (interval, expression) => {
    expect(scheduleForInterval(interval)).toBe(expression);
  });

  it('refuses an interval off the grid', () => {
    expect(() => scheduleForInterval('7m')).toThrow('scheduleForInterval: "7m" divides neither an hour nor a day; use e.g. "15m" or "1h"');
  });

  it('puts the runbook beside the alert runbooks', () => {
    expect(anomalyRunbookUrl('https://git.example.com/sre/monitoring/-/blob/main/docs/runbooks/')).toBe('https://git.example.com/sre/monitoring/-/blob/main/docs/anomaly-check.md#runbook');
  });
});
