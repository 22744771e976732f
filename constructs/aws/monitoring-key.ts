/**
 * The stack's customer-managed KMS key: rotated yearly, with an alias,
 * and a key policy that lets each service that uses it do so, and nothing
 * else. The account administers the key; its principals use it for data
 * only through the listed AWS services (`kms:ViaService`), so a role with
 * `kms:Decrypt` still cannot decrypt an exported ciphertext directly.
 * CloudWatch Logs and CloudWatch alarms get their own grants: without the
 * alarms' grant, alarms deploy but their notifications to the encrypted
 * SNS topic are silently dropped.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
 * @see https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
 */
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { accountRoot, arn, type ArnContext, PolicyDocument, type PolicyStatement } from './lib/iam';

export interface MonitoringKeyProps {
  readonly context: ArnContext;
  /** `alias/...`. */
  readonly alias: string;
  /** @default 30 */
  readonly deletionWindowDays?: number;
  /**
   * Services whose calls on behalf of the account may use the key.
   * @default ['s3', 'sqs', 'sns', 'lambda', 'ec2', 'secretsmanager', 'scheduler']
   */
  readonly viaServices?: readonly string[];
  /**
   * Log groups CloudWatch Logs may encrypt with the key (a `log-group:` ARN pattern suffix).
   * @default '*' (every log group of the account in the region)
   */
  readonly logGroupPattern?: string;
  readonly tags?: Record<string, string>;
}

export const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

export class MonitoringKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  readonly policy: PolicyDocument;
  /** The key's ARN (a token until apply). */
  readonly arn: string;
  /** `arn:...:alias/...`, known at synth time. */
  readonly aliasArn: string;

  constructor(scope: Construct, id: string, props: MonitoringKeyProps) {
    super(scope, id);
    if (!/^alias\/[a-zA-Z0-9/_-]+$/.test(props.alias) || props.alias.startsWith('alias/aws/')) {
      throw new Error(`MonitoringKey: 'alias' ("${props.alias}") must be "alias/<name>" and not under alias/aws/ (reserved for AWS managed keys)`);
    }
    const window = props.deletionWindowDays ?? 30;
    if (window < 7 || window > 30) throw new Error(`MonitoringKey: 'deletionWindowDays' (${window}) must be between 7 and 30`);
    const ctx = props.context;
    const services = props.viaServices ?? ['s3', 'sqs', 'sns', 'lambda', 'ec2', 'secretsmanager', 'scheduler'];
    const statements: PolicyStatement[] = [
      { sid: 'AccountAdministersKey', actions: KEY_ADMIN_ACTIONS, resources: ['*'], principals: [accountRoot(ctx)] },
      {
        sid: 'AccountUsesKeyThroughServices',
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'],
        principals: [accountRoot(ctx)],
        conditions: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: services.map((s) => `${s}.${ctx.region}.amazonaws.com`) },
          { test: 'StringEquals', variable: 'kms:CallerAccount', values: [ctx.accountId] },
        ],
      },
      {
        sid: 'CloudWatchLogsEncryptsLogGroups',
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        principals: [{ type: 'Service', identifiers: [`logs.${ctx.region}.amazonaws.com`] }],
        conditions: [{ test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: [arn(ctx, 'logs', `log-group:${props.logGroupPattern ?? '*'}`)] }],
      },
      {
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
        conditions: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ctx.accountId] },
          { test: 'ArnLike', variable: 'aws:SourceArn', values: [arn(ctx, 'cloudwatch', 'alarm:*')] },
        ],
      },
    ];
    this.policy = new PolicyDocument(this, 'policy', statements);
    this.key = new KmsKey(this, 'key', {
      description: `Monitoring stack: backups, logs, alarms topic, queues and volumes (${props.alias})`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: window,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      policy: this.policy.json,
      tags: props.tags,
    });
    this.alias = new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
    this.aliasArn = arn(ctx, 'kms', props.alias);
  }
}
