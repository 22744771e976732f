/**
 * The two overview dashboards: the executive view (availability, SLO
 * compliance and error budget left, alert volume, time to resolve, cost and
 * backup freshness) and the operations view (service health matrix,
 * rate/errors/duration per service, resource use, active alerts).
 */
import type { MonitoringConfig } from '../../config';
import { sloComplianceQuery, sloErrorBudgetRemainingQuery } from '../../config/slo';
import { BACKUP_JOB, BACKUP_SUCCESS_METRIC, CLUSTER_COST_RECORD, MONITORING_COST_RECORD } from '../rules/stack-health';
import { dashboard, type DashboardModel, labelVariable, q, row, stat, table, timeseries } from './panels';

/** Good availability: green above 99.9%, orange above 99%. */
const AVAILABILITY_STEPS = [['red'], ['orange', 0.99], ['green', 0.999]] as const;

export function executiveOverview(config: MonitoringConfig): DashboardModel {
  const { requestsTotal, statusCodeLabel: code } = config.alerting.http;
  const builder = dashboard({
    uid: 'executive-overview',
    title: 'Executive overview',
    description: 'Availability, SLO compliance and error budgets, alert volume and time to resolve, over the selected range.',
    tags: ['overview'],
    from: 'now-30d',
  })
    .withRow(row('Availability'))
    .withPanel(
      stat('Availability (all HTTP services)', q(`sum(rate(${requestsTotal}{${code}!~"5.."}[$__range])) / sum(rate(${requestsTotal}[$__range]))`), {
        unit: 'percentunit',
        steps: AVAILABILITY_STEPS,
        width: 8,
        description: 'Share of HTTP requests over the selected range answered without a server error.',
      }),
    )
    .withPanel(
      timeseries('Availability by service', [q(`sum by (service) (rate(${requestsTotal}{${code}!~"5.."}[$__rate_interval])) / sum by (service) (rate(${requestsTotal}[$__rate_interval]))`, '{{service}}')], {
        unit: 'percentunit',
        width: 16,
        max: 1,
      }),
    );

  if (config.slos.length > 0) {
    builder.withRow(row('SLO compliance and error budget left (each over its own window)'));
    for (const slo of config.slos) {
      builder
        .withPanel(stat(`${slo.name}: compliance (objective ${slo.objective}%)`, q(sloComplianceQuery(slo)), { unit: 'percentunit', width: 6, steps: [['red'], ['green', slo.objective / 100]], description: slo.description }))
        .withPanel(stat(`${slo.name}: error budget left`, q(sloErrorBudgetRemainingQuery(slo)), { unit: 'percentunit', width: 6, steps: [['red'], ['orange', 0], ['green', 0.25]] }));
    }
  }

  return builder
    .withRow(row('Alerts'))
    .withPanel(stat('Critical alerts firing now', q('count(ALERTS{alertstate="firing", severity="critical"}) or vector(0)'), { width: 6, steps: [['green'], ['red', 1]] }))
    .withPanel(stat('High alerts firing now', q('count(ALERTS{alertstate="firing", severity="high"}) or vector(0)'), { width: 6, steps: [['green'], ['orange', 1]] }))
    .withPanel(
      stat('Mean time to resolve (approximate)', q('sum(count_over_time(ALERTS{alertstate="firing"}[$__range:1m])) * 60 / sum(changes(ALERTS_FOR_STATE[$__range]) + 1)'), {
        unit: 's',
        width: 6,
        description: 'Minutes alerts spent firing divided by the number of times alerts became active over the range (alerts that resolved while pending count as activations, so this errs short).',
      }),
    )
    .withPanel(stat('Notifications sent', q('sum(increase(alertmanager_notifications_total[$__range]))'), { width: 6 }))
    .withPanel(timeseries('Firing alerts by severity', [q('sum by (severity) (ALERTS{alertstate="firing"})', '{{severity}}')], { width: 24, stacked: true }))
    .withRow(row('Cost and protection'))
    .withPanel(
      stat('Observability cost share', q(`${MONITORING_COST_RECORD} / ${CLUSTER_COST_RECORD}`), {
        unit: 'percentunit',
        width: 12,
        steps: [['green'], ['orange', config.alerting.rules.ObservabilityCostHigh.threshold]],
        description: 'Share of the cluster hourly cost spent on the monitoring stack, from OpenCost; empty without OpenCost.',
      }),
    )
    .withPanel(stat('Age of the last complete backup', q(`time() - max(${BACKUP_SUCCESS_METRIC}{job="${BACKUP_JOB}"})`), { unit: 's', width: 12, steps: [['green'], ['red', 93600]] }))
    .build();
}

export function operations(config: MonitoringConfig): DashboardModel {
  const { requestsTotal, durationHistogram, statusCodeLabel: code } = config.alerting.http;
  const services = `service=~"$service"`;
  return dashboard({
    uid: 'operations',
    title: 'Operations',
    description: 'Service health matrix, rate, errors and duration per service, resource use and the alerts firing now.',
    tags: ['overview'],
    variables: [labelVariable('namespace', 'Namespace', 'up'), labelVariable('service', 'Service', 'up{namespace=~"$namespace"}')],
  })
    .withRow(row('Service health matrix'))
    .withPanel(
      table(
        'Services',
        [
          q(`min by (namespace, service) (up{namespace=~"$namespace", ${services}})`),
          q(`sum by (namespace, service) (rate(${requestsTotal}{namespace=~"$namespace", ${services}}[5m]))`),
          q(`sum by (namespace, service) (rate(${requestsTotal}{namespace=~"$namespace", ${services}, ${code}=~"5.."}[5m])) / sum by (namespace, service) (rate(${requestsTotal}{namespace=~"$namespace", ${services}}[5m]))`),
          q(`histogram_quantile(0.95, sum by (namespace, service, le) (rate(${durationHistogram}_bucket{namespace=~"$namespace", ${services}}[5m])))`),
        ],
        { description: 'Per service: all targets up (1) or not, requests per second, server-error ratio and p95 latency over the last 5 minutes.' },
      ),
    )
    .withRow(row('Rate, errors, duration'))
    .withPanel(timeseries('Requests per second', [q(`sum by (service) (rate(${requestsTotal}{${services}}[$__rate_interval]))`, '{{service}}')], { unit: 'reqps', width: 8 }))
    .withPanel(
      timeseries('Server-error ratio', [q(`sum by (service) (rate(${requestsTotal}{${services}, ${code}=~"5.."}[$__rate_interval])) / sum by (service) (rate(${requestsTotal}{${services}}[$__rate_interval]))`, '{{service}}')], {
        unit: 'percentunit',
        width: 8,
        steps: [['green'], ['orange', config.alerting.rules.ServiceErrorRatioWarning.threshold], ['red', config.alerting.rules.ServiceErrorRatioCritical.threshold]],
      }),
    )
    .withPanel(
      timeseries('p95 latency', [q(`histogram_quantile(0.95, sum by (service, le) (rate(${durationHistogram}_bucket{${services}}[$__rate_interval])))`, '{{service}}')], {
        unit: 's',
        width: 8,
        steps: [['green'], ['orange', config.alerting.rules.ServiceLatencyP95Warning.threshold], ['red', config.alerting.rules.ServiceLatencyP95Critical.threshold]],
      }),
    )
    .withRow(row('Resource use'))
    .withPanel(timeseries('CPU by namespace', [q('sum by (namespace) (rate(container_cpu_usage_seconds_total{container!="", namespace=~"$namespace"}[$__rate_interval]))', '{{namespace}}')], { unit: 'short', stacked: true }))
    .withPanel(timeseries('Memory working set by namespace', [q('sum by (namespace) (container_memory_working_set_bytes{container!="", namespace=~"$namespace"})', '{{namespace}}')], { unit: 'bytes', stacked: true }))
    .withRow(row('Alerts'))
    .withPanel(table('Firing alerts', [q('ALERTS{alertstate="firing"}')], { description: 'Every alert firing now, with its labels.' }))
    .build();
}
