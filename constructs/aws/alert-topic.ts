/**
 * The SNS topic every alarm notifies: encrypted with the stack's key,
 * publishable only over TLS, by CloudWatch alarms of this account, with
 * the email and HTTPS subscriptions from the configuration. (The key
 * policy must also let CloudWatch use the key; see `MonitoringKey`.)
 */
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { accountRoot, arn, type ArnContext, denyInsecureTransport, PolicyDocument } from './lib/iam';

export interface AlertTopicProps {
  readonly topicName: string;
  readonly kmsKeyArn: string;
  readonly context: ArnContext;
  /** @default [] */
  readonly emails?: readonly string[];
  /** HTTPS endpoints; URLs with credentials are refused. @default [] */
  readonly webhooks?: readonly string[];
  readonly tags?: Record<string, string>;
}

export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly policy: PolicyDocument;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^[\w-]{1,256}$/.test(props.topicName)) problems.push(`'topicName' ("${props.topicName}") may only hold letters, digits, "-" and "_"`);
    for (const email of props.emails ?? []) if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) problems.push(`'emails' has "${email}", which is not an email address`);
    for (const url of props.webhooks ?? []) {
      if (!url.startsWith('https://')) problems.push(`'webhooks' has "${url}"; SNS webhooks must use https`);
      else if (/^https:\/\/[^/]*@/.test(url) || /[?&](token|key|secret|signature|sig|password)=/i.test(url)) problems.push(`'webhooks' has a URL with a credential in it; Terraform state would hold it`);
    }
    if (problems.length > 0) throw new Error(`AlertTopic: ${problems.join('; ')}`);
    const ctx = props.context;
    this.topic = new SnsTopic(this, 'topic', { name: props.topicName, kmsMasterKeyId: props.kmsKeyArn, tags: props.tags });
    this.arn = this.topic.arn;
    this.policy = new PolicyDocument(this, 'policy', [
      {
        sid: 'CloudWatchAlarmsPublish',
        actions: ['sns:Publish'],
        resources: [this.topic.arn],
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
        conditions: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ctx.accountId] },
          { test: 'ArnLike', variable: 'aws:SourceArn', values: [arn(ctx, 'cloudwatch', 'alarm:*')] },
        ],
      },
      {
        sid: 'AccountManagesTopic',
        actions: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:DeleteTopic', 'sns:TagResource', 'sns:Publish'],
        resources: [this.topic.arn],
        principals: [accountRoot(ctx)],
      },
      denyInsecureTransport(['sns:Publish'], [this.topic.arn]),
    ]);
    new SnsTopicPolicy(this, 'topic-policy', { arn: this.topic.arn, policy: this.policy.json });
    (props.emails ?? []).forEach((email, i) => new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email }));
    (props.webhooks ?? []).forEach(
      (url, i) => new SnsTopicSubscription(this, `webhook-${i}`, { topicArn: this.topic.arn, protocol: 'https', endpoint: url, endpointAutoConfirms: false, confirmationTimeoutInMinutes: 5 }),
    );
  }
}
