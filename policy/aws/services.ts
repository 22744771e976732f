/** Logs, alarms, SNS, SQS, EBS, KMS and EventBridge Scheduler. */
import type { PolicyRule, Violation } from '../types';
import { block, isCustomerKey, type Resource, resources, statementsOf, type TerraformOutput } from './model';

type AwsRule = PolicyRule<TerraformOutput>;

function each(id: string, type: string, check: (r: Resource, output: TerraformOutput) => string[]): AwsRule['check'] {
  return (output) => resources(output, type).flatMap((r): Violation[] => check(r, output).map((message) => ({ rule: id, subject: r.address, message })));
}

export const logsRetention: AwsRule = {
  id: 'logs-retention',
  description: 'Every log group has a retention (never "keep forever").',
  check: each('logs-retention', 'aws_cloudwatch_log_group', (g) => (typeof g.values.retention_in_days === 'number' && g.values.retention_in_days > 0 ? [] : ['no retention_in_days'])),
};

export const logsEncrypted: AwsRule = {
  id: 'logs-encrypted',
  description: 'Every log group is encrypted with a customer key.',
  check: each('logs-encrypted', 'aws_cloudwatch_log_group', (g) => (isCustomerKey(g.values.kms_key_id) ? [] : ['no customer kms_key_id'])),
};

export const alarmsHaveActions: AwsRule = {
  id: 'alarms-have-actions',
  description: 'Every alarm has its actions enabled and notifies an SNS topic on ALARM and on OK.',
  check: each('alarms-have-actions', 'aws_cloudwatch_metric_alarm', (a) => {
    const isTopic = (v: unknown) => /\$\{aws_sns_topic\.[^}]+\.arn\}|^arn:aws[a-z-]*:sns:/.test(String(v));
    return [
      ...(a.values.actions_enabled === false ? ['actions are disabled'] : []),
      ...((a.values.alarm_actions ?? []).some(isTopic) ? [] : ['no SNS topic in alarm_actions']),
      ...((a.values.ok_actions ?? []).some(isTopic) ? [] : ['no SNS topic in ok_actions: nobody learns the alarm cleared']),
    ];
  }),
};

export const snsCustomerKey: AwsRule = {
  id: 'sns-customer-key',
  description: 'Every SNS topic is encrypted with a customer key (kms_master_key_id), not alias/aws/sns, which CloudWatch alarms cannot use.',
  check: each('sns-customer-key', 'aws_sns_topic', (t) => (isCustomerKey(t.values.kms_master_key_id) ? [] : [`kms_master_key_id is ${t.values.kms_master_key_id ?? 'unset'}`])),
};

export const snsTlsOnlyPublish: AwsRule = {
  id: 'sns-tls-only-publish',
  description: 'Every SNS topic policy denies sns:Publish without TLS (aws:SecureTransport false).',
  check: each('sns-tls-only-publish', 'aws_sns_topic', (topic, output) => {
    const policies = resources(output, 'aws_sns_topic_policy').filter((p) => String(p.values.arn).includes(`${topic.address}.arn`));
    const denies = policies
      .flatMap((p) => statementsOf(output, p.values.policy))
      .some((s) => s.effect === 'Deny' && s.actions.includes('sns:Publish') && s.conditions.some((c) => c.variable === 'aws:SecureTransport' && c.values.includes('false')));
    return denies ? [] : ['no topic policy denies publishing without TLS'];
  }),
};

export const sqsEncrypted: AwsRule = {
  id: 'sqs-encrypted',
  description: 'Every queue (the dead-letter queues hold failed events) is encrypted with a customer key.',
  check: each('sqs-encrypted', 'aws_sqs_queue', (q) => (isCustomerKey(q.values.kms_master_key_id) ? [] : ['no customer kms_master_key_id'])),
};

export const ebsEncryptedWithKey: AwsRule = {
  id: 'ebs-encrypted-with-key',
  description: 'Every EBS volume is encrypted with the customer key.',
  check: each('ebs-encrypted-with-key', 'aws_ebs_volume', (v) => [...(v.values.encrypted === true ? [] : ['not encrypted']), ...(isCustomerKey(v.values.kms_key_id) ? [] : ['no customer kms_key_id'])]),
};

export const kmsRotation: AwsRule = {
  id: 'kms-rotation',
  description: 'Every customer key has automatic rotation on.',
  check: each('kms-rotation', 'aws_kms_key', (k) => (k.values.enable_key_rotation === true ? [] : ['enable_key_rotation is not true'])),
};

export const kmsNoWildcardPrincipal: AwsRule = {
  id: 'kms-no-wildcard-principal',
  description: 'No key policy allows a wildcard principal; every grant names the account, a role or a service.',
  check: each('kms-no-wildcard-principal', 'aws_kms_key', (k, output) => {
    if (!k.values.policy) return ['no key policy: the default policy is not reviewed here'];
    return statementsOf(output, k.values.policy)
      .filter((s) => s.effect === 'Allow' && s.principals.some((p) => p.type === '*' || p.identifiers.includes('*')))
      .map((s) => `statement ${s.sid ?? '(no sid)'} allows principal "*"`);
  }),
};

export const schedulerEncrypted: AwsRule = {
  id: 'scheduler-encrypted',
  description: 'Every EventBridge Scheduler schedule is encrypted with a customer key.',
  check: each('scheduler-encrypted', 'aws_scheduler_schedule', (s) => (isCustomerKey(s.values.kms_key_arn) ? [] : ['no customer kms_key_arn'])),
};

export const schedulerDeadLetterQueue: AwsRule = {
  id: 'scheduler-dlq',
  description: 'Every schedule has a retry policy and a dead-letter queue, so an invocation that cannot be delivered is kept.',
  check: each('scheduler-dlq', 'aws_scheduler_schedule', (s) => {
    const target = block(s.values.target);
    return [...(block(target?.dead_letter_config)?.arn ? [] : ['no dead_letter_config']), ...(block(target?.retry_policy) ? [] : ['no retry_policy'])];
  }),
};

export const providerDefaultTags: AwsRule = {
  id: 'provider-default-tags',
  description: 'The AWS provider tags everything with project, cluster and environment.',
  check: (output) => {
    const providers = [].concat(output.stack.provider?.aws ?? []) as Array<{ default_tags?: unknown }>;
    if (providers.length === 0) return [{ rule: 'provider-default-tags', subject: 'provider.aws', message: 'no AWS provider' }];
    return providers.flatMap((p, i): Violation[] => {
      const tags = block(p.default_tags)?.tags ?? {};
      const missing = ['project', 'cluster', 'environment'].filter((t) => !tags[t]);
      return missing.length ? [{ rule: 'provider-default-tags', subject: `provider.aws[${i}]`, message: `default_tags lack ${missing.join(', ')}` }] : [];
    });
  },
};

export const SERVICE_RULES: readonly AwsRule[] = [
  logsRetention,
  logsEncrypted,
  alarmsHaveActions,
  snsCustomerKey,
  snsTlsOnlyPublish,
  sqsEncrypted,
  ebsEncryptedWithKey,
  kmsRotation,
  kmsNoWildcardPrincipal,
  schedulerEncrypted,
  schedulerDeadLetterQueue,
  providerDefaultTags,
];
