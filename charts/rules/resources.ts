/**
 * Resource alerts for nodes and volumes: CPU, memory and disk use (from
 * node-exporter), disks predicted to fill, persistent volumes filling (from
 * the kubelet), node conditions (from kube-state-metrics), clock skew and
 * network errors. Node alerts carry `instance` and `node`, not a
 * `service`: they group by node, not by application.
 */
import type { MonitoringConfig } from '../../config';
import { durationToSeconds } from '../../config/units';
import { CategoryRules, percent } from './catalogue';
import { ABOVE, BELOW, constant, growing, series, testPlan } from './test-series';
import type { AlertTestCase, RuleFile } from './types';

/** Filesystems that are not disks: memory-backed, overlays of container images, and lxcfs. */
export const NOT_DISK_FSTYPES = 'tmpfs|overlay|squashfs|ramfs|nsfs|fuse.lxcfs';

export function resourcesRules(config: MonitoringConfig): RuleFile {
  const rules = new CategoryRules(config, 'resources');
  const window = config.alerting.rateWindow;
  const node = 'ip-10-0-1-23.eu-west-1.compute.internal';
  const exporter = { job: 'node-exporter', instance: node, node, service: 'node-exporter' };
  const nodeLabels = { instance: node, node };
  const fs = `fstype!~"${NOT_DISK_FSTYPES}"`;
  const disk = { ...exporter, device: '/dev/nvme0n1p1', fstype: 'xfs', mountpoint: '/' };
  const diskLabels = { ...nodeLabels, device: '/dev/nvme0n1p1', mountpoint: '/' };
  const ksm = { job: 'kube-state-metrics', instance: '10.1.0.9:8080', service: 'kube-state-metrics' };

  /** Two CPUs idle for `1 - usage` of each second. */
  const cpuTests = (threshold: number, forDuration: string): AlertTestCase[] => {
    const plan = testPlan(forDuration);
    const cpus = (usage: number) =>
      ['0', '1'].map((cpu) => ({ series: series('node_cpu_seconds_total', { ...exporter, cpu, mode: 'idle' }), values: growing(Number((60 * (1 - usage)).toFixed(6)), plan.steps) }));
    return [
      { kind: 'fires', description: `fires at ${percent(threshold * ABOVE)} busy`, series: cpus(threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: nodeLabels, value: threshold * ABOVE },
      { kind: 'quiet', description: `quiet at ${percent(threshold * BELOW)} busy`, series: cpus(threshold * BELOW), at: plan.quietAt },
    ];
  };
  const cpu = (threshold: number) => `1 - avg by (instance, node) (rate(node_cpu_seconds_total{mode="idle"}[${window}])) > ${threshold}`;

  const memoryTests = (threshold: number, forDuration: string): AlertTestCase[] => {
    const plan = testPlan(forDuration, 0);
    const total = 16 * 1024 ** 3;
    const memory = (used: number) => [
      { series: series('node_memory_MemAvailable_bytes', exporter), values: constant(Math.round(total * (1 - used)), plan.steps) },
      { series: series('node_memory_MemTotal_bytes', exporter), values: constant(total, plan.steps) },
    ];
    return [
      { kind: 'fires', description: `fires at ${percent(threshold * ABOVE)} used`, series: memory(threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: nodeLabels, value: threshold * ABOVE },
      { kind: 'quiet', description: `quiet at ${percent(threshold * BELOW)} used`, series: memory(threshold * BELOW), at: plan.quietAt },
    ];
  };
  const memory = (threshold: number) => `max by (instance, node) (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > ${threshold}`;

  const diskTests = (threshold: number, forDuration: string): AlertTestCase[] => {
    const plan = testPlan(forDuration, 0);
    const size = 100 * 1024 ** 3;
    const filesystems = (used: number) => [
      { series: series('node_filesystem_avail_bytes', disk), values: constant(Math.round(size * (1 - used)), plan.steps) },
      { series: series('node_filesystem_size_bytes', disk), values: constant(size, plan.steps) },
      // A full tmpfs is not a disk problem.
      { series: series('node_filesystem_avail_bytes', { ...disk, device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' }), values: constant(0, plan.steps) },
      { series: series('node_filesystem_size_bytes', { ...disk, device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' }), values: constant(size, plan.steps) },
    ];
    return [
      { kind: 'fires', description: `fires at ${percent(threshold * ABOVE)} used`, series: filesystems(threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: diskLabels, value: threshold * ABOVE },
      { kind: 'quiet', description: `quiet at ${percent(threshold * BELOW)} used`, series: filesystems(threshold * BELOW), at: plan.quietAt },
    ];
  };
  const diskUsage = (threshold: number) => `max by (instance, node, device, mountpoint) (1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}}) > ${threshold}`;

  const conditionAlert = (name: 'NodeNotReady' | 'NodeMemoryPressure' | 'NodeDiskPressure', condition: string, severity: 'high' | 'warning', meaning: string) =>
    rules.alert(name, (s) => {
      const plan = testPlan(s.for, 0);
      const bad = condition === 'Ready' ? 0 : 1;
      const state = (value: number) => [{ series: series('kube_node_status_condition', { ...ksm, node, condition, status: 'true' }), values: constant(value, plan.steps) }];
      return {
        severity,
        expr: `max by (node) (kube_node_status_condition{condition="${condition}",status="true"}) == ${bad}`,
        summary: condition === 'Ready' ? 'Node {{ $labels.node }} is not ready' : `Node {{ $labels.node }} reports ${condition}`,
        description: `${meaning} (for ${s.for}).`,
        tests: [
          { kind: 'fires', description: `fires while ${condition} is ${bad === 1 ? 'true' : 'not true'}`, series: state(bad), conditionFrom: plan.conditionFrom, labels: { node }, value: bad },
          { kind: 'quiet', description: `quiet while ${condition} is ${bad === 1 ? 'false' : 'true'}`, series: state(1 - bad), at: plan.quietAt },
        ],
      };
    });

  return {
    fileName: 'resources.rules.yml',
    groups: [
      {
        name: 'resources',
        rules: [
          ...rules.alert('NodeCpuUsageWarning', (s) => ({
            severity: 'warning',
            expr: cpu(s.threshold),
            summary: 'Node {{ $labels.node }} CPU is {{ $value | humanizePercentage }} busy',
            description: `The CPUs of {{ $labels.node }} have been {{ $value | humanizePercentage }} busy on average over ${window} (warning above ${percent(s.threshold)}); pods on it may be throttled.`,
            tests: cpuTests(s.threshold, s.for),
          })),
          ...rules.alert('NodeCpuUsageHigh', (s) => ({
            severity: 'high',
            expr: cpu(s.threshold),
            summary: 'Node {{ $labels.node }} CPU is {{ $value | humanizePercentage }} busy',
            description: `The CPUs of {{ $labels.node }} have been {{ $value | humanizePercentage }} busy on average over ${window} (above ${percent(s.threshold)}): pods without CPU requests starve, and latency rises.`,
            tests: cpuTests(s.threshold, s.for),
          })),
          ...rules.alert('NodeMemoryUsageWarning', (s) => ({
            severity: 'warning',
            expr: memory(s.threshold),
            summary: 'Node {{ $labels.node }} memory is {{ $value | humanizePercentage }} used',
            description: `{{ $value | humanizePercentage }} of the memory of {{ $labels.node }} is in use (warning above ${percent(s.threshold)}).`,
            tests: memoryTests(s.threshold, s.for),
          })),
          ...rules.alert('NodeMemoryUsageHigh', (s) => ({
            severity: 'high',
            expr: memory(s.threshold),
            summary: 'Node {{ $labels.node }} memory is {{ $value | humanizePercentage }} used',
            description: `{{ $value | humanizePercentage }} of the memory of {{ $labels.node }} is in use (above ${percent(s.threshold)}): the kernel OOM killer or kubelet evictions come next.`,
            tests: memoryTests(s.threshold, s.for),
          })),
          ...rules.alert('NodeDiskUsageWarning', (s) => ({
            severity: 'warning',
            expr: diskUsage(s.threshold),
            summary: 'Disk {{ $labels.mountpoint }} of {{ $labels.node }} is {{ $value | humanizePercentage }} full',
            description: `Filesystem {{ $labels.device }} mounted at {{ $labels.mountpoint }} on {{ $labels.node }} is {{ $value | humanizePercentage }} full (warning above ${percent(s.threshold)}).`,
            tests: diskTests(s.threshold, s.for),
          })),
          ...rules.alert('NodeDiskUsageCritical', (s) => ({
            severity: 'critical',
            expr: diskUsage(s.threshold),
            summary: 'Disk {{ $labels.mountpoint }} of {{ $labels.node }} is {{ $value | humanizePercentage }} full',
            description: `Filesystem {{ $labels.device }} mounted at {{ $labels.mountpoint }} on {{ $labels.node }} is {{ $value | humanizePercentage }} full (critical above ${percent(s.threshold)}): writes will fail soon, and the kubelet evicts pods under DiskPressure.`,
            tests: diskTests(s.threshold, s.for),
          })),
          ...rules.alert('NodeDiskFillingUp', (s) => {
            const horizon = durationToSeconds(s.threshold);
            const horizonMinutes = horizon / 60;
            const plan = testPlan(s.for);
            const size = 100 * 1024 ** 3;
            const start = 0.39 * size;
            /** Free space falling linearly to zero after `fullAfterMinutes`. */
            const falling = (fullAfterMinutes: number) => [
              { series: series('node_filesystem_avail_bytes', disk), values: growing(-Math.round(start / fullAfterMinutes), plan.steps, Math.round(start)).replace('+-', '-') },
              { series: series('node_filesystem_size_bytes', disk), values: constant(size, plan.steps) },
            ];
            const evalMinutes = 1 + (durationToSeconds(s.for) / 60);
            return {
              severity: 'high',
              expr: `max by (instance, node, device, mountpoint) ((predict_linear(node_filesystem_avail_bytes{${fs}}[6h], ${horizon}) < 0) and (node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < 0.4))`,
              summary: 'Disk {{ $labels.mountpoint }} of {{ $labels.node }} will be full within ' + s.threshold,
              description: `At the rate it filled over the last 6 hours, filesystem {{ $labels.device }} at {{ $labels.mountpoint }} on {{ $labels.node }} (already more than 60% full) runs out of space within ${s.threshold}.`,
              tests: [
                {
                  kind: 'fires',
                  description: `fires when the disk fills in ${s.threshold} from the start`,
                  series: falling(horizonMinutes),
                  conditionFrom: plan.conditionFrom,
                  labels: diskLabels,
                  value: start - (start / horizonMinutes) * (evalMinutes + horizonMinutes),
                },
                { kind: 'quiet', description: `quiet when it fills an hour later than that`, series: falling(horizonMinutes + 60 + durationToSeconds(s.for) / 60), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('PersistentVolumeFillingUp', (s) => {
            const plan = testPlan(s.for, 0);
            const kubelet = { job: 'kubelet', instance: node, node, service: 'kubelet', namespace: 'shop', persistentvolumeclaim: 'data-orders-db-0' };
            const capacity = 50 * 1024 ** 3;
            const volume = (used: number) => [
              { series: series('kubelet_volume_stats_available_bytes', kubelet), values: constant(Math.round(capacity * (1 - used)), plan.steps) },
              { series: series('kubelet_volume_stats_capacity_bytes', kubelet), values: constant(capacity, plan.steps) },
            ];
            const labels = { namespace: 'shop', persistentvolumeclaim: 'data-orders-db-0' };
            return {
              severity: 'warning',
              expr: `max by (namespace, persistentvolumeclaim) (1 - kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes) > ${s.threshold}`,
              summary: 'Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full',
              description: `PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is {{ $value | humanizePercentage }} full (above ${percent(s.threshold)}). Grow the claim (gp3 volumes expand online) or free space before the workload fails.`,
              tests: [
                { kind: 'fires', description: `fires at ${percent(s.threshold * ABOVE)} full`, series: volume(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels, value: s.threshold * ABOVE },
                { kind: 'quiet', description: `quiet at ${percent(s.threshold * BELOW)} full`, series: volume(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
          ...conditionAlert('NodeNotReady', 'Ready', 'high', 'The kubelet of {{ $labels.node }} does not report Ready: pods on it are not started, and after the eviction timeout they are rescheduled elsewhere'),
          ...conditionAlert('NodeMemoryPressure', 'MemoryPressure', 'warning', 'The kubelet of {{ $labels.node }} reports MemoryPressure: it is evicting pods to reclaim memory and admits no new BestEffort pods'),
          ...conditionAlert('NodeDiskPressure', 'DiskPressure', 'high', 'The kubelet of {{ $labels.node }} reports DiskPressure: it is removing unused images and evicting pods to reclaim disk space'),
          ...rules.alert('NodeClockSkew', (s) => {
            const plan = testPlan(s.for, 0);
            const offset = (value: number) => [{ series: series('node_timex_offset_seconds', exporter), values: constant(value, plan.steps) }];
            return {
              severity: 'warning',
              expr: `max by (instance, node) (abs(node_timex_offset_seconds)) > ${s.threshold}`,
              summary: 'Clock of {{ $labels.node }} is off by {{ $value | humanizeDuration }}',
              description: `The system clock of {{ $labels.node }} is {{ $value | humanizeDuration }} away from its time source (above ${s.threshold}s). Skewed clocks break TLS, token expiry and the ordering of metrics, logs and traces.`,
              tests: [
                { kind: 'fires', description: 'fires just above the allowed offset', series: offset(-s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: nodeLabels, value: s.threshold * ABOVE },
                { kind: 'quiet', description: 'quiet just below it', series: offset(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('NodeNetworkErrors', (s) => {
            const plan = testPlan(s.for);
            const nic = { ...exporter, device: 'eth0' };
            const traffic = (share: number) => [
              { series: series('node_network_receive_packets_total', nic), values: growing(10000, plan.steps) },
              { series: series('node_network_transmit_packets_total', nic), values: growing(10000, plan.steps) },
              { series: series('node_network_receive_errs_total', nic), values: growing(Number((20000 * share).toFixed(6)), plan.steps) },
              { series: series('node_network_transmit_errs_total', nic), values: growing(0, plan.steps) },
            ];
            return {
              severity: 'warning',
              expr:
                `sum by (instance, node, device) (rate(node_network_receive_errs_total[${window}]) + rate(node_network_transmit_errs_total[${window}]))` +
                ` / sum by (instance, node, device) (rate(node_network_receive_packets_total[${window}]) + rate(node_network_transmit_packets_total[${window}])) > ${s.threshold}`,
              summary: 'Interface {{ $labels.device }} of {{ $labels.node }} has {{ $value | humanizePercentage }} packet errors',
              description: `{{ $value | humanizePercentage }} of the packets on {{ $labels.device }} of {{ $labels.node }} over ${window} had receive or transmit errors (above ${percent(s.threshold)}).`,
              tests: [
                { kind: 'fires', description: `fires at ${percent(s.threshold * ABOVE)} errors`, series: traffic(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: { ...nodeLabels, device: 'eth0' }, value: s.threshold * ABOVE },
                { kind: 'quiet', description: `quiet at ${percent(s.threshold * BELOW)} errors`, series: traffic(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
        ],
      },
    ],
  };
}
