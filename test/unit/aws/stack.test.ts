/** The synthesized AWS stack: its snapshot (asset hashes scrubbed), what matters in it, and the names it shares with the Kubernetes side. */
import { Testing } from 'cdktf';
import { loadProfile } from '../../../config';
import { awsNames, PROMETHEUS_SERVICE_ACCOUNT } from '../../../config/aws-names';
import { LOKI_SERVICE_ACCOUNT, lokiS3Names } from '../../../config/loki-names';
import { Loki } from '../../../constructs/k8s/loki';
import { Prometheus } from '../../../constructs/k8s/prometheus';
import { bundleLambda, deterministicZip } from '../../../stacks/lambda-bundle';
import { findObject, synthProfile } from '../../helpers/synth';
import { findResource, fullConfig, policyDocumentOf, synthProfileStack, synthStack } from '../../helpers/aws-synth';

/** Asset hashes change with every code change; the snapshot keeps their shape only. */
function scrub(stack: unknown): unknown {
  return JSON.parse(JSON.stringify(stack).replace(/[0-9a-f]{64}/g, '<sha256>').replace(/"source_code_hash":"[A-Za-z0-9+/=]{44}"/g, '"source_code_hash":"<base64-sha256>"'));
}

describe('MonitoringStack', () => {
  it('matches the snapshot of the default profile', () => {
    expect(scrub(synthProfileStack('default'))).toMatchSnapshot();
  });

  it('grants CloudWatch alarms the key of the encrypted topic, and data use only through services', () => {
    const stack = synthProfileStack('default');
    const key = findResource(stack, 'aws_kms_key');
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const statements = policyDocumentOf(stack, key.policy).statement;
    expect(statements.map((s: any) => s.sid)).toEqual(['AccountAdministersKey', 'AccountUsesKeyThroughServices', 'CloudWatchLogsEncryptsLogGroups', 'CloudWatchAlarmsPublishToEncryptedTopic']);
    const alarms = statements[3];
    expect(alarms.principals).toEqual([{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }]);
    expect(alarms.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(statements[0].actions).not.toContain('kms:Decrypt');
    expect(statements[1].condition.find((c: any) => c.variable === 'kms:ViaService').values).toContain('s3.eu-west-1.amazonaws.com');
  });

  it('has a backup bucket with the lifecycle and logging the issue asks for', () => {
    const stack = synthProfileStack('default');
    const lifecycle = findResource(stack, 'aws_s3_bucket_lifecycle_configuration', (v) => v.bucket.includes('backups_bucket'));
    expect(lifecycle.rule[0]).toMatchObject({ expiration: [{ days: 90 }], noncurrent_version_expiration: [{ noncurrent_days: 30 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] });
    expect(findResource(stack, 'aws_s3_bucket_logging').target_prefix).toBe('s3-access/monitoring-dev-backups-000000000000/');
  });

  it('runs the backup Lambda as the issue describes, with settings but no secrets in its environment', () => {
    const stack = synthProfileStack('production');
    const fn = findResource(stack, 'aws_lambda_function', (v) => v.function_name.endsWith('-backup'));
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], memory_size: 512, timeout: 600, reserved_concurrent_executions: 1, tracing_config: { mode: 'Active' }, handler: 'index.handler' });
    expect(fn.environment.variables).toMatchObject({ BLOCKS_EXPECTED_REPLICAS: 'prometheus-0,prometheus-1', NODE_OPTIONS: '--enable-source-maps', GRAFANA_TOKEN_SECRET_ARN: expect.stringMatching(/^arn:aws:secretsmanager:/) });
    expect(fn.filename).toMatch(/^assets\/backup_code_[0-9A-F]+\/[0-9a-f]{64}\/backup\.zip$/);
    const schedule = findResource(stack, 'aws_scheduler_schedule', (v) => v.name.endsWith('-backup'));
    expect(schedule).toMatchObject({ schedule_expression: 'cron(0 2 * * ? *)', schedule_expression_timezone: 'UTC', target: { retry_policy: { maximum_retry_attempts: 3 } } });
    const freshness = findResource(stack, 'aws_cloudwatch_metric_alarm', (v) => v.metric_name === 'BackupSuccess');
    expect(freshness).toMatchObject({ period: 3600, evaluation_periods: 26, treat_missing_data: 'breaching', comparison_operator: 'LessThanThreshold', threshold: 1 });
    const duration = findResource(stack, 'aws_cloudwatch_metric_alarm', (v) => v.metric_name === 'Duration' && v.alarm_name.endsWith('-backup-duration'));
    expect(duration.threshold).toBe(480_000);
  });

  it('names the same role, bucket, key and ServiceAccount as the Kubernetes side', () => {
    const config = loadProfile('default');
    const names = awsNames(config);
    const stack = synthProfileStack('default');
    const trust = policyDocumentOf(stack, findResource(stack, 'aws_iam_role', (v) => v.name === names.prometheusBlocks.roleName).assume_role_policy).statement[0];
    expect(trust.condition).toContainEqual({ test: 'StringEquals', variable: `${names.oidcIssuer}:sub`, values: ['system:serviceaccount:monitoring:prometheus'] });
    const objects = synthProfile('default');
    expect(findObject(objects, 'ServiceAccount', 'prometheus').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': names.prometheusBlocks.roleArn });
    expect(findObject(objects, 'ConfigMap', 'prometheus-thanos-objstore').data['objstore.yml']).toContain(`bucket: ${names.backupBucket}`);
    expect(findObject(objects, 'StorageClass', 'monitoring-gp3').parameters.kmsKeyId).toBe(names.kmsAliasArn);
    expect(findResource(stack, 'aws_kms_alias').name).toBe('alias/monitoring');
    expect(PROMETHEUS_SERVICE_ACCOUNT).toBe(Prometheus.NAME);
  });

  it('creates Loki\'s bucket and IRSA role when Loki is on S3, named as the Kubernetes side expects', () => {
    const defaultRoles = Object.values(synthProfileStack('default').resource.aws_iam_role) as Array<{ name: string }>;
    expect(defaultRoles.map((r) => r.name)).not.toContain(lokiS3Names(loadProfile('default')).roleName);
    const config = loadProfile('production');
    const loki = lokiS3Names(config);
    const names = awsNames(config);
    const stack = synthProfileStack('production');
    const role = findResource(stack, 'aws_iam_role', (v) => v.name === loki.roleName);
    expect(policyDocumentOf(stack, role.assume_role_policy).statement[0].condition).toContainEqual({ test: 'StringEquals', variable: `${names.oidcIssuer}:sub`, values: ['system:serviceaccount:monitoring:loki'] });
    expect(findResource(stack, 'aws_s3_bucket', (v) => v.bucket === loki.bucket)).toBeDefined();
    // The lifecycle only backs the compactor up: it expires a week after the 30-day retention, never before.
    const lifecycle = findResource(stack, 'aws_s3_bucket_lifecycle_configuration', (v) => v.bucket.includes('loki-bucket'));
    expect(lifecycle.rule[0].expiration).toEqual([{ days: 37 }]);
    const grants = policyDocumentOf(stack, findResource(stack, 'aws_iam_role_policy', (v) => v.name === `${loki.roleName}-least-privilege`).policy).statement;
    expect(grants.map((g: any) => [g.sid, g.actions])).toEqual([
      ['ListLokiBucket', ['s3:ListBucket']],
      ['ReadWriteDeleteLokiObjects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']],
      ['UseLokiKey', ['kms:GenerateDataKey', 'kms:Decrypt']],
    ]);
    const objects = synthProfile('production');
    expect(findObject(objects, 'ServiceAccount', 'loki').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': loki.roleArn });
    expect(LOKI_SERVICE_ACCOUNT).toBe(Loki.NAME);
  });

  it('keeps the backend local by default and uses S3 with a DynamoDB lock when configured', () => {
    expect(synthProfileStack('default').terraform.backend).toEqual({ local: { path: 'terraform.monitoring.tfstate' } });
    expect(synthStack(fullConfig(), 'full').terraform.backend).toEqual({ s3: { bucket: 'payments-terraform-state', key: 'monitoring-prod/monitoring.tfstate', region: 'eu-west-1', dynamodb_table: 'terraform-locks', encrypt: true } });
  });

  it('refuses a stack whose placeholder account would be deployed (provider guard)', () => {
    expect(synthProfileStack('default').provider.aws[0].allowed_account_ids).toEqual(['000000000000']);
  });
});

describe('Lambda bundles', () => {
  const bundle = bundleLambda('backup');

  it('bundles only the AWS SDK clients the function imports, minified, with a source map, for node22', () => {
    expect(bundle.awsSdkPackages.filter((p) => p.startsWith('@aws-sdk/client-'))).toEqual(['@aws-sdk/client-cloudwatch', '@aws-sdk/client-ec2', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager']);
    expect(bundle.code.endsWith('//# sourceMappingURL=index.js.map\n')).toBe(true);
    // Minified: long lines (the few line breaks left are inside template literals).
    expect(bundle.code.length / bundle.code.split('\n').length).toBeGreaterThan(5_000);
    const handler = new Function('module', 'exports', 'require', bundle.code);
    const module = { exports: {} as Record<string, unknown> };
    handler(module, module.exports, require);
    expect(typeof module.exports.handler).toBe('function');
  });

  it('zips deterministically: the same entries give the same bytes, a changed entry another hash', () => {
    const a = deterministicZip([{ name: 'index.js', data: Buffer.from('a') }, { name: 'b.map', data: Buffer.from('{}') }]);
    const b = deterministicZip([{ name: 'b.map', data: Buffer.from('{}') }, { name: 'index.js', data: Buffer.from('a') }]);
    const c = deterministicZip([{ name: 'index.js', data: Buffer.from('b') }, { name: 'b.map', data: Buffer.from('{}') }]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    // The local header of the first entry (b.map) holds its deflated bytes; inflating gives them back.
    const nameLength = a.readUInt16LE(26);
    const compressedSize = a.readUInt32LE(18);
    expect(require('node:zlib').inflateRawSync(a.subarray(30 + nameLength, 30 + nameLength + compressedSize)).toString()).toBe('{}');
  });

  it('builds the same zip in another process (the asset hash depends on code only)', () => {
    const again = require('node:child_process').spawnSync(require('node:path').join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx'), ['-e', "console.log(require('./stacks/lambda-bundle').bundleLambda('backup').sha256)"], { cwd: require('node:path').join(__dirname, '..', '..', '..'), encoding: 'utf8' });
    expect(again.stdout.trim()).toBe(bundle.sha256);
  });
});

it('validations run at synth: an access-log bucket that receives no logs is refused', () => {
  const { AccessLogBucket } = require('../../../constructs/aws/access-log-bucket');
  const stack = new (require('cdktf').TerraformStack)(Testing.app(), 'lonely');
  new AccessLogBucket(stack, 'logs', { bucketName: 'lonely-logs', context: { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' } });
  expect(() => Testing.synth(stack, true)).toThrow('AccessLogBucket lonely-logs: no bucket logs here; call allowLogsFrom(bucketArn) or remove it');
});
