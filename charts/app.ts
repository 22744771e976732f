/**
 * The cdk8s app: one chart per component, written one file per chart.
 * Charts depend on the namespaces chart, so files are numbered in apply
 * order (`0000-namespaces.k8s.yaml` first).
 */
import { App, YamlOutputType } from 'cdk8s';
import type { MonitoringConfig } from '../config';
import { AlertmanagerChart } from './alertmanager-chart';
import { dashboardsFor } from './dashboards';
import { GrafanaChart } from './grafana-chart';
import { IngressChart } from './ingress-chart';
import { JaegerChart } from './jaeger-chart';
import { KubeStateMetricsChart } from './kube-state-metrics-chart';
import { LambdaEndpointsChart } from './lambda-endpoints-chart';
import { LogCollectorChart } from './log-collector-chart';
import { LokiChart } from './loki-chart';
import { NamespacesChart } from './namespaces-chart';
import { NetworkPoliciesChart } from './network-policies-chart';
import { NodeExporterChart } from './node-exporter-chart';
import { PrometheusChart } from './prometheus-chart';
import { PushgatewayChart } from './pushgateway-chart';

/** Where manifests go unless `CDK8S_OUTDIR` says otherwise; never shared with cdktf's output. */
export const DEFAULT_K8S_OUTDIR = 'dist/k8s';

/** Build the cdk8s app for a configuration; call `synth()` to write it. */
export function buildK8sApp(config: MonitoringConfig, outdir: string = DEFAULT_K8S_OUTDIR): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const namespaces = new NamespacesChart(app, 'namespaces', config);
  const prometheus = new PrometheusChart(app, 'prometheus', config);
  const alertmanager = new AlertmanagerChart(app, 'alertmanager', config);
  const nodeExporter = new NodeExporterChart(app, 'node-exporter', config);
  const kubeStateMetrics = new KubeStateMetricsChart(app, 'kube-state-metrics', config);
  const pushgateway = new PushgatewayChart(app, 'pushgateway', config);
  const grafana = new GrafanaChart(app, 'grafana', config);
  for (const d of dashboardsFor(config)) grafana.grafana.addDashboard(d.folder, d.name, { ...d.dashboard });
  const loki = new LokiChart(app, 'loki', config);
  const logCollector = config.loki.collector.enabled ? new LogCollectorChart(app, 'log-collector', config) : undefined;
  const jaeger = new JaegerChart(app, 'jaeger', config);
  const ingress = new IngressChart(app, 'ingress', config);
  const lambdaEndpoints = config.network.lambdaEndpoints.enabled
    ? new LambdaEndpointsChart(app, 'lambda-endpoints', config, { prometheus: prometheus.prometheus, alertmanager: alertmanager.alertmanager, pushgateway: pushgateway.pushgateway })
    : undefined;
  const network = new NetworkPoliciesChart(app, 'network-policies', config, {
    prometheus: prometheus.prometheus,
    alertmanager: alertmanager.alertmanager,
    pushgateway: pushgateway.pushgateway,
    kubeStateMetrics: kubeStateMetrics.kubeStateMetrics,
    nodeExporter: nodeExporter.nodeExporter,
    grafana: grafana.grafana,
    loki: loki.loki,
    logCollector: logCollector?.collector,
    jaeger: jaeger.jaeger,
  });
  for (const chart of [prometheus, alertmanager, nodeExporter, kubeStateMetrics, pushgateway, network]) chart.addDependency(namespaces);
  for (const chart of [grafana, loki, jaeger, ingress, ...(logCollector ? [logCollector] : []), ...(lambdaEndpoints ? [lambdaEndpoints] : [])]) chart.addDependency(namespaces);
  // The collector's namespace is created in its own chart; its policies are applied after it.
  if (logCollector) network.addDependency(logCollector);
  return app;
}
