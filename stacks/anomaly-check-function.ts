/**
 * The anomaly-check Lambda in the AWS stack: a ScheduledLambda run on the
 * `anomaly.interval` grid (every 15 minutes on the quarter hour by
 * default), with the checks of `anomaly.checks` bundled in its zip as
 * `checks.json` (a check change deploys like a code change; nothing of it
 * is in the environment, which Lambda limits to 4 KB), the in-cluster
 * endpoints of `config/endpoints.ts` in its environment, and one
 * permission of its own: publishing the run summary to the alert topic.
 * (The topic's key is usable through the function's base role.)
 */
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { lambdaEndpoints } from '../config/endpoints';
import { type AnomalyCheck, anomalyRunbookUrl } from '../config/sections/anomaly';
import { durationToSeconds } from '../config/units';
import type { ArnContext } from '../constructs/aws/lib/iam';
import { environmentProblems, ScheduledLambda } from '../constructs/aws/scheduled-lambda';
import { CHECKS_FILE_NAME } from '../lambdas/anomaly-check/checks-file';
import { ANOMALY_ENV } from '../lambdas/anomaly-check/settings';
import { bundleLambda, type LambdaBundle } from './lambda-bundle';

export interface AnomalyCheckFunctionProps {
  readonly config: MonitoringConfig;
  readonly context: ArnContext;
  /** The stack's key: log group, queue, environment, schedule (and the topic's). */
  readonly kmsKeyArn: string;
  /** The alert topic: the run summaries go there, and the function's alarms notify it. */
  readonly topicArn: string;
  /** @default - the `default` schedule group */
  readonly scheduleGroupName?: string;
  readonly tags?: Record<string, string>;
}

/** The function's name, from the cluster's. */
export function anomalyCheckFunctionName(config: MonitoringConfig): string {
  return `${config.cluster.name}-anomaly-check`;
}

/**
 * The EventBridge Scheduler expression of a run interval: a cron on the
 * interval's grid (`15m` is minutes 0, 15, 30 and 45 of every hour), so
 * each run's newest interval is the grid cell before it.
 */
export function scheduleForInterval(interval: string): string {
  const seconds = durationToSeconds(interval);
  if (seconds % 60 === 0 && 3600 % seconds === 0) return seconds === 3600 ? 'cron(0 * * * ? *)' : `cron(0/${seconds / 60} * * * ? *)`;
  if (seconds % 3600 === 0 && 86400 % seconds === 0) return seconds === 86400 ? 'cron(0 0 * * ? *)' : `cron(0 0/${seconds / 3600} * * ? *)`;
  throw new Error(`scheduleForInterval: "${interval}" divides neither an hour nor a day; use e.g. "15m" or "1h"`);
}

export class AnomalyCheckFunction extends Construct {
  /** Whether the stack deploys the function: `anomaly.enabled` and at least one enabled check. */
  static wanted(config: MonitoringConfig): boolean {
    return config.anomaly.enabled && config.anomaly.checks.some((check) => check.enabled);
  }

  readonly lambda: ScheduledLambda;
  readonly bundle: LambdaBundle;
  /** The checks bundled, as the function reads them. */
  readonly checks: readonly AnomalyCheck[];
  readonly scheduleExpression: string;

  constructor(scope: Construct, id: string, props: AnomalyCheckFunctionProps) {
    super(scope, id);
    const { config } = props;
    const { anomaly, aws, cluster } = config;
    // Checks are bundled in plain text (and shown in the console): refuse anything that looks like a credential.
    const leaks = anomaly.checks.filter((check) => environmentProblems({ CHECK: JSON.stringify(check) }).length > 0).map((check) => `"${check.name}"`);
    if (leaks.length > 0) throw new Error(`AnomalyCheckFunction: anomaly.checks ${leaks.join(', ')} hold what looks like a credential; checks are bundled as plain text, so keep secrets out of queries and labels`);
    this.checks = anomaly.checks;
    this.bundle = bundleLambda('anomaly-check', { files: { [CHECKS_FILE_NAME]: JSON.stringify(anomaly.checks, null, 2) + '\n' } });
    this.scheduleExpression = scheduleForInterval(anomaly.interval);
    const endpoints = lambdaEndpoints(config);
    const intervalSeconds = durationToSeconds(anomaly.interval);

    this.lambda = new ScheduledLambda(this, 'function', {
      functionName: anomalyCheckFunctionName(config),
      description: `Anomaly check every ${anomaly.interval}: scores ${anomaly.checks.length} PromQL checks, alerts through every Alertmanager, summarizes to SNS`,
      code: this.bundle,
      context: props.context,
      kmsKeyArn: props.kmsKeyArn,
      alarmTopicArn: props.topicArn,
      scheduleExpression: this.scheduleExpression,
      scheduleGroupName: props.scheduleGroupName,
      subnetIds: aws.lambdaNetwork.subnetIds,
      securityGroupIds: aws.lambdaNetwork.securityGroupIds,
      memoryMiB: anomaly.memoryMiB,
      timeoutSeconds: anomaly.timeoutSeconds,
      // One run at a time: two would post the same alerts and race on resolving them.
      reservedConcurrency: 1,
      logRetentionDays: aws.logRetentionDays,
      durationAlarmShare: aws.alarms.lambdaDurationShareOfTimeout,
      // A run delivered later than one interval would evaluate a window the next run covers.
      scheduleRetry: { attempts: 2, maxEventAgeSeconds: Math.max(60, intervalSeconds) },
      environment: {
        [ANOMALY_ENV.clusterName]: cluster.name,
        [ANOMALY_ENV.prometheusUrl]: endpoints.prometheusUrl,
        [ANOMALY_ENV.prometheusExternalUrl]: anomaly.prometheusExternalUrl ?? `https://prometheus.${cluster.domain}`,
        [ANOMALY_ENV.alertmanagerUrls]: endpoints.alertmanagerUrls.join(','),
        [ANOMALY_ENV.pushgatewayUrl]: endpoints.pushgatewayUrl,
        [ANOMALY_ENV.topicArn]: props.topicArn,
        [ANOMALY_ENV.checksFile]: CHECKS_FILE_NAME,
        [ANOMALY_ENV.interval]: anomaly.interval,
        [ANOMALY_ENV.alertExpiry]: anomaly.alertExpiry,
        [ANOMALY_ENV.runbookUrl]: anomalyRunbookUrl(config.alerting.runbookBaseUrl),
      },
      tags: props.tags,
    });
    this.lambda.role.addToPolicy({ sid: 'PublishRunSummary', actions: ['sns:Publish'], resources: [props.topicArn] });
    new TerraformOutput(TerraformStack.of(this), 'anomaly_check_function_name', { value: this.lambda.function.functionName });
  }
}
