/**
 * Rules about the monitoring stack itself: if these fail, no other alert
 * can be trusted. Prometheus and Alertmanager health, the Thanos block
 * upload, each component being down, the backup Lambda's freshness (from
 * its Pushgateway metrics) and the stack's share of the cluster's cost
 * (from OpenCost, when it runs).
 */
import type { MonitoringConfig } from '../../config';
import { durationToSeconds } from '../../config/units';
import { anyOf, CategoryRules, percent } from './catalogue';
import { ABOVE, ALIGNED, BELOW, constant, growing, increasePlan, seconds, series, testPlan } from './test-series';
import type { AlertTestCase, RecordingRule, RuleFile } from './types';

/**
 * `service` label values of the stack's own components, which have their
 * own down alerts here (and are left out of TargetDown and ServiceDown).
 */
export const STACK_SERVICES = ['prometheus', 'alertmanager', 'pushgateway', 'kube-state-metrics', 'node-exporter', 'grafana', 'alloy', 'loki', 'jaeger'];
/** Loki and Jaeger may run as several roles (`loki-write`, `jaeger-collector`). */
export const STACK_SERVICES_REGEX = `${anyOf(STACK_SERVICES.filter((s) => s !== 'loki' && s !== 'jaeger'))}|loki(-.+)?|jaeger(-.+)?`;

/** Core components covered by MonitoringComponentDown (the Thanos sidecar is scraped with service="prometheus"). */
const CORE_SERVICES = ['prometheus', 'alertmanager', 'pushgateway', 'alloy'];

/** The job the backup Lambda pushes under, and its freshness metric (see lambdas/backup/metrics.ts). */
export const BACKUP_JOB = 'backup';
export const BACKUP_SUCCESS_METRIC = 'backup_last_success_timestamp_seconds';

/** The `instance` of a down alert when no target exists at all. */
const NO_TARGET = '(no target discovered)';

/** Recording rules of the cost share (OpenCost metrics), dollars per hour. */
export const MONITORING_COST_RECORD = 'monitoring:opencost_hourly_cost:sum';
export const CLUSTER_COST_RECORD = 'cluster:opencost_hourly_cost:sum';

export function stackHealthRules(config: MonitoringConfig): RuleFile {
  const rules = new CategoryRules(config, 'stack');
  const window = config.alerting.rateWindow;
  const prometheusPod = { job: 'prometheus', instance: '10.1.0.5:9090', namespace: 'monitoring', pod: 'prometheus-0', service: 'prometheus' };
  const alertmanagerPod = { job: 'alertmanager', instance: '10.1.0.7:9093', namespace: 'monitoring', pod: 'alertmanager-0', service: 'alertmanager' };

  /** A state alert on one series: fires at `bad`, quiet at `good`. */
  const stateTests = (forDuration: string, metric: string, labels: Record<string, string>, bad: number, good: number, expected: Record<string, string> = labels): AlertTestCase[] => {
    const plan = testPlan(forDuration, 0);
    return [
      { kind: 'fires', description: `fires while ${metric} is ${bad}`, series: [{ series: series(metric, labels), values: constant(bad, plan.steps) }], conditionFrom: plan.conditionFrom, labels: expected, value: bad },
      { kind: 'quiet', description: `quiet while ${metric} is ${good}`, series: [{ series: series(metric, labels), values: constant(good, plan.steps) }], at: plan.quietAt },
    ];
  };

  /** An `increase(counter[window]) > threshold` alert aggregated by `by`. */
  const increaseTests = (forDuration: string, threshold: number, increaseWindow: string, metric: string, labels: Record<string, string>, by: string[]): AlertTestCase[] => {
    const plan = increasePlan(threshold, increaseWindow);
    const timing = testPlan(forDuration, plan.conditionFromSeconds);
    const evalMinutes = (plan.conditionFromSeconds + seconds(forDuration)) / 60;
    const value = Math.min(evalMinutes, seconds(increaseWindow) / 60) * plan.firingPerStep;
    return [
      {
        kind: 'fires',
        description: `fires when ${metric} grows by ${plan.fullWindowIncrease} in ${increaseWindow}`,
        evaluationInterval: ALIGNED,
        series: [{ series: series(metric, labels), values: growing(plan.firingPerStep, timing.steps) }],
        conditionFrom: timing.conditionFrom,
        labels: pick(labels, by),
        value,
      },
      { kind: 'quiet', evaluationInterval: ALIGNED, description: `quiet when ${metric} grows by ${threshold * BELOW} in ${increaseWindow}`, series: [{ series: series(metric, labels), values: growing(plan.quietPerStep, timing.steps) }], at: timing.quietAt },
    ];
  };

  /** A component's `up == 0` alert (and, for components the stack always runs, `absent`). */
  const downAlert = (name: 'LokiDown' | 'JaegerDown' | 'GrafanaDown' | 'NodeExporterDown' | 'KubeStateMetricsDown', component: string, selector: string, target: Record<string, string>, alwaysDeployed: boolean) =>
    rules.alert(name, (s) => {
      const plan = testPlan(s.for, 0);
      const absentLabels = { ...Object.fromEntries([...selector.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]])), instance: NO_TARGET };
      return {
        severity: name === 'NodeExporterDown' ? 'warning' : 'high',
        // absent() has no instance: name the situation in its place, so the summary reads right.
        expr: alwaysDeployed ? `up{${selector}} == 0 or label_replace(absent(up{${selector}}), "instance", "${NO_TARGET}", "", "")` : `up{${selector}} == 0`,
        summary: alwaysDeployed ? `${component} {{ $labels.instance }} is down or not scraped` : `${component} {{ $labels.instance }} is down`,
        description: `Prometheus has not scraped ${component} on {{ $labels.instance }} for ${s.for}.${alwaysDeployed ? ` With instance "${NO_TARGET}", no target exists at all: the pods are gone or discovery lost them.` : ''}`,
        tests: [
          ...stateTests(s.for, 'up', target, 0, 1),
          ...(alwaysDeployed ? [{ kind: 'fires' as const, description: 'fires when no target exists at all', series: [], conditionFrom: plan.conditionFrom, labels: absentLabels, value: 1 }] : []),
        ],
      };
    });

  const costNamespaces = anyOf([config.namespaces.monitoring, config.namespaces.nodeExporter]);
  const costRecords: RecordingRule[] = rules.settings('ObservabilityCostHigh').enabled
    ? [
        {
          kind: 'record',
          name: MONITORING_COST_RECORD,
          // CPU and memory the stack's pods are allocated, priced per node, plus the volumes of its claims. OpenCost must be scraped with honor_labels.
          expr:
            `(sum(sum by (node) (container_cpu_allocation{namespace=~"${costNamespaces}"}) * on (node) group_left () max by (node) (node_cpu_hourly_cost)) or vector(0))` +
            ` + (sum(sum by (node) (container_memory_allocation_bytes{namespace=~"${costNamespaces}"}) / 1073741824 * on (node) group_left () max by (node) (node_ram_hourly_cost)) or vector(0))` +
            ` + (sum(max by (persistentvolume) (pv_hourly_cost) * on (persistentvolume) group_left () max by (persistentvolume) (label_replace(kube_persistentvolumeclaim_info{namespace=~"${costNamespaces}"}, "persistentvolume", "$1", "volumename", "(.*)"))) or vector(0))`,
        },
        { kind: 'record', name: CLUSTER_COST_RECORD, expr: 'sum(node_total_hourly_cost) + (sum(pv_hourly_cost) or vector(0))' },
      ]
    : [];

  return {
    fileName: 'stack-health.rules.yml',
    groups: [
      {
        name: 'stack-health',
        rules: [
          ...costRecords,
          ...rules.alert('MonitoringComponentDown', (s) => ({
            severity: 'high',
            expr: `up{service=~"${anyOf(CORE_SERVICES)}"} == 0`,
            summary: '{{ $labels.job }} target {{ $labels.instance }} is down',
            description: `Prometheus has not scraped {{ $labels.job }} on {{ $labels.instance }} ({{ $labels.pod }}) for ${s.for}; the monitoring pipeline runs without it.`,
            tests: stateTests(s.for, 'up', alertmanagerPod, 0, 1),
          })),
          ...rules.alert('PrometheusConfigReloadFailed', (s) => ({
            severity: 'high',
            expr: 'prometheus_config_last_reload_successful == 0',
            summary: 'Prometheus {{ $labels.pod }} failed to reload its configuration',
            description: `The last configuration reload of {{ $labels.pod }} failed ${s.for} ago or longer; it still runs the previous configuration, and new scrape jobs or rules are not in effect.`,
            tests: stateTests(s.for, 'prometheus_config_last_reload_successful', prometheusPod, 0, 1),
          })),
          ...rules.alert('PrometheusRuleEvaluationFailures', (s) => ({
            severity: 'high',
            expr: `sum by (namespace, pod, rule_group) (increase(prometheus_rule_evaluation_failures_total[${window}])) > ${s.threshold}`,
            summary: 'Prometheus {{ $labels.pod }} fails to evaluate rules of {{ $labels.rule_group }}',
            description: `{{ printf "%.0f" $value }} rule evaluations failed in rule group {{ $labels.rule_group }} in the last ${window}; its alerts may not fire.`,
            tests: increaseTests(s.for, s.threshold, window, 'prometheus_rule_evaluation_failures_total', { ...prometheusPod, rule_group: '/etc/prometheus/rules/service.rules.yml;service' }, ['namespace', 'pod', 'rule_group']),
          })),
          ...rules.alert('PrometheusNotificationQueueFull', (s) => {
            const plan = testPlan(s.for, 0);
            const inputs = (fill: number) => [
              { series: series('prometheus_notifications_queue_length', prometheusPod), values: constant(10000 * fill, plan.steps) },
              { series: series('prometheus_notifications_queue_capacity', prometheusPod), values: constant(10000, plan.steps) },
            ];
            return {
              severity: 'high',
              expr: `max_over_time(prometheus_notifications_queue_length[${window}]) / prometheus_notifications_queue_capacity > ${s.threshold}`,
              summary: 'Prometheus {{ $labels.pod }} alert queue is {{ $value | humanizePercentage }} full',
              description: `The queue of alerts waiting to be sent to Alertmanager on {{ $labels.pod }} is {{ $value | humanizePercentage }} full (above ${percent(s.threshold)}); when it is full, alerts are dropped.`,
              tests: [
                { kind: 'fires', description: `fires at ${percent(s.threshold * ABOVE)} full`, series: inputs(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: prometheusPod, value: s.threshold * ABOVE },
                { kind: 'quiet', description: `quiet at ${percent(s.threshold * BELOW)} full`, series: inputs(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('PrometheusNotificationsFailing', (s) => {
            const plan = testPlan(s.for);
            const am = { ...prometheusPod, alertmanager: 'http://10.1.0.7:9093/api/v2/alerts' };
            const inputs = (share: number) => [
              { series: series('prometheus_notifications_errors_total', am), values: growing(1000 * share, plan.steps) },
              { series: series('prometheus_notifications_sent_total', am), values: growing(1000, plan.steps) },
            ];
            return {
              severity: 'high',
              expr: `sum by (namespace, pod, alertmanager) (rate(prometheus_notifications_errors_total[${window}])) / sum by (namespace, pod, alertmanager) (rate(prometheus_notifications_sent_total[${window}])) > ${s.threshold}`,
              summary: 'Prometheus {{ $labels.pod }} fails to send {{ $value | humanizePercentage }} of alerts to {{ $labels.alertmanager }}',
              description: `{{ $value | humanizePercentage }} of the alert batches {{ $labels.pod }} sent to {{ $labels.alertmanager }} in the last ${window} failed (above ${percent(s.threshold)}).`,
              tests: [
                { kind: 'fires', description: `fires at ${percent(s.threshold * ABOVE)} failed sends`, series: inputs(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: pick(am, ['namespace', 'pod', 'alertmanager']), value: s.threshold * ABOVE },
                { kind: 'quiet', description: `quiet at ${percent(s.threshold * BELOW)}`, series: inputs(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('PrometheusNotConnectedToAlertmanagers', (s) => ({
            severity: 'critical',
            expr: `max_over_time(prometheus_notifications_alertmanagers_discovered[${window}]) < 1`,
            summary: 'Prometheus {{ $labels.pod }} sends alerts to no Alertmanager',
            description: `Prometheus {{ $labels.pod }} has discovered no Alertmanager for ${s.for}: no alert can be delivered from it.`,
            tests: stateTests(s.for, 'prometheus_notifications_alertmanagers_discovered', prometheusPod, 0, 1),
          })),
          ...rules.alert('PrometheusTsdbCompactionsFailing', (s) => ({
            severity: 'warning',
            expr: `increase(prometheus_tsdb_compactions_failed_total[3h]) > ${s.threshold}`,
            summary: 'Prometheus {{ $labels.pod }} fails to compact its TSDB',
            description: `{{ printf "%.0f" $value }} TSDB compactions failed on {{ $labels.pod }} in the last 3 hours. The head block grows in memory and on the WAL until compaction works again.`,
            tests: increaseTests(s.for, s.threshold, '3h', 'prometheus_tsdb_compactions_failed_total', prometheusPod, Object.keys(prometheusPod)),
          })),
          ...rules.alert('ThanosUploadFailing', (s) => ({
            severity: 'high',
            expr: `sum by (namespace, pod) (increase(thanos_shipper_upload_failures_total[1h])) > ${s.threshold}`,
            summary: 'Thanos sidecar of {{ $labels.pod }} fails to upload blocks to S3',
            description: `{{ printf "%.0f" $value }} block uploads of {{ $labels.pod }} failed in the last hour. Blocks not in S3 are not backed up and are lost with the volume; Prometheus keeps them only for its retention.`,
            tests: increaseTests(s.for, s.threshold, '1h', 'thanos_shipper_upload_failures_total', { ...prometheusPod, job: 'thanos-sidecar', instance: '10.1.0.5:10902' }, ['namespace', 'pod']),
          })),
          ...rules.alert('AlertmanagerConfigReloadFailed', (s) => ({
            severity: 'high',
            expr: 'alertmanager_config_last_reload_successful == 0',
            summary: 'Alertmanager {{ $labels.pod }} failed to reload its configuration',
            description: `The last configuration reload of {{ $labels.pod }} failed ${s.for} ago or longer; it still routes with the previous configuration.`,
            tests: stateTests(s.for, 'alertmanager_config_last_reload_successful', alertmanagerPod, 0, 1),
          })),
          ...rules.alert('AlertmanagerClusterPeersMissing', (s) => {
            const plan = testPlan(s.for, 0);
            const inputs = (members: number) => [
              { series: series('alertmanager_cluster_members', alertmanagerPod), values: constant(members, plan.steps) },
              { series: series('up', alertmanagerPod), values: constant(1, plan.steps) },
              { series: series('up', { ...alertmanagerPod, instance: '10.1.0.8:9093', pod: 'alertmanager-1' }), values: constant(1, plan.steps) },
            ];
            return {
              severity: 'high',
              expr: 'alertmanager_cluster_members < on () group_left () count(up{job="alertmanager"})',
              summary: 'Alertmanager {{ $labels.pod }} sees fewer peers than there are replicas',
              description: 'Alertmanager {{ $labels.pod }} has {{ printf "%.0f" $value }} cluster members; silences and deduplication are not shared. Check gossip on port 9094 TCP and UDP.',
              tests: [
                { kind: 'fires', description: 'fires with 1 member of 2 replicas', series: inputs(1), conditionFrom: plan.conditionFrom, labels: alertmanagerPod, value: 1 },
                { kind: 'quiet', description: 'quiet with 2 members of 2 replicas', series: inputs(2), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('AlertmanagerNotificationsFailing', (s) => {
            const plan = testPlan(s.for);
            const integration = { ...alertmanagerPod, integration: 'slack' };
            const inputs = (share: number) => [
              { series: series('alertmanager_notifications_failed_total', integration), values: growing(1000 * share, plan.steps) },
              { series: series('alertmanager_notifications_total', integration), values: growing(1000, plan.steps) },
            ];
            return {
              severity: 'critical',
              expr: `sum by (namespace, pod, integration) (rate(alertmanager_notifications_failed_total[${window}])) / sum by (namespace, pod, integration) (rate(alertmanager_notifications_total[${window}])) > ${s.threshold}`,
              summary: 'Alertmanager {{ $labels.pod }} fails {{ $value | humanizePercentage }} of {{ $labels.integration }} notifications',
              description: `{{ $value | humanizePercentage }} of the {{ $labels.integration }} notifications from {{ $labels.pod }} failed in the last ${window} (above ${percent(s.threshold)}): alerts are not reaching people through that integration.`,
              tests: [
                { kind: 'fires', description: `fires at ${percent(s.threshold * ABOVE)} failed`, series: inputs(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: pick(integration, ['namespace', 'pod', 'integration']), value: s.threshold * ABOVE },
                { kind: 'quiet', description: `quiet at ${percent(s.threshold * BELOW)} failed`, series: inputs(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
          ...downAlert('LokiDown', 'Loki', 'service=~"loki(-.+)?"', { job: 'loki', instance: '10.1.0.11:3100', namespace: 'monitoring', pod: 'loki-0', service: 'loki' }, false),
          ...downAlert('JaegerDown', 'Jaeger', 'service=~"jaeger(-.+)?"', { job: 'jaeger', instance: '10.1.0.12:8888', namespace: 'monitoring', pod: 'jaeger-0', service: 'jaeger' }, false),
          ...downAlert('GrafanaDown', 'Grafana', 'service="grafana"', { job: 'grafana', instance: '10.1.0.13:3000', namespace: 'monitoring', pod: 'grafana-5c7d8-abcde', service: 'grafana' }, false),
          ...downAlert('NodeExporterDown', 'node-exporter', 'job="node-exporter"', { job: 'node-exporter', instance: 'ip-10-0-1-23.eu-west-1.compute.internal', node: 'ip-10-0-1-23.eu-west-1.compute.internal', service: 'node-exporter' }, true),
          ...downAlert('KubeStateMetricsDown', 'kube-state-metrics', 'job="kube-state-metrics"', { job: 'kube-state-metrics', instance: '10.1.0.9:8080', namespace: 'monitoring', pod: 'kube-state-metrics-7f9c-abcde', service: 'kube-state-metrics' }, true),
          ...rules.alert('BackupStale', (s) => {
            const maxAge = durationToSeconds(s.threshold);
            // The test clock starts at 0: a success pushed at t=30s is older than the threshold from maxAge+30s on,
            // first seen at the next evaluation. A day-long series is evaluated once a minute to keep the test fast.
            const pushedAt = 30;
            const evaluationInterval = '1m';
            const conditionFromSeconds = Math.ceil((maxAge + pushedAt + 1) / 60) * 60;
            const plan = testPlan(s.for, conditionFromSeconds);
            // One success timestamp per cluster's Pushgateway, pushed only by a complete run (every target backed up).
            const pushed = { job: BACKUP_JOB, cluster: config.cluster.name };
            return {
              severity: 'high',
              expr: `time() - max(${BACKUP_SUCCESS_METRIC}{job="${BACKUP_JOB}"}) > ${maxAge}`,
              summary: 'The last complete backup is {{ $value | humanizeDuration }} old',
              description: `The backup Lambda last completed a backup of every target {{ $value | humanizeDuration }} ago (limit ${s.threshold}). Backups are failing or not running; check the Lambda's logs and its CloudWatch alarm.`,
              tests: [
                {
                  kind: 'fires',
                  description: `fires when the last success is older than ${s.threshold}`,
                  evaluationInterval,
                  series: [{ series: series(BACKUP_SUCCESS_METRIC, pushed), values: constant(pushedAt, plan.steps) }],
                  conditionFrom: plan.conditionFrom,
                  labels: {},
                  value: conditionFromSeconds + seconds(s.for) - pushedAt,
                },
                { kind: 'quiet', description: 'quiet while a fresh success is pushed every minute', evaluationInterval, series: [{ series: series(BACKUP_SUCCESS_METRIC, pushed), values: growing(60, plan.steps) }], at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('ObservabilityCostHigh', (s) => {
            const plan = testPlan(s.for, 0);
            const node = { node: 'ip-10-0-1-23.eu-west-1.compute.internal' };
            const opencost = { job: 'opencost', instance: '10.1.0.20:9003' };
            // 2 cores at $0.05 + 8 GiB at $0.005 + one $0.01 volume: $0.15 an hour for the stack.
            const monitoringCost = 0.15;
            const inputs = (share: number) => [
              { series: series('container_cpu_allocation', { ...opencost, ...node, namespace: config.namespaces.monitoring, pod: 'prometheus-0', container: 'prometheus' }), values: constant(2, plan.steps) },
              { series: series('container_cpu_allocation', { ...opencost, ...node, namespace: 'shop', pod: 'checkout-1', container: 'app' }), values: constant(4, plan.steps) },
              { series: series('node_cpu_hourly_cost', { ...opencost, ...node }), values: constant(0.05, plan.steps) },
              { series: series('container_memory_allocation_bytes', { ...opencost, ...node, namespace: config.namespaces.monitoring, pod: 'prometheus-0', container: 'prometheus' }), values: constant(8 * 1073741824, plan.steps) },
              { series: series('node_ram_hourly_cost', { ...opencost, ...node }), values: constant(0.005, plan.steps) },
              { series: series('pv_hourly_cost', { ...opencost, persistentvolume: 'pvc-0a1b2c' }), values: constant(0.01, plan.steps) },
              { series: series('kube_persistentvolumeclaim_info', { job: 'kube-state-metrics', namespace: config.namespaces.monitoring, persistentvolumeclaim: 'data-prometheus-0', volumename: 'pvc-0a1b2c' }), values: constant(1, plan.steps) },
              { series: series('node_total_hourly_cost', { ...opencost, ...node }), values: constant(Number((monitoringCost / share - 0.01).toFixed(6)), plan.steps) },
            ];
            return {
              severity: 'info',
              expr: `${MONITORING_COST_RECORD} / ${CLUSTER_COST_RECORD} > ${s.threshold}`,
              summary: 'Observability costs {{ $value | humanizePercentage }} of the cluster',
              description: `The monitoring stack's CPU, memory and volumes (OpenCost prices) are {{ $value | humanizePercentage }} of the cluster's hourly cost, above the ${percent(s.threshold)} budget.`,
              tests: [
                { kind: 'fires', description: `fires at a ${percent(s.threshold * ABOVE)} share`, series: inputs(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: {}, value: s.threshold * ABOVE },
                { kind: 'quiet', description: `quiet at a ${percent(s.threshold * BELOW)} share`, series: inputs(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
        ],
      },
    ],
  };
}

/** The given labels only. */
export function pick(labels: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => labels[n] !== undefined).map((n) => [n, labels[n]]));
}
