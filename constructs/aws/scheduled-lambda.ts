/**
 * A Lambda function run on a schedule, as every function of the stack is:
 * its bundle as a zip whose hash changes with the code; nodejs22.x on
 * arm64 with memory, timeout and reserved concurrency set; X-Ray active;
 * its log group created first, with retention and the key; in the VPC
 * (the functions call in-cluster endpoints); failed async invocations to
 * an encrypted dead-letter queue with an alarm on it; and an EventBridge
 * Scheduler schedule with a retry policy, the same DLQ and the key.
 * Alarms on errors, throttles and duration near the timeout notify the
 * alert topic.
 *
 * Environment variables carry settings, never secrets: a variable whose
 * name says secret/token/password must hold a Secrets Manager ARN.
 */
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { notifyingAlarm } from './lib/alarm';
import { arn, type ArnContext } from './lib/iam';
import { ServiceRole } from './service-role';

/** The built bundle, as `stacks/lambda-bundle.ts` makes it (built before the stack: assets hash at construction). */
export interface LambdaCode {
  /** Path of the zip. */
  readonly zipPath: string;
  /** Hex SHA-256 of the zip: the asset's hash. */
  readonly sha256: string;
  /** Base64 SHA-256 of the zip: `source_code_hash`. */
  readonly base64Sha256: string;
  /** @default 'index.handler' */
  readonly handler?: string;
}

export interface ScheduledLambdaProps {
  readonly functionName: string;
  readonly description?: string;
  readonly code: LambdaCode;
  readonly context: ArnContext;
  /** Key for the log group, the DLQ, the environment and the schedule. */
  readonly kmsKeyArn: string;
  /** Topic the alarms notify. */
  readonly alarmTopicArn: string;
  /** EventBridge Scheduler expression, e.g. `cron(0 2 * * ? *)`. */
  readonly scheduleExpression: string;
  /** @default 'UTC' */
  readonly scheduleTimezone?: string;
  /** @default - the `default` schedule group */
  readonly scheduleGroupName?: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** @default 256 */
  readonly memoryMiB?: number;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 1 */
  readonly reservedConcurrency?: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Settings; no secret values (see the class comment). @default {} */
  readonly environment?: Record<string, string>;
  /** Duration alarm threshold as a share of the timeout. @default 0.8 */
  readonly durationAlarmShare?: number;
  /** Retries of a failed async invocation before it goes to the DLQ (0-2). @default 1 */
  readonly asyncRetries?: number;
  /** Scheduler retries and event age. @default { attempts: 3, maxEventAgeSeconds: 3600 } */
  readonly scheduleRetry?: { readonly attempts: number; readonly maxEventAgeSeconds: number };
  /**
   * The event the schedule sends (JSON). String values may use the
   * scheduler's context attributes, e.g. `<aws.scheduler.scheduled-time>`.
   * @default { source: 'schedule' }
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
   */
  readonly scheduleInput?: Readonly<Record<string, unknown>>;
  readonly tags?: Record<string, string>;
}

/** Names that say a variable holds a credential. */
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** Values that look like one whatever the name. */
const SECRET_VALUE = [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /\bglsa_[A-Za-z0-9_]{20,}/, /hooks\.slack\.com\/services\//, /:\/\/[^/\s:@]+:[^/\s@]+@/];
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
/** Lambda sets these itself and refuses them. */
const RESERVED_ENV = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_FUNCTION_NAME', '_HANDLER', 'LAMBDA_TASK_ROOT'];

/** Problems with an environment: secrets in it, or variables Lambda reserves. */
export function environmentProblems(environment: Record<string, string>): string[] {
  return Object.entries(environment).flatMap(([name, value]) => {
    if (RESERVED_ENV.includes(name)) return [`'environment.${name}' is reserved by Lambda; remove it`];
    if (SECRET_NAME.test(name) && !SECRETS_MANAGER_ARN.test(value)) return [`'environment.${name}' looks like a secret; store it in Secrets Manager and pass the ARN (e.g. ${name.replace(/_?(SECRET|TOKEN|PASSWORD|KEY)$/i, '')}_SECRET_ARN)`];
    if (SECRET_VALUE.some((p) => p.test(value))) return [`'environment.${name}' holds what looks like a credential; pass a Secrets Manager ARN instead`];
    return [];
  });
}

export class ScheduledLambda extends Construct {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;
  readonly schedulerRole: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly deadLetterQueue: SqsQueue;
  readonly schedule: SchedulerSchedule;
  /** Every schedule: `schedule` first, then those of `addSchedule()`. */
  readonly schedules: SchedulerSchedule[] = [];
  private readonly scheduleNames = new Set<string>();
  readonly alarms: CloudwatchMetricAlarm[];
  readonly functionName: string;
  readonly timeoutSeconds: number;
  private readonly scheduleSettings: { readonly groupName?: string; readonly timezone: string; readonly kmsKeyArn: string; readonly retry: { readonly attempts: number; readonly maxEventAgeSeconds: number } };

  constructor(scope: Construct, id: string, props: ScheduledLambdaProps) {
    super(scope, id);
    const memory = props.memoryMiB ?? 256;
    const timeout = props.timeoutSeconds ?? 60;
    const reserved = props.reservedConcurrency ?? 1;
    const share = props.durationAlarmShare ?? 0.8;
    const asyncRetries = props.asyncRetries ?? 1;
    const scheduleRetry = props.scheduleRetry ?? { attempts: 3, maxEventAgeSeconds: 3600 };
    const environment = props.environment ?? {};
    const problems = [
      ...(!/^[a-zA-Z0-9-_]{1,64}$/.test(props.functionName) ? [`'functionName' ("${props.functionName}") must be 1-64 letters, digits, "-" or "_"`] : []),
      ...(memory < 128 || memory > 10240 ? [`'memoryMiB' (${memory}) must be 128-10240`] : []),
      ...(timeout < 1 || timeout > 900 ? [`'timeoutSeconds' (${timeout}) must be 1-900`] : []),
      ...(reserved < 1 ? [`'reservedConcurrency' (${reserved}) must be at least 1; 0 would stop the function from ever running`] : []),
      ...(!(share > 0 && share < 1) ? [`'durationAlarmShare' (${share}) must be between 0 and 1`] : []),
      ...(asyncRetries < 0 || asyncRetries > 2 ? [`'asyncRetries' (${asyncRetries}) must be 0-2`] : []),
      ...(scheduleRetry.attempts < 0 || scheduleRetry.attempts > 185 ? [`'scheduleRetry.attempts' (${scheduleRetry.attempts}) must be 0-185`] : []),
      ...(scheduleRetry.maxEventAgeSeconds < 60 || scheduleRetry.maxEventAgeSeconds > 86400 ? [`'scheduleRetry.maxEventAgeSeconds' (${scheduleRetry.maxEventAgeSeconds}) must be 60-86400`] : []),
      ...(props.subnetIds.length === 0 ? ["'subnetIds' is empty; the function runs in the VPC to reach in-cluster endpoints"] : []),
      ...(props.securityGroupIds.length === 0 ? ["'securityGroupIds' is empty"] : []),
      ...(!/^[0-9a-f]{64}$/.test(props.code.sha256) ? [`'code.sha256' ("${props.code.sha256}") is not a hex SHA-256`] : []),
      ...environmentProblems(environment),
    ];
    if (problems.length > 0) throw new Error(`ScheduledLambda ${props.functionName}: ${problems.join('; ')}`);
    const ctx = props.context;
    this.functionName = props.functionName;
    this.timeoutSeconds = timeout;
    const logGroupName = `/aws/lambda/${props.functionName}`;
    const logGroupArn = arn(ctx, 'logs', `log-group:${logGroupName}`);

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', { name: logGroupName, retentionInDays: props.logRetentionDays ?? 30, kmsKeyId: props.kmsKeyArn, tags: props.tags });
    this.deadLetterQueue = new SqsQueue(this, 'dead-letter-queue', {
      name: `${props.functionName}-failures`,
      kmsMasterKeyId: props.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 3600,
      messageRetentionSeconds: 14 * 86400,
      tags: props.tags,
    });

    this.role = new ServiceRole(this, 'execution-role', {
      roleName: `${props.functionName}-execution`,
      service: 'lambda.amazonaws.com',
      context: ctx,
      description: `Execution role of the ${props.functionName} Lambda`,
      tags: props.tags,
      statements: [
        { sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:*`] },
        // X-Ray, the ENI descriptions and DescribeSubnets have no resource-level permissions.
        { sid: 'SendTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
        { sid: 'DescribeVpcNetwork', actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] },
        {
          sid: 'CreateVpcInterfaces',
          actions: ['ec2:CreateNetworkInterface'],
          resources: [
            arn(ctx, 'ec2', 'network-interface/*'),
            ...props.subnetIds.map((s) => arn(ctx, 'ec2', `subnet/${s}`)),
            ...props.securityGroupIds.map((g) => arn(ctx, 'ec2', `security-group/${g}`)),
          ],
        },
        { sid: 'ManageVpcInterfaces', actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], resources: [arn(ctx, 'ec2', 'network-interface/*')] },
        { sid: 'SendFailuresToQueue', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
        { sid: 'UseStackKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.kmsKeyArn] },
      ],
    });

    const asset = new TerraformAsset(this, 'code', { path: props.code.zipPath, type: AssetType.FILE, assetHash: props.code.sha256 });
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: props.code.handler ?? 'index.handler',
      filename: asset.path,
      sourceCodeHash: props.code.base64Sha256,
      memorySize: memory,
      timeout,
      reservedConcurrentExecutions: reserved,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
      vpcConfig: { subnetIds: [...props.subnetIds], securityGroupIds: [...props.securityGroupIds] },
      kmsKeyArn: props.kmsKeyArn,
      environment: { variables: { NODE_OPTIONS: '--enable-source-maps', ...environment } },
      tags: props.tags,
      // The log group first (else Lambda creates one without retention or key), and the permissions it needs at creation.
      dependsOn: [this.logGroup, this.role.rolePolicy],
    });
    new LambdaFunctionEventInvokeConfig(this, 'async-config', {
      functionName: this.function.functionName,
      maximumRetryAttempts: asyncRetries,
      maximumEventAgeInSeconds: scheduleRetry.maxEventAgeSeconds,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
    });

    this.schedulerRole = new ServiceRole(this, 'scheduler-role', {
      roleName: `${props.functionName}-scheduler`,
      service: 'scheduler.amazonaws.com',
      context: ctx,
      description: `EventBridge Scheduler invoking ${props.functionName}`,
      tags: props.tags,
      statements: [
        { sid: 'InvokeFunction', actions: ['lambda:InvokeFunction'], resources: [this.function.arn] },
        { sid: 'SendUndeliveredToQueue', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
        { sid: 'UseStackKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.kmsKeyArn] },
      ],
    });
    this.scheduleSettings = { groupName: props.scheduleGroupName, timezone: props.scheduleTimezone ?? 'UTC', kmsKeyArn: props.kmsKeyArn, retry: scheduleRetry };
    this.schedule = this.createSchedule('schedule', props.functionName, props.scheduleExpression, this.scheduleSettings.timezone, props.scheduleInput ?? { source: 'schedule' });

    const dims = { FunctionName: props.functionName };
    const lambdaAlarm = { namespace: 'AWS/Lambda', dimensions: dims, period: 300, evaluationPeriods: 1, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching', tags: props.tags };
    this.alarms = [
      notifyingAlarm(this, 'errors-alarm', props.alarmTopicArn, { ...lambdaAlarm, alarmName: `${props.functionName}-errors`, alarmDescription: `${props.functionName} failed; its logs (${logGroupName}) say why.`, metricName: 'Errors', statistic: 'Sum', threshold: 0 }),
      notifyingAlarm(this, 'throttles-alarm', props.alarmTopicArn, { ...lambdaAlarm, alarmName: `${props.functionName}-throttles`, alarmDescription: `${props.functionName} was throttled (reserved concurrency ${reserved}).`, metricName: 'Throttles', statistic: 'Sum', threshold: 0 }),
      notifyingAlarm(this, 'duration-alarm', props.alarmTopicArn, {
        ...lambdaAlarm,
        alarmName: `${props.functionName}-duration`,
        alarmDescription: `${props.functionName} ran longer than ${Math.round(share * 100)}% of its ${timeout}s timeout; it is about to be cut off.`,
        metricName: 'Duration',
        statistic: 'Maximum',
        threshold: Math.round(timeout * 1000 * share),
      }),
      notifyingAlarm(this, 'dead-letter-alarm', props.alarmTopicArn, {
        alarmName: `${props.functionName}-dead-letters`,
        alarmDescription: `Invocations of ${props.functionName} failed for good and wait in ${props.functionName}-failures.`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: this.deadLetterQueue.name },
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        treatMissingData: 'notBreaching',
        tags: props.tags,
      }),
    ];
  }

  /**
   * Another schedule of the function (`<functionName>-<id>`), with its own
   * expression and event, sharing the scheduler role, retries, dead-letter
   * queue and key of the first.
   */
  addSchedule(id: string, options: { readonly expression: string; readonly input: Readonly<Record<string, unknown>>; readonly timezone?: string }): SchedulerSchedule {
    const name = `${this.functionName}-${id}`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new Error(`ScheduledLambda ${this.functionName}: schedule id "${id}" must be lower-case letters, digits and "-"`);
    if (name.length > 64) throw new Error(`ScheduledLambda ${this.functionName}: schedule name "${name}" is longer than 64 characters; use a shorter id`);
    if (this.scheduleNames.has(name)) throw new Error(`ScheduledLambda ${this.functionName}: a schedule "${id}" exists already; give each schedule its own id`);
    return this.createSchedule(`schedule-${id}`, name, options.expression, options.timezone ?? this.scheduleSettings.timezone, options.input);
  }

  private createSchedule(id: string, name: string, expression: string, timezone: string, input: Readonly<Record<string, unknown>>): SchedulerSchedule {
    const settings = this.scheduleSettings;
    const schedule = new SchedulerSchedule(this, id, {
      name,
      groupName: settings.groupName,
      description: `Runs ${this.functionName}`,
      scheduleExpression: expression,
      scheduleExpressionTimezone: timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      kmsKeyArn: settings.kmsKeyArn,
      state: 'ENABLED',
      target: {
        arn: this.function.arn,
        roleArn: this.schedulerRole.arn,
        input: JSON.stringify(input),
        retryPolicy: { maximumRetryAttempts: settings.retry.attempts, maximumEventAgeInSeconds: settings.retry.maxEventAgeSeconds },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
      dependsOn: [this.schedulerRole.rolePolicy],
    });
    this.schedules.push(schedule);
    this.scheduleNames.add(name);
    return schedule;
  }
}
