/** Every Kubernetes policy rule, in report order. */
import type { PolicyRule } from '../types';
import { INGRESS_RULES } from './ingress';
import { LOGS_TRACES_DASHBOARDS_RULES } from './logs-traces-dashboards';
import { METRICS_HA_RULES } from './metrics-ha';
import type { K8sOutput } from './model';
import { NETWORK_RULES } from './network';
import { OBJECT_STORAGE_RULES } from './object-storage';
import { SECRET_RULES } from './secrets';
import { WORKLOAD_AVAILABILITY_RULES } from './workload-availability';
import { WORKLOAD_SECURITY_RULES } from './workload-security';

export type { K8sOutput };

export const K8S_RULES: readonly PolicyRule<K8sOutput>[] = [
  ...WORKLOAD_SECURITY_RULES,
  ...WORKLOAD_AVAILABILITY_RULES,
  ...NETWORK_RULES,
  ...METRICS_HA_RULES,
  ...SECRET_RULES,
  ...OBJECT_STORAGE_RULES,
  ...LOGS_TRACES_DASHBOARDS_RULES,
  ...INGRESS_RULES,
];
