/**
 * The one configuration model of the product. Both apps (cdk8s and cdktf)
 * read a `MonitoringConfig`, so names that cross the boundary agree.
 *
 * Every field has a default; the defaults are the `default` profile.
 * Unknown fields are refused (`strictObject`), so a typo never silently
 * falls back to a default.
 */
import { z } from 'zod';
import { AlertingSection } from './sections/alerting';
import { AlertmanagerSection } from './sections/alertmanager';
import { AnomalySection } from './sections/anomaly';
import { AwsSection } from './sections/aws';
import { ClusterSection, NamespacesSection } from './sections/cluster';
import { KubeStateMetricsSection, NodeExporterSection, PushgatewaySection } from './sections/exporters';
import { GrafanaSection } from './sections/grafana';
import { ImagesSection } from './sections/images';
import { IngressSection } from './sections/ingress';
import { JaegerSection } from './sections/jaeger';
import { LokiSection } from './sections/loki';
import { NetworkSection } from './sections/network';
import { PrometheusSection } from './sections/prometheus';
import { SlosSection } from './sections/slos';
import { SlasSection } from './sections/slas';
import { StorageSection } from './sections/storage';

export const MonitoringConfigSchema = z.strictObject({
  cluster: ClusterSection.prefault({}),
  namespaces: NamespacesSection.prefault({}),
  network: NetworkSection.prefault({}),
  storage: StorageSection.prefault({}),
  images: ImagesSection.prefault({}),
  prometheus: PrometheusSection.prefault({}),
  alertmanager: AlertmanagerSection.prefault({}),
  alerting: AlertingSection.prefault({}),
  slos: SlosSection,
  slas: SlasSection,
  nodeExporter: NodeExporterSection.prefault({}),
  kubeStateMetrics: KubeStateMetricsSection.prefault({}),
  pushgateway: PushgatewaySection.prefault({}),
  aws: AwsSection.prefault({}),
  grafana: GrafanaSection.prefault({}),
  loki: LokiSection.prefault({}),
  jaeger: JaegerSection.prefault({}),
  anomaly: AnomalySection.prefault({}),
  ingress: IngressSection.prefault({}),
});

/** The resolved configuration: every field present. */
export type MonitoringConfig = z.output<typeof MonitoringConfigSchema>;
/** What a profile or a user's file may contain: any subset of the fields. */
export type MonitoringConfigInput = z.input<typeof MonitoringConfigSchema>;
