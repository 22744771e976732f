/**
 * Rules about the monitoring pipeline itself: if these fail, no other alert
 * can be trusted. The alert catalogue builds on this group.
 */
import type { RuleFile } from './types';

/** Jobs of the stack's own components. */
export const STACK_JOBS = ['prometheus', 'alertmanager', 'pushgateway', 'kube-state-metrics', 'node-exporter'];

export const stackHealthRules: RuleFile = {
  fileName: 'stack-health.rules.yml',
  groups: [
    {
      name: 'stack-health',
      rules: [
        {
          kind: 'alert',
          name: 'MonitoringComponentDown',
          expr: `up{job=~"${STACK_JOBS.join('|')}"} == 0`,
          for: '5m',
          severity: 'high',
          team: 'platform',
          summary: '{{ $labels.job }} target {{ $labels.instance }} is down',
          description: 'Prometheus has not scraped {{ $labels.job }} on {{ $labels.instance }} for 5 minutes.',
        },
        {
          kind: 'alert',
          name: 'PrometheusNotConnectedToAlertmanagers',
          expr: 'prometheus_notifications_alertmanagers_discovered < 1',
          for: '10m',
          severity: 'critical',
          team: 'platform',
          summary: 'Prometheus {{ $labels.pod }} sends alerts to no Alertmanager',
          description: 'Prometheus has discovered no Alertmanager for 10 minutes: no alert can be delivered from it.',
        },
        {
          kind: 'alert',
          name: 'PrometheusRuleEvaluationFailures',
          expr: 'increase(prometheus_rule_evaluation_failures_total[5m]) > 0',
          for: '15m',
          severity: 'high',
          team: 'platform',
          summary: 'Prometheus {{ $labels.pod }} fails to evaluate rules',
          description: '{{ printf "%.0f" $value }} rule evaluations failed in rule group {{ $labels.rule_group }} in the last 5 minutes; its alerts may not fire.',
        },
        {
          kind: 'alert',
          name: 'AlertmanagerClusterPeersMissing',
          expr: 'alertmanager_cluster_members < on() group_left() count(up{job="alertmanager"})',
          for: '15m',
          severity: 'high',
          team: 'platform',
          summary: 'Alertmanager {{ $labels.pod }} sees fewer peers than there are replicas',
          description: 'Alertmanager {{ $labels.pod }} has {{ $value }} cluster members; silences and deduplication are not shared. Check gossip on port 9094 TCP and UDP.',
        },
      ],
    },
  ],
};
