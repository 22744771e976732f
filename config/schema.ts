/**
 * The one configuration model of the product. Both apps (cdk8s and cdktf)
 * read a `MonitoringConfig`, so names that cross the boundary agree.
 *
 * Every field has a default; the defaults are the `default` profile.
 * Unknown fields are refused (`strictObject`), so a typo never silently
 * falls back to a default.
 */
import { z } from 'zod';
import { AlertmanagerSection } from './sections/alertmanager';
import { ClusterSection, NamespacesSection } from './sections/cluster';
import { KubeStateMetricsSection, NodeExporterSection, PushgatewaySection } from './sections/exporters';
import { ImagesSection } from './sections/images';
import { NetworkSection } from './sections/network';
import { PrometheusSection } from './sections/prometheus';
import { StorageSection } from './sections/storage';

export const MonitoringConfigSchema = z.strictObject({
  cluster: ClusterSection.prefault({}),
  namespaces: NamespacesSection.prefault({}),
  network: NetworkSection.prefault({}),
  storage: StorageSection.prefault({}),
  images: ImagesSection.prefault({}),
  prometheus: PrometheusSection.prefault({}),
  alertmanager: AlertmanagerSection.prefault({}),
  nodeExporter: NodeExporterSection.prefault({}),
  kubeStateMetrics: KubeStateMetricsSection.prefault({}),
  pushgateway: PushgatewaySection.prefault({}),
});

/** The resolved configuration: every field present. */
export type MonitoringConfig = z.output<typeof MonitoringConfigSchema>;
/** What a profile or a user's file may contain: any subset of the fields. */
export type MonitoringConfigInput = z.input<typeof MonitoringConfigSchema>;
