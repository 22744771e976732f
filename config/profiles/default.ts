/**
 * The `default` profile: the schema's defaults, unchanged. It synthesizes
 * without an AWS account or a cluster, and is HA wherever a component can
 * be HA on its own (2 Prometheus replicas, 2 clustered Alertmanagers).
 */
import type { MonitoringConfigInput } from '../schema';

export const defaultProfile: MonitoringConfigInput = {};
