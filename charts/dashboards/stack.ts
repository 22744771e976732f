/**
 * One dashboard per component of the monitoring stack: Prometheus (with
 * its Thanos sidecar), Alertmanager, Loki and Jaeger.
 */
import type { MonitoringConfig } from '../../config';
import { dashboard, type DashboardModel, q, row, stat, timeseries } from './panels';

const UP = [['red'], ['green', 1]] as const;

export function prometheusDashboard(_config: MonitoringConfig): DashboardModel {
  return dashboard({ uid: 'stack-prometheus', title: 'Prometheus', description: 'Both Prometheus replicas: ingestion, series, rule evaluation, alert sending, TSDB and the Thanos block upload.', tags: ['monitoring-stack'] })
    .withRow(row('Health'))
    .withPanel(stat('Replicas up', q('sum(up{job="prometheus"})'), { steps: UP, width: 6 }))
    .withPanel(stat('Config reloaded', q('min(prometheus_config_last_reload_successful)'), { steps: UP, width: 6 }))
    .withPanel(stat('Alertmanagers discovered', q('min(prometheus_notifications_alertmanagers_discovered)'), { steps: [['red'], ['green', 1]], width: 6 }))
    .withPanel(stat('Rule evaluation failures (1h)', q('sum(increase(prometheus_rule_evaluation_failures_total[1h]))'), { steps: [['green'], ['red', 1]], width: 6 }))
    .withRow(row('Ingestion'))
    .withPanel(timeseries('Samples appended per second', [q('sum by (pod) (rate(prometheus_tsdb_head_samples_appended_total[$__rate_interval]))', '{{pod}}')], { unit: 'short', width: 8 }))
    .withPanel(timeseries('Head series', [q('prometheus_tsdb_head_series', '{{pod}}')], { width: 8 }))
    .withPanel(timeseries('Scrape duration p90 by job', [q('quantile by (job) (0.9, scrape_duration_seconds)', '{{job}}')], { unit: 's', width: 8 }))
    .withRow(row('Rules and alerts'))
    .withPanel(timeseries('Rule group evaluation time', [q('max by (rule_group) (prometheus_rule_group_last_duration_seconds)', '{{rule_group}}')], { unit: 's', width: 8 }))
    .withPanel(
      timeseries('Alert notifications', [
        q('sum by (pod) (rate(prometheus_notifications_sent_total[$__rate_interval]))', 'sent {{pod}}'),
        q('sum by (pod) (rate(prometheus_notifications_errors_total[$__rate_interval]))', 'errors {{pod}}'),
        q('sum by (pod) (rate(prometheus_notifications_dropped_total[$__rate_interval]))', 'dropped {{pod}}'),
      ], { unit: 'ops', width: 8 }),
    )
    .withPanel(timeseries('Notification queue fill', [q('prometheus_notifications_queue_length / prometheus_notifications_queue_capacity', '{{pod}}')], { unit: 'percentunit', width: 8, max: 1 }))
    .withRow(row('Storage'))
    .withPanel(timeseries('Compactions', [q('sum by (pod) (increase(prometheus_tsdb_compactions_total[1h]))', 'done {{pod}}'), q('sum by (pod) (increase(prometheus_tsdb_compactions_failed_total[1h]))', 'failed {{pod}}')], { width: 8 }))
    .withPanel(timeseries('TSDB blocks on disk', [q('prometheus_tsdb_storage_blocks_bytes', '{{pod}}')], { unit: 'bytes', width: 8 }))
    .withPanel(
      timeseries('Thanos block uploads (per hour)', [
        q('sum by (pod) (increase(thanos_shipper_uploads_total[1h]))', 'uploaded {{pod}}'),
        q('sum by (pod) (increase(thanos_shipper_upload_failures_total[1h]))', 'failed {{pod}}'),
      ], { width: 8 }),
    )
    .build();
}

export function alertmanagerDashboard(_config: MonitoringConfig): DashboardModel {
  return dashboard({ uid: 'stack-alertmanager', title: 'Alertmanager', description: 'The Alertmanager cluster: alerts received, notifications by integration, failures and latency, cluster membership and silences.', tags: ['monitoring-stack'] })
    .withRow(row('Health'))
    .withPanel(stat('Replicas up', q('sum(up{job="alertmanager"})'), { steps: UP, width: 6 }))
    .withPanel(stat('Cluster members (min)', q('min(alertmanager_cluster_members)'), { width: 6 }))
    .withPanel(stat('Config reloaded', q('min(alertmanager_config_last_reload_successful)'), { steps: UP, width: 6 }))
    .withPanel(stat('Active silences', q('max(alertmanager_silences{state="active"})'), { width: 6 }))
    .withRow(row('Alerts and notifications'))
    .withPanel(timeseries('Alerts by state', [q('max by (state) (alertmanager_alerts)', '{{state}}')], { width: 8 }))
    .withPanel(
      timeseries('Notifications by integration', [
        q('sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval]))', 'sent {{integration}}'),
        q('sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))', 'failed {{integration}}'),
      ], { unit: 'ops', width: 8 }),
    )
    .withPanel(timeseries('Notification latency p99', [q('histogram_quantile(0.99, sum by (integration, le) (rate(alertmanager_notification_latency_seconds_bucket[$__rate_interval])))', '{{integration}}')], { unit: 's', width: 8 }))
    .build();
}

export function lokiDashboard(_config: MonitoringConfig): DashboardModel {
  const loki = 'service=~"loki(-.+)?"';
  return dashboard({ uid: 'stack-loki', title: 'Loki', description: 'Loki: log ingestion, rejected lines, request latency and errors.', tags: ['monitoring-stack'] })
    .withRow(row('Health'))
    .withPanel(stat('Targets up', q(`sum(up{${loki}})`), { steps: UP, width: 8 }))
    .withPanel(stat('Streams in memory', q('sum(loki_ingester_memory_streams)'), { width: 8 }))
    .withPanel(stat('Lines discarded (1h)', q('sum(increase(loki_discarded_samples_total[1h])) or vector(0)'), { width: 8, steps: [['green'], ['orange', 1]] }))
    .withRow(row('Ingestion'))
    .withPanel(timeseries('Bytes received', [q('sum(rate(loki_distributor_bytes_received_total[$__rate_interval]))', 'bytes')], { unit: 'Bps', width: 8 }))
    .withPanel(timeseries('Lines received', [q('sum(rate(loki_distributor_lines_received_total[$__rate_interval]))', 'lines')], { unit: 'short', width: 8 }))
    .withPanel(timeseries('Lines discarded by reason', [q('sum by (reason) (rate(loki_discarded_samples_total[$__rate_interval]))', '{{reason}}')], { unit: 'short', width: 8 }))
    .withRow(row('Requests'))
    .withPanel(timeseries('Request latency p99 by route', [q('histogram_quantile(0.99, sum by (route, le) (rate(loki_request_duration_seconds_bucket[$__rate_interval])))', '{{route}}')], { unit: 's' }))
    .withPanel(
      timeseries('Server errors by route', [q('sum by (route) (rate(loki_request_duration_seconds_count{status_code=~"5.."}[$__rate_interval])) / sum by (route) (rate(loki_request_duration_seconds_count[$__rate_interval]))', '{{route}}')], {
        unit: 'percentunit',
      }),
    )
    .build();
}

export function jaegerDashboard(_config: MonitoringConfig): DashboardModel {
  // Jaeger v2 is an OpenTelemetry collector: its counters are otelcol_*, with `_total` in recent collector versions.
  const counter = (name: string) => `{__name__=~"${name}(_total)?"}`;
  return dashboard({ uid: 'stack-jaeger', title: 'Jaeger', description: 'Jaeger v2 (OpenTelemetry collector): spans received and refused, spans written to storage and failed.', tags: ['monitoring-stack'] })
    .withRow(row('Health'))
    .withPanel(stat('Targets up', q('sum(up{service=~"jaeger(-.+)?"})'), { steps: UP, width: 12 }))
    .withPanel(
      stat('Spans failed to store (1h)', q(`sum(increase(${counter('otelcol_exporter_send_failed_spans')}[1h])) or vector(0)`), { width: 12, steps: [['green'], ['red', 1]] }),
    )
    .withRow(row('Spans'))
    .withPanel(
      timeseries('Spans received', [
        q(`sum by (receiver, transport) (rate(${counter('otelcol_receiver_accepted_spans')}[$__rate_interval]))`, 'accepted {{receiver}}/{{transport}}'),
        q(`sum by (receiver, transport) (rate(${counter('otelcol_receiver_refused_spans')}[$__rate_interval]))`, 'refused {{receiver}}/{{transport}}'),
      ], { unit: 'short' }),
    )
    .withPanel(
      timeseries('Spans written to storage', [
        q(`sum by (exporter) (rate(${counter('otelcol_exporter_sent_spans')}[$__rate_interval]))`, 'sent {{exporter}}'),
        q(`sum by (exporter) (rate(${counter('otelcol_exporter_send_failed_spans')}[$__rate_interval]))`, 'failed {{exporter}}'),
      ], { unit: 'short' }),
    )
    .build();
}
