/** Shared shape of the stack's CloudWatch alarms: every alarm notifies the alert topic on ALARM and OK. */
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';

export type AlarmSpec = Omit<CloudwatchMetricAlarmConfig, 'alarmActions' | 'okActions'>;

/** An alarm that notifies `topicArn` when it fires and when it clears. */
export function notifyingAlarm(scope: Construct, id: string, topicArn: string, spec: AlarmSpec): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, { ...spec, alarmActions: [topicArn], okActions: [topicArn] });
}
