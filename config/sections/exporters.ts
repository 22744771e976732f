/** The small metrics components: node-exporter, kube-state-metrics and the Pushgateway. */
import { z } from 'zod';
import { K8sName, Quantity, Resources, resources } from './common';

export const NodeExporterSection = z.strictObject({
  resources: Resources.default(resources('50m', '64Mi', '250m', '128Mi')),
  /** PriorityClass the stack creates so node-exporter is scheduled on every node, even full ones. */
  priorityClassName: K8sName.default('monitoring-node-critical'),
});

export const KubeStateMetricsSection = z.strictObject({
  /**
   * One replica: two would export every `kube_*` series twice and double
   * every `sum()` over them. Scale by sharding, not by replicas.
   */
  replicas: z.literal(1, { error: 'kube-state-metrics runs as 1 replica; two would duplicate every kube_* series' }).default(1),
  resources: Resources.default(resources('100m', '256Mi', '500m', '512Mi')),
});

export const PushgatewaySection = z.strictObject({
  /**
   * One replica: each Pushgateway holds its own pushed state, so two behind
   * a Service would each hold half of it. Persistence keeps it across restarts.
   */
  replicas: z.literal(1, { error: 'the Pushgateway runs as 1 replica; replicas do not share pushed metrics' }).default(1),
  resources: Resources.default(resources('50m', '64Mi', '250m', '256Mi')),
  /** Volume for `--persistence.file`, so a restart does not forget the last backup's timestamp. */
  storage: z.strictObject({ size: Quantity.default('1Gi') }).prefault({}),
});
