/**
 * Kubernetes dashboards in the USE method (utilisation, saturation,
 * errors): the cluster (kube-state-metrics and cAdvisor) and each node
 * (node-exporter).
 */
import type { MonitoringConfig } from '../../config';
import { NOT_DISK_FSTYPES } from '../rules/resources';
import { dashboard, type DashboardModel, labelVariable, q, row, stat, timeseries } from './panels';

const UTILISATION = [['green'], ['orange', 0.8], ['red', 0.9]] as const;

export function kubernetesCluster(_config: MonitoringConfig): DashboardModel {
  return dashboard({
    uid: 'kubernetes-cluster',
    title: 'Kubernetes cluster (USE)',
    description: 'Cluster-wide utilisation, saturation and errors: CPU and memory used and requested against allocatable, throttling, pending pods, node conditions, restarts.',
    tags: ['kubernetes'],
  })
    .withRow(row('Utilisation'))
    .withPanel(stat('CPU used / allocatable', q('sum(rate(container_cpu_usage_seconds_total{container!=""}[5m])) / sum(kube_node_status_allocatable{resource="cpu"})'), { unit: 'percentunit', steps: UTILISATION }))
    .withPanel(stat('CPU requested / allocatable', q('sum(kube_pod_container_resource_requests{resource="cpu"}) / sum(kube_node_status_allocatable{resource="cpu"})'), { unit: 'percentunit', steps: UTILISATION }))
    .withPanel(stat('Memory used / allocatable', q('sum(container_memory_working_set_bytes{container!=""}) / sum(kube_node_status_allocatable{resource="memory"})'), { unit: 'percentunit', steps: UTILISATION }))
    .withPanel(stat('Memory requested / allocatable', q('sum(kube_pod_container_resource_requests{resource="memory"}) / sum(kube_node_status_allocatable{resource="memory"})'), { unit: 'percentunit', steps: UTILISATION }))
    .withPanel(
      timeseries('CPU used and requested by node', [
        q('sum by (node) (rate(container_cpu_usage_seconds_total{container!=""}[$__rate_interval])) / sum by (node) (kube_node_status_allocatable{resource="cpu"})', 'used {{node}}'),
        q('sum by (node) (kube_pod_container_resource_requests{resource="cpu"}) / sum by (node) (kube_node_status_allocatable{resource="cpu"})', 'requested {{node}}'),
      ], { unit: 'percentunit' }),
    )
    .withPanel(
      timeseries('Memory used and requested by node', [
        q('sum by (node) (container_memory_working_set_bytes{container!=""}) / sum by (node) (kube_node_status_allocatable{resource="memory"})', 'used {{node}}'),
        q('sum by (node) (kube_pod_container_resource_requests{resource="memory"}) / sum by (node) (kube_node_status_allocatable{resource="memory"})', 'requested {{node}}'),
      ], { unit: 'percentunit' }),
    )
    .withRow(row('Saturation'))
    .withPanel(
      timeseries('CPU throttling by namespace', [q('sum by (namespace) (rate(container_cpu_cfs_throttled_periods_total[$__rate_interval])) / sum by (namespace) (rate(container_cpu_cfs_periods_total[$__rate_interval]))', '{{namespace}}')], {
        unit: 'percentunit',
        width: 8,
        description: 'Share of CFS periods in which containers were throttled at their CPU limit.',
      }),
    )
    .withPanel(timeseries('Pods pending', [q('sum by (namespace) (kube_pod_status_phase{phase="Pending"})', '{{namespace}}')], { width: 8, stacked: true }))
    .withPanel(timeseries('Pods per node / capacity', [q('count by (node) (kube_pod_info{node!=""}) / sum by (node) (kube_node_status_capacity{resource="pods"})', '{{node}}')], { unit: 'percentunit', width: 8 }))
    .withRow(row('Errors'))
    .withPanel(stat('Nodes not ready', q('count(max by (node) (kube_node_status_condition{condition="Ready", status="true"}) == 0) or vector(0)'), { width: 8, steps: [['green'], ['red', 1]] }))
    .withPanel(timeseries('Container restarts (per hour)', [q('sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))', '{{namespace}}')], { width: 8 }))
    .withPanel(timeseries('Pods not ready', [q('sum by (namespace) (kube_pod_status_ready{condition="false"})', '{{namespace}}')], { width: 8, stacked: true }))
    .build();
}

export function kubernetesNodes(_config: MonitoringConfig): DashboardModel {
  const node = 'instance=~"$instance"';
  const fs = `fstype!~"${NOT_DISK_FSTYPES}"`;
  return dashboard({
    uid: 'kubernetes-nodes',
    title: 'Kubernetes nodes (USE)',
    description: 'Per node: CPU, memory, disk and network utilisation, saturation and errors, from node-exporter.',
    tags: ['kubernetes'],
    variables: [labelVariable('instance', 'Node', 'node_uname_info')],
  })
    .withRow(row('CPU'))
    .withPanel(timeseries('CPU utilisation', [q(`1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle", ${node}}[$__rate_interval]))`, '{{instance}}')], { unit: 'percentunit', max: 1, steps: UTILISATION }))
    .withPanel(
      timeseries('CPU saturation (load per core)', [q(`node_load1{${node}} / count by (instance) (node_cpu_seconds_total{mode="idle", ${node}})`, '{{instance}}')], {
        description: 'One-minute load average per CPU: above 1, runnable tasks wait for a CPU.',
      }),
    )
    .withRow(row('Memory'))
    .withPanel(timeseries('Memory utilisation', [q(`1 - node_memory_MemAvailable_bytes{${node}} / node_memory_MemTotal_bytes{${node}}`, '{{instance}}')], { unit: 'percentunit', max: 1, steps: UTILISATION }))
    .withPanel(timeseries('Memory saturation (major page faults)', [q(`rate(node_vmstat_pgmajfault{${node}}[$__rate_interval])`, '{{instance}}')], { unit: 'short' }))
    .withRow(row('Disk'))
    .withPanel(timeseries('Filesystem used', [q(`1 - node_filesystem_avail_bytes{${fs}, ${node}} / node_filesystem_size_bytes{${fs}, ${node}}`, '{{instance}} {{mountpoint}}')], { unit: 'percentunit', max: 1, width: 8, steps: UTILISATION }))
    .withPanel(timeseries('Disk I/O utilisation', [q(`rate(node_disk_io_time_seconds_total{${node}}[$__rate_interval])`, '{{instance}} {{device}}')], { unit: 'percentunit', width: 8 }))
    .withPanel(timeseries('Disk I/O saturation (average queue)', [q(`rate(node_disk_io_time_weighted_seconds_total{${node}}[$__rate_interval])`, '{{instance}} {{device}}')], { width: 8 }))
    .withRow(row('Network'))
    .withPanel(
      timeseries('Network throughput', [
        q(`rate(node_network_receive_bytes_total{device!="lo", ${node}}[$__rate_interval])`, 'in {{instance}} {{device}}'),
        q(`rate(node_network_transmit_bytes_total{device!="lo", ${node}}[$__rate_interval])`, 'out {{instance}} {{device}}'),
      ], { unit: 'Bps', width: 8 }),
    )
    .withPanel(
      timeseries('Network errors', [
        q(`rate(node_network_receive_errs_total{${node}}[$__rate_interval]) + rate(node_network_transmit_errs_total{${node}}[$__rate_interval])`, '{{instance}} {{device}}'),
      ], { unit: 'pps', width: 8 }),
    )
    .withPanel(
      timeseries('Network drops (saturation)', [
        q(`rate(node_network_receive_drop_total{${node}}[$__rate_interval]) + rate(node_network_transmit_drop_total{${node}}[$__rate_interval])`, '{{instance}} {{device}}'),
      ], { unit: 'pps', width: 8 }),
    )
    .build();
}
