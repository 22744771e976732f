/** kube-state-metrics, the source of the `kube_*` object metrics. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { KubeStateMetrics } from '../constructs/k8s/kube-state-metrics';

export class KubeStateMetricsChart extends Chart {
  readonly kubeStateMetrics: KubeStateMetrics;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    this.kubeStateMetrics = new KubeStateMetrics(this, 'kube-state-metrics', {
      namespace: config.namespaces.monitoring,
      image: config.images.kubeStateMetrics,
      resources: config.kubeStateMetrics.resources,
    });
  }
}
