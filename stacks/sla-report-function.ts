/**
 * The SLA report Lambda in the AWS stack: one ScheduledLambda with three
 * schedules (daily, weekly on Monday, monthly on the 1st, in
 * `aws.slaReport.timeZone`), each sending the periods it reports and its
 * scheduled time, which is the report's `asOf`. The SLOs and SLAs are
 * bundled in its zip as `sla-definitions.json` (a change deploys like a
 * code change; nothing of it is in the environment, which Lambda limits to
 * 4 KB). Least privilege: it may put objects under its prefix of the
 * backup bucket and publish to the alert topic, and read nothing; the
 * stack's key, which encrypts both, is usable through its base role.
 */
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { awsNames } from '../config/aws-names';
import { lambdaEndpoints } from '../config/endpoints';
import { SLA_SCHEDULES, type SlaSchedule } from '../config/sections/sla-report';
import type { BackupBucket } from '../constructs/aws/backup-bucket';
import type { ArnContext } from '../constructs/aws/lib/iam';
import { environmentProblems, ScheduledLambda } from '../constructs/aws/scheduled-lambda';
import { DEFINITIONS_FILE, definitionsFromConfig, type ReportDefinitions } from '../lambdas/sla-report/definitions';
import { SLA_REPORT_ENV } from '../lambdas/sla-report/settings';
import { bundleLambda, type LambdaBundle } from './lambda-bundle';

export interface SlaReportFunctionProps {
  readonly config: MonitoringConfig;
  readonly context: ArnContext;
  /** The stack's key: log group, queue, environment, schedules, and the bucket's and topic's encryption. */
  readonly kmsKeyArn: string;
  /** The backup bucket; the reports go under `aws.slaReport.prefix`. */
  readonly bucket: BackupBucket;
  /** The alert topic: the summaries go there, and the function's alarms notify it. */
  readonly topicArn: string;
  /** @default - the `default` schedule group */
  readonly scheduleGroupName?: string;
  readonly tags?: Record<string, string>;
}

/** The event a schedule sends: its name, its periods, and the scheduler's scheduled time (the report's asOf). */
export function scheduleInput(name: SlaSchedule, periods: readonly string[]): Record<string, unknown> {
  return { schedule: name, periods, scheduledTime: '<aws.scheduler.scheduled-time>' };
}

export class SlaReportFunction extends Construct {
  /** Whether a configuration deploys the function: it is enabled, has something to report and a schedule to run on. */
  static wanted(config: MonitoringConfig): boolean {
    const report = config.aws.slaReport;
    return report.enabled && config.slos.length + config.slas.length > 0 && SLA_SCHEDULES.some((name) => report.schedules[name].enabled);
  }

  readonly lambda: ScheduledLambda;
  readonly bundle: LambdaBundle;
  readonly definitions: ReportDefinitions;

  constructor(scope: Construct, id: string, props: SlaReportFunctionProps) {
    super(scope, id);
    const { config } = props;
    const { aws, cluster } = config;
    const report = aws.slaReport;
    const names = awsNames(config);
    const schedules = SLA_SCHEDULES.filter((name) => report.schedules[name].enabled);
    if (schedules.length === 0) throw new Error('SlaReportFunction: every schedule of aws.slaReport.schedules is disabled; enable one or set aws.slaReport.enabled to false');
    this.definitions = definitionsFromConfig(config);
    const text = JSON.stringify(this.definitions, null, 2) + '\n';
    // The definitions are bundled in plain text (and shown in the console): refuse anything that looks like a credential.
    if (environmentProblems({ SLA_DEFINITIONS: text }).length > 0) throw new Error('SlaReportFunction: the SLO or SLA definitions hold what looks like a credential; they are bundled as plain text, so keep secrets out of selectors');
    this.bundle = bundleLambda('sla-report', { files: { [DEFINITIONS_FILE]: text } });
    const [first, ...others] = schedules;
    // Like Prometheus's (awsNames), the Pushgateway is reached through its internal load balancer unless an address is configured.
    const endpoints = lambdaEndpoints(config);
    const pushgatewayUrl = aws.backup.pushgatewayUrl ?? (endpoints.enabled ? endpoints.pushgatewayUrl : names.pushgatewayUrl);

    this.lambda = new ScheduledLambda(this, 'function', {
      functionName: names.slaReportFunctionName,
      description: `SLA report of ${this.definitions.objectives.length} SLOs and SLAs: JSON and HTML to s3://${names.backupBucket}/${report.prefix}/, summary to SNS, gauges to the Pushgateway`,
      code: this.bundle,
      context: props.context,
      kmsKeyArn: props.kmsKeyArn,
      alarmTopicArn: props.topicArn,
      scheduleExpression: report.schedules[first].expression,
      scheduleTimezone: report.timeZone,
      scheduleInput: scheduleInput(first, report.schedules[first].periods),
      scheduleGroupName: props.scheduleGroupName,
      subnetIds: aws.lambdaNetwork.subnetIds,
      securityGroupIds: aws.lambdaNetwork.securityGroupIds,
      memoryMiB: report.memoryMiB,
      timeoutSeconds: report.timeoutSeconds,
      // One run at a time: two runs of the same schedule and day would write the same keys.
      reservedConcurrency: 1,
      // A failed run is not retried by Lambda: the retry would send a second summary; the Errors alarm and the DLQ keep the failure visible.
      asyncRetries: 0,
      logRetentionDays: aws.logRetentionDays,
      durationAlarmShare: aws.alarms.lambdaDurationShareOfTimeout,
      environment: {
        [SLA_REPORT_ENV.clusterName]: cluster.name,
        [SLA_REPORT_ENV.prometheusUrl]: names.prometheusUrl,
        [SLA_REPORT_ENV.pushgatewayUrl]: pushgatewayUrl,
        [SLA_REPORT_ENV.timeZone]: report.timeZone,
        [SLA_REPORT_ENV.minCoverage]: String(report.minCoverage),
        [SLA_REPORT_ENV.definitionsFile]: DEFINITIONS_FILE,
        [SLA_REPORT_ENV.outputs]: 's3,sns,pushgateway',
        [SLA_REPORT_ENV.bucket]: names.backupBucket,
        [SLA_REPORT_ENV.prefix]: report.prefix,
        [SLA_REPORT_ENV.kmsKeyArn]: props.kmsKeyArn,
        [SLA_REPORT_ENV.topicArn]: props.topicArn,
      },
      tags: props.tags,
    });
    for (const name of others) this.lambda.addSchedule(name, { expression: report.schedules[name].expression, input: scheduleInput(name, report.schedules[name].periods) });
    this.lambda.role.addToPolicy({ sid: 'WriteReports', actions: ['s3:PutObject'], resources: [`${props.bucket.bucket.arn}/${report.prefix}/*`] });
    this.lambda.role.addToPolicy({ sid: 'PublishSummary', actions: ['sns:Publish'], resources: [props.topicArn] });
    new TerraformOutput(TerraformStack.of(this), 'sla_report_function_name', { value: this.lambda.function.functionName });
  }
}
