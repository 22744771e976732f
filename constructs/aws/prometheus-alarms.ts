/**
 * CloudWatch alarms on the Prometheus pods from Container Insights: CPU
 * and memory against the pods' limits, and node filesystem use. They
 * alert through AWS when the in-cluster alerting itself may be down.
 * Container Insights has no per-volume metric, so the disk alarm watches
 * the nodes' filesystems; the Prometheus volume's own fill level is
 * alerted by the stack's Prometheus rules (kubelet volume stats).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html
 */
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';
import { notifyingAlarm } from './lib/alarm';

export interface PrometheusAlarmsProps {
  readonly clusterName: string;
  readonly namespace: string;
  /** Container Insights' `PodName` of the Prometheus pods (the workload name). @default 'prometheus' */
  readonly podName?: string;
  readonly topicArn: string;
  /** @default 80 */
  readonly cpuPercent?: number;
  /** @default 85 */
  readonly memoryPercent?: number;
  /** @default 85 */
  readonly diskPercent?: number;
  readonly tags?: Record<string, string>;
}

export class PrometheusAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: PrometheusAlarmsProps) {
    super(scope, id);
    for (const [name, value] of Object.entries({ cpuPercent: props.cpuPercent, memoryPercent: props.memoryPercent, diskPercent: props.diskPercent })) {
      if (value !== undefined && !(value > 0 && value <= 100)) throw new Error(`PrometheusAlarms: '${name}' (${value}) must be a percentage in (0, 100]`);
    }
    const pod = { ClusterName: props.clusterName, Namespace: props.namespace, PodName: props.podName ?? 'prometheus' };
    const common = { namespace: 'ContainerInsights', comparisonOperator: 'GreaterThanThreshold', period: 300, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing', tags: props.tags };
    this.alarms = [
      notifyingAlarm(this, 'cpu', props.topicArn, {
        ...common,
        alarmName: `${props.clusterName}-prometheus-cpu`,
        alarmDescription: `Prometheus pods use more than ${props.cpuPercent ?? 80}% of their CPU limit for 15 minutes: rule evaluation and queries slow down.`,
        metricName: 'pod_cpu_utilization_over_pod_limit',
        dimensions: pod,
        statistic: 'Maximum',
        threshold: props.cpuPercent ?? 80,
      }),
      notifyingAlarm(this, 'memory', props.topicArn, {
        ...common,
        alarmName: `${props.clusterName}-prometheus-memory`,
        alarmDescription: `Prometheus pods use more than ${props.memoryPercent ?? 85}% of their memory limit for 15 minutes: an OOM kill would lose the head block.`,
        metricName: 'pod_memory_utilization_over_pod_limit',
        dimensions: pod,
        statistic: 'Maximum',
        threshold: props.memoryPercent ?? 85,
      }),
      notifyingAlarm(this, 'disk', props.topicArn, {
        ...common,
        alarmName: `${props.clusterName}-node-filesystem`,
        alarmDescription: `A node's filesystem is more than ${props.diskPercent ?? 85}% full for 15 minutes.`,
        metricName: 'node_filesystem_utilization',
        dimensions: { ClusterName: props.clusterName },
        statistic: 'Maximum',
        threshold: props.diskPercent ?? 85,
      }),
    ];
  }
}
