/**
 * Fires when no backup has succeeded for `hours` hours. Every hour
 * without a `BackupSuccess` datapoint of 1 counts as breaching (missing
 * data is breaching), so a Lambda that stops running at all alarms too,
 * not only one that runs and fails.
 */
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';
import { notifyingAlarm } from './lib/alarm';

export interface BackupFreshnessAlarmProps {
  readonly clusterName: string;
  /** Namespace the backup Lambda puts `BackupSuccess` in. */
  readonly metricNamespace: string;
  readonly topicArn: string;
  /** @default 26 */
  readonly hours?: number;
  readonly tags?: Record<string, string>;
}

export class BackupFreshnessAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: BackupFreshnessAlarmProps) {
    super(scope, id);
    const hours = props.hours ?? 26;
    // CloudWatch evaluates at most 7 days for hourly periods.
    if (!Number.isInteger(hours) || hours < 1 || hours > 168) throw new Error(`BackupFreshnessAlarm: 'hours' (${hours}) must be a whole number of hours from 1 to 168`);
    this.alarm = notifyingAlarm(this, 'alarm', props.topicArn, {
      alarmName: `${props.clusterName}-backup-freshness`,
      alarmDescription: `No successful monitoring backup in ${hours} hours (missing data counts as failure). See docs/restore.md and the backup Lambda's logs.`,
      namespace: props.metricNamespace,
      metricName: 'BackupSuccess',
      dimensions: { ClusterName: props.clusterName },
      statistic: 'Maximum',
      period: 3600,
      evaluationPeriods: hours,
      datapointsToAlarm: hours,
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
      treatMissingData: 'breaching',
      tags: props.tags,
    });
  }
}
