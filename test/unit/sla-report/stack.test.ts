/**
 * The SLA report Lambda in the AWS stack: its three schedules and their
 * inputs, least-privilege permissions (write its prefix, publish to the
 * topic, read nothing), its environment (settings, no secrets), the
 * definitions bundled in its zip, and when it is left out. Also the
 * ScheduledLambda additions it needs (`scheduleInput`, `addSchedule`).
 */
import { Testing, TerraformStack } from 'cdktf';
import { inflateRawSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile } from '../../../config';
import { ScheduledLambda } from '../../../constructs/aws/scheduled-lambda';
import { parseDefinitions } from '../../../lambdas/sla-report/definitions';
import { settingsFromEnv } from '../../../lambdas/sla-report/settings';
import { bundleLambda } from '../../../stacks/lambda-bundle';
import { MonitoringStack } from '../../../stacks/monitoring-stack';
import { SlaReportFunction } from '../../../stacks/sla-report-function';
import { awsConfigWith, findResource, policyDocumentOf, resourcesOf, synthProfileStack, synthStack } from '../../helpers/aws-synth';
import { startHttp } from '../../helpers/backup-env';
import { configWith } from '../../helpers/synth';

const NAME = 'monitoring-dev-sla-report';
const isOwn = (v: any) => typeof v.function_name === 'string' && v.function_name === NAME;
/** The function's schedules, daily first (the synthesized JSON orders resources by their ids). */
const ORDER = [NAME, `${NAME}-weekly`, `${NAME}-monthly`];
const ownSchedules = (stack: any) => resourcesOf(stack, 'aws_scheduler_schedule').map(([, v]) => v).filter((v) => ORDER.includes(v.name)).sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));

/** Entries of a zip written by `deterministicZip` (stored names and deflated data). */
function unzip(buffer: Buffer): Record<string, string> {
  const files: Record<string, string> = {};
  let offset = 0;
  while (buffer.readUInt32LE(offset) === 0x04034b50) {
    const compressed = buffer.readUInt32LE(offset + 18);
    const nameLength = buffer.readUInt16LE(offset + 26);
    const extra = buffer.readUInt16LE(offset + 28);
    const name = buffer.subarray(offset + 30, offset + 30 + nameLength).toString();
    const start = offset + 30 + nameLength + extra;
    files[name] = inflateRawSync(buffer.subarray(start, start + compressed)).toString();
    offset = start + compressed;
  }
  return files;
}

describe('SlaReportFunction in the default profile', () => {
  const stack = synthProfileStack('default');

  it('runs on nodejs22.x with one run at a time, no automatic retry, and the alarms of every function', () => {
    const fn = findResource(stack, 'aws_lambda_function', isOwn);
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', memory_size: 512, timeout: 300, reserved_concurrent_executions: 1, handler: 'index.handler', tracing_config: { mode: 'Active' } });
    expect(findResource(stack, 'aws_lambda_function_event_invoke_config', (v) => v.function_name.includes('sla-report'))).toMatchObject({ maximum_retry_attempts: 0 });
    expect(resourcesOf(stack, 'aws_cloudwatch_metric_alarm').filter(([, v]) => v.alarm_name.startsWith(NAME)).map(([, v]) => v.metric_name).sort()).toEqual(['ApproximateNumberOfMessagesVisible', 'Duration', 'Errors', 'Throttles']);
  });

  it('has three schedules in the report time zone, each sending its periods and its scheduled time', () => {
    const schedules = ownSchedules(stack);
    expect(schedules.map((s) => [s.name, s.schedule_expression, s.schedule_expression_timezone, JSON.parse(s.target.input)])).toEqual([
      [NAME, 'cron(0 0 * * ? *)', 'UTC', { schedule: 'daily', periods: ['last-24h', 'month-to-date'], scheduledTime: '<aws.scheduler.scheduled-time>' }],
      [`${NAME}-weekly`, 'cron(0 0 ? * MON *)', 'UTC', { schedule: 'weekly', periods: ['last-7d'], scheduledTime: '<aws.scheduler.scheduled-time>' }],
      [`${NAME}-monthly`, 'cron(0 0 1 * ? *)', 'UTC', { schedule: 'monthly', periods: ['previous-month'], scheduledTime: '<aws.scheduler.scheduled-time>' }],
    ]);
    for (const s of schedules) expect(s).toMatchObject({ kms_key_arn: expect.stringContaining('aws_kms_key'), target: { dead_letter_config: { arn: expect.stringContaining('sla-report') } } });
  });

  it('may write its prefix of the backup bucket and publish to the topic, and read nothing', () => {
    const policy = findResource(stack, 'aws_iam_role_policy', (v) => v.name === `${NAME}-execution-least-privilege`);
    const statements = policyDocumentOf(stack, policy.policy).statement;
    expect(statements.map((s: any) => s.sid)).toEqual(['WriteOwnLogs', 'SendTraces', 'DescribeVpcNetwork', 'CreateVpcInterfaces', 'ManageVpcInterfaces', 'SendFailuresToQueue', 'UseStackKey', 'WriteReports', 'PublishSummary']);
    const bySid = Object.fromEntries(statements.map((s: any) => [s.sid, s]));
    expect(bySid.WriteReports).toMatchObject({ actions: ['s3:PutObject'], resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.backups_bucket_[0-9A-F]+\.arn\}\/sla-reports\/\*$/)] });
    expect(bySid.PublishSummary).toMatchObject({ actions: ['sns:Publish'], resources: [expect.stringContaining('aws_sns_topic.alerts')] });
    expect(bySid.UseStackKey.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    const actions = statements.flatMap((s: any) => s.actions);
    expect(actions.filter((a: string) => /^s3:(Get|List|Head)|secretsmanager:|ssm:|cloudwatch:Get/.test(a))).toEqual([]);
  });

  it('carries settings, not secrets, in its environment, and the handler accepts them', () => {
    const variables = findResource(stack, 'aws_lambda_function', isOwn).environment.variables;
    expect(Object.keys(variables).sort()).toEqual([
      'ALERT_TOPIC_ARN', 'CLUSTER_NAME', 'NODE_OPTIONS', 'PROMETHEUS_URL', 'PUSHGATEWAY_URL', 'REPORT_BUCKET', 'REPORT_KMS_KEY_ARN', 'REPORT_PREFIX', 'SLA_DEFINITIONS_FILE', 'SLA_MIN_COVERAGE', 'SLA_OUTPUTS', 'SLA_TIME_ZONE',
    ]);
    // Through the internal load balancers the cluster side creates for the Lambdas (config/endpoints.ts).
    expect(variables).toMatchObject({ PROMETHEUS_URL: 'http://prometheus.internal.monitoring.example.com:9090', PUSHGATEWAY_URL: 'http://pushgateway.internal.monitoring.example.com:9091', REPORT_BUCKET: 'monitoring-dev-backups-000000000000', SLA_OUTPUTS: 's3,sns,pushgateway' });
    // Terraform references stand in for the ARNs; with real ARNs the handler reads the rest as it is.
    const resolved = { ...variables, AWS_REGION: 'eu-west-1', REPORT_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:000000000000:key/k', ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:t' };
    expect(settingsFromEnv(resolved)).toMatchObject({ prefix: 'sla-reports', minCoverage: 0.9, timeZone: 'UTC', definitionsFile: 'sla-definitions.json' });
  });

  it('bundles the SLOs and SLAs of the configuration beside the handler', () => {
    const fn = findResource(stack, 'aws_lambda_function', isOwn);
    expect(fn.filename).toMatch(/^assets\/sla-report_function_code_[0-9A-F]+\/[0-9a-f]{64}\/sla-report\.zip$/);
    const built = new MonitoringStack(Testing.app(), 'sla', loadProfile('default'), { backup: bundleLambda('backup') });
    const construct = built.node.findChild('sla-report') as SlaReportFunction;
    const files = unzip(readFileSync(construct.bundle.zipPath));
    expect(Object.keys(files).sort()).toEqual(['index.js', 'index.js.map', 'sla-definitions.json']);
    const definitions = parseDefinitions(JSON.parse(files['sla-definitions.json']), 'the zip');
    expect(definitions.objectives.map((o) => [o.name, o.kind])).toEqual([
      ['api-availability', 'availability'],
      ['api-latency', 'latency'],
      ['api-uptime', 'uptime'],
      ['api-throughput', 'throughput'],
    ]);
  });
});

describe('the bundled function', () => {
  it('runs from its zip: reads the definitions beside its code and the settings from its environment', async () => {
    const built = new MonitoringStack(Testing.app(), 'sla-run', loadProfile('default'), { backup: bundleLambda('backup') });
    const files = unzip(readFileSync((built.node.findChild('sla-report') as SlaReportFunction).bundle.zipPath));
    const dir = mkdtempSync(join(tmpdir(), 'sla-bundle-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const asked: string[] = [];
    // Prometheus answering that there is no data yet (a fresh cluster): every period is reported as no data.
    const prometheus = await startHttp((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        asked.push(new URLSearchParams(body).get('query') ?? '');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"success","data":{"resultType":"matrix","result":[]}}');
      });
    });
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { CLUSTER_NAME: 'monitoring-dev', AWS_REGION: 'eu-west-1', PROMETHEUS_URL: prometheus.url, SLA_OUTPUTS: 'none', SLA_DEFINITIONS_FILE: 'sla-definitions.json' });
      const { handler } = require(join(dir, 'index.js'));
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const result = await handler({ schedule: 'daily', periods: ['last-24h'], scheduledTime: '2024-03-04T00:00:00Z' }, { getRemainingTimeInMillis: () => 60_000 }).finally(() => write.mockRestore());
      expect(result).toEqual({ asOf: '2024-03-04T00:00:00.000Z', objectives: 4, failed: 0, written: [] });
      expect(asked.some((q) => q.includes('slo="api-availability"'))).toBe(true);
    } finally {
      process.env = saved;
      await prometheus.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  it('follows the time zone and the schedules of aws.slaReport', () => {
    const stack = synthStack(awsConfigWith({ aws: { slaReport: { timeZone: 'Europe/Berlin', schedules: { weekly: { enabled: false }, monthly: { expression: 'cron(30 6 1 * ? *)', periods: ['previous-month', 'month-to-date'] } } } } }), 'sla-berlin');
    const schedules = ownSchedules(stack);
    expect(schedules.map((s) => [s.name, s.schedule_expression, s.schedule_expression_timezone, JSON.parse(s.target.input).periods])).toEqual([
      [NAME, 'cron(0 0 * * ? *)', 'Europe/Berlin', ['last-24h', 'month-to-date']],
      [`${NAME}-monthly`, 'cron(30 6 1 * ? *)', 'Europe/Berlin', ['previous-month', 'month-to-date']],
    ]);
    expect(findResource(stack, 'aws_lambda_function', isOwn).environment.variables.SLA_TIME_ZONE).toBe('Europe/Berlin');
  });

  it('leaves the function out when disabled, with nothing to report, or with no schedule', () => {
    const without = (input: unknown) => resourcesOf(synthStack(awsConfigWith(input), JSON.stringify(input)), 'aws_lambda_function').filter(([, v]) => isOwn(v));
    expect(without({ aws: { slaReport: { enabled: false } } })).toEqual([]);
    expect(without({ slos: [], slas: [] })).toEqual([]);
    expect(without({ aws: { slaReport: { schedules: { daily: { enabled: false }, weekly: { enabled: false }, monthly: { enabled: false } } } } })).toEqual([]);
    expect(SlaReportFunction.wanted(configWith({}))).toBe(true);
  });

  it('refuses bad schedules, time zones and periods, naming the field', () => {
    const issues = (input: unknown) => {
      try {
        configWith(input);
        return [];
      } catch (error) {
        return (error as { issues: Array<{ path: string; message: string }> }).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(issues({ aws: { slaReport: { schedules: { daily: { expression: 'rate(1 day)' } } } } })).toEqual([
      'aws.slaReport.schedules.daily.expression: "rate(1 day)" is not an EventBridge Scheduler cron expression such as "cron(0 0 * * ? *)" (minutes hours day-of-month month day-of-week year)',
    ]);
    expect(issues({ aws: { slaReport: { timeZone: 'CEST' } } })).toEqual(['aws.slaReport.timeZone: "CEST" is not an IANA time zone; use e.g. "UTC", "Europe/Berlin" or "America/New_York"']);
    expect(issues({ aws: { slaReport: { schedules: { weekly: { periods: ['last-week'] } } } } })).toEqual([
      'aws.slaReport.schedules.weekly.periods.0: "last-week" is not a period; use last-24h, last-7d, month-to-date, previous-month',
    ]);
    expect(issues({ aws: { slaReport: { schedules: { weekly: { periods: [] } } } } })).toEqual(['aws.slaReport.schedules.weekly.periods: needs at least one period']);
  });
});

describe('ScheduledLambda schedules', () => {
  const lambda = () => {
    const stack = new TerraformStack(Testing.app(), 's');
    return new ScheduledLambda(stack, 'f', {
      functionName: 'f',
      code: { zipPath: __filename, sha256: 'a'.repeat(64), base64Sha256: 'x' },
      context: { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' },
      kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:t',
      scheduleExpression: 'cron(0 0 * * ? *)',
      subnetIds: ['subnet-0a1b2c3d4e5f60718'],
      securityGroupIds: ['sg-0a1b2c3d4e5f60718'],
    });
  };

  it('sends { source: "schedule" } unless told otherwise, and adds schedules sharing its role and queue', () => {
    const fn = lambda();
    const weekly = fn.addSchedule('weekly', { expression: 'cron(0 0 ? * MON *)', input: { periods: ['last-7d'] } });
    const synth = JSON.parse(Testing.synth(TerraformStack.of(fn)));
    const schedules = (Object.values(synth.resource.aws_scheduler_schedule) as any[]).sort((a, b) => a.name.length - b.name.length);
    expect(schedules.map((s) => [s.name, JSON.parse(s.target.input)])).toEqual([
      ['f', { source: 'schedule' }],
      ['f-weekly', { periods: ['last-7d'] }],
    ]);
    expect(schedules[1].target.role_arn).toBe(schedules[0].target.role_arn);
    expect(fn.schedules).toHaveLength(2);
    expect(weekly).toBe(fn.schedules[1]);
  });

  it('refuses a duplicate, a bad or a too long schedule id, naming it', () => {
    const fn = lambda();
    fn.addSchedule('weekly', { expression: 'cron(0 0 ? * MON *)', input: {} });
    expect(() => fn.addSchedule('weekly', { expression: 'cron(0 0 ? * MON *)', input: {} })).toThrow('ScheduledLambda f: a schedule "weekly" exists already; give each schedule its own id');
    expect(() => fn.addSchedule('Weekly!', { expression: 'cron(0 0 ? * MON *)', input: {} })).toThrow('ScheduledLambda f: schedule id "Weekly!" must be lower-case letters, digits and "-"');
    expect(() => fn.addSchedule('x'.repeat(70), { expression: 'cron(0 0 ? * MON *)', input: {} })).toThrow(/schedule name "f-x+" is longer than 64 characters; use a shorter id/);
  });
});
