/**
 * Every AWS policy rule passes on the synthesized stacks (default
 * profile, production profile, and everything optional turned on), and
 * every rule is shown to catch a bad resource.
 */
import { AWS_RULES } from '../../policy/aws';
import { evaluate, formatViolations } from '../../policy/types';
import { fullConfig, policyDocumentOf, synthProfileStack, synthStack } from '../helpers/aws-synth';

type Mutation = (stack: any) => void;

/** The one resource of a type whose name starts with `prefix`. */
const res = (stack: any, type: string, prefix: string): any => {
  const names = Object.keys(stack.resource[type] ?? {}).filter((n) => n.startsWith(prefix));
  if (names.length !== 1) throw new Error(`${type} ${prefix}*: ${names.length} matches`);
  return stack.resource[type][names[0]];
};
const doc = (stack: any, prefix: string): any => {
  const names = Object.keys(stack.data.aws_iam_policy_document).filter((n) => n.startsWith(prefix));
  if (names.length !== 1) throw new Error(`policy document ${prefix}*: ${names.length} matches`);
  return stack.data.aws_iam_policy_document[names[0]];
};
const statement = (stack: any, docPrefix: string, sid: string): any => {
  const found = doc(stack, docPrefix).statement.find((s: any) => s.sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${docPrefix}`);
  return found;
};
const removeAll = (stack: any, type: string, prefix: string) => {
  for (const name of Object.keys(stack.resource[type] ?? {})) if (name.startsWith(prefix)) delete stack.resource[type][name];
};
const fn = (stack: any) => res(stack, 'aws_lambda_function', 'backup_function');

/** For each rule, one way to break the stack that the rule must catch. */
const MUTATIONS: Record<string, Mutation> = {
  's3-encryption-customer-key': (s) => (res(s, 'aws_s3_bucket_server_side_encryption_configuration', 'backups_').rule[0].apply_server_side_encryption_by_default = { sse_algorithm: 'AES256' }),
  's3-versioning': (s) => (res(s, 'aws_s3_bucket_versioning', 'backups_').versioning_configuration.status = 'Suspended'),
  's3-public-access-block': (s) => (res(s, 'aws_s3_bucket_public_access_block', 'access-logs_').restrict_public_buckets = false),
  's3-tls-only': (s) => (doc(s, 'backups_policy').statement = doc(s, 'backups_policy').statement.filter((x: any) => x.sid !== 'DenyInsecureTransport')),
  's3-lifecycle': (s) => delete res(s, 'aws_s3_bucket_lifecycle_configuration', 'backups_').rule[0].abort_incomplete_multipart_upload,
  's3-access-logging': (s) => removeAll(s, 'aws_s3_bucket_logging', 'backups_'),
  's3-ownership-enforced': (s) => (res(s, 'aws_s3_bucket_ownership_controls', 'backups_').rule.object_ownership = 'ObjectWriter'),
  'iam-no-wildcard-action': (s) => statement(s, 'prometheus-role_policy', 'UploadBlocks').actions.push('s3:*'),
  'iam-no-wildcard-resource': (s) => (statement(s, 'backup_execution-role_policy', 'WriteOwnLogs').resources = ['*']),
  'iam-no-managed-policies': (s) =>
    (s.resource.aws_iam_role_policy_attachment = { vpc: { role: '${aws_iam_role.backup_execution-role_991E8476.name}', policy_arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' } }),
  'iam-irsa-trust': (s) => (statement(s, 'prometheus-role_trust', 'ServiceAccountAssumesRole').condition = statement(s, 'prometheus-role_trust', 'ServiceAccountAssumesRole').condition.filter((c: any) => !c.variable.endsWith(':aud'))),
  'iam-service-trust-scoped': (s) => delete statement(s, 'backup_scheduler-role_trust', 'ServiceAssumesRole').condition,
  'lambda-tracing': (s) => (fn(s).tracing_config = { mode: 'PassThrough' }),
  'lambda-reserved-concurrency': (s) => delete fn(s).reserved_concurrent_executions,
  'lambda-failure-destination': (s) => removeAll(s, 'aws_lambda_function_event_invoke_config', 'backup_'),
  'lambda-in-vpc': (s) => delete fn(s).vpc_config,
  'lambda-supported-runtime': (s) => (fn(s).runtime = 'nodejs16.x'),
  'lambda-environment-encrypted': (s) => delete fn(s).kms_key_arn,
  'lambda-no-secrets-in-environment': (s) => (fn(s).environment.variables.GRAFANA_TOKEN = 'glsa_abcdefghijklmnopqrstuvwxyz_0123'),
  'lambda-permission-source-arn': (s) =>
    (s.resource.aws_lambda_permission = { invoke: { action: 'lambda:InvokeFunction', function_name: '${aws_lambda_function.backup_function_E04EF10A.function_name}', principal: 'events.amazonaws.com' } }),
  'lambda-log-group-first': (s) => (fn(s).depends_on = fn(s).depends_on.filter((d: string) => !d.startsWith('aws_cloudwatch_log_group'))),
  'logs-retention': (s) => delete res(s, 'aws_cloudwatch_log_group', 'backup_').retention_in_days,
  'logs-encrypted': (s) => delete res(s, 'aws_cloudwatch_log_group', 'backup_').kms_key_id,
  'alarms-have-actions': (s) => (res(s, 'aws_cloudwatch_metric_alarm', 'backup-freshness').alarm_actions = []),
  'sns-customer-key': (s) => (res(s, 'aws_sns_topic', 'alerts_').kms_master_key_id = 'alias/aws/sns'),
  'sns-tls-only-publish': (s) => (doc(s, 'alerts_policy').statement = doc(s, 'alerts_policy').statement.filter((x: any) => x.effect !== 'Deny')),
  'sqs-encrypted': (s) => delete res(s, 'aws_sqs_queue', 'backup_').kms_master_key_id,
  'ebs-encrypted-with-key': (s) => delete res(s, 'aws_ebs_volume', 'volumes_prometheus-eu-west-1a').kms_key_id,
  'kms-rotation': (s) => (res(s, 'aws_kms_key', 'key_').enable_key_rotation = false),
  'kms-no-wildcard-principal': (s) => (statement(s, 'key_policy', 'CloudWatchAlarmsPublishToEncryptedTopic').principals = [{ type: 'AWS', identifiers: ['*'] }]),
  'scheduler-encrypted': (s) => delete res(s, 'aws_scheduler_schedule', 'backup_').kms_key_arn,
  'scheduler-dlq': (s) => delete res(s, 'aws_scheduler_schedule', 'backup_').target.dead_letter_config,
  'provider-default-tags': (s) => delete s.provider.aws[0].default_tags[0].tags.environment,
};

const stacks: Array<[string, () => any]> = [
  ['default profile', () => synthProfileStack('default')],
  ['production profile', () => synthProfileStack('production')],
  ['everything enabled', () => synthStack(fullConfig(), 'full')],
];

describe.each(stacks)('%s', (_name, synth) => {
  it.each(AWS_RULES.map((rule) => [rule.id, rule] as const))('complies with %s', (_id, rule) => {
    expect(formatViolations(rule.check({ stack: synth() }))).toBe('');
  });
});

describe('each AWS rule catches a bad resource', () => {
  it('every rule has a mutation that breaks it, and every mutation a rule', () => {
    expect(AWS_RULES.map((r) => r.id).filter((id) => !MUTATIONS[id])).toEqual([]);
    expect(Object.keys(MUTATIONS).filter((id) => !AWS_RULES.some((r) => r.id === id))).toEqual([]);
  });

  it.each(AWS_RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
    const stack = synthStack(fullConfig(), 'full');
    MUTATIONS[id](stack);
    const violations = rule.check({ stack });
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.rule === id && v.subject && v.message)).toBe(true);
  });

  it('rule ids are unique and the full stack has no violation at all', () => {
    expect(new Set(AWS_RULES.map((r) => r.id)).size).toBe(AWS_RULES.length);
    expect(formatViolations(evaluate(AWS_RULES, { stack: synthStack(fullConfig(), 'full') }))).toBe('');
  });

  it('reads policy documents through their references', () => {
    const stack = synthProfileStack('default');
    const role = res(stack, 'aws_iam_role', 'prometheus-role_');
    expect(policyDocumentOf(stack, role.assume_role_policy).statement[0].actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
  });
});
