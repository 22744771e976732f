/** Prometheus, configured from the typed config: scrape jobs for the stack and the cluster, rules, alerting. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { Alertmanager } from '../constructs/k8s/alertmanager';
import { KubeStateMetrics } from '../constructs/k8s/kube-state-metrics';
import { NodeExporter } from '../constructs/k8s/node-exporter';
import { Prometheus } from '../constructs/k8s/prometheus';
import type { PodScrapeTarget } from '../constructs/k8s/prometheus-config';
import { Pushgateway } from '../constructs/k8s/pushgateway';
import { ruleFilesData, ruleFilesFor } from './rules';

export class PrometheusChart extends Chart {
  readonly prometheus: Prometheus;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const namespace = config.namespaces.monitoring;
    const stackTarget = (job: string, portName: string, honorLabels = false): PodScrapeTarget => ({ job, appName: job, namespace, portName, honorLabels });
    this.prometheus = new Prometheus(this, 'prometheus', {
      namespace,
      image: config.images.prometheus,
      replicas: config.prometheus.replicas,
      storageClassName: config.storage.className,
      storageSize: config.prometheus.storage.size,
      retentionTime: config.prometheus.retention.time,
      retentionSize: config.prometheus.retention.size,
      resources: config.prometheus.resources,
      externalUrl: `https://prometheus.${config.cluster.domain}/`,
      ruleFiles: ruleFilesData(ruleFilesFor(config)),
      config: {
        clusterName: config.cluster.name,
        environment: config.cluster.environment,
        scrapeInterval: config.prometheus.scrapeInterval,
        scrapeTimeout: config.prometheus.scrapeTimeout,
        evaluationInterval: config.prometheus.evaluationInterval,
        externalLabels: config.prometheus.externalLabels,
        kubeletTlsVerify: config.prometheus.kubeletTlsVerify,
        alertmanager: { namespace, appName: Alertmanager.NAME, portName: 'web' },
        nodeExporter: { namespace: config.namespaces.nodeExporter, appName: NodeExporter.NAME, portName: 'metrics' },
        podTargets: [
          stackTarget(Prometheus.NAME, 'web'),
          stackTarget(Alertmanager.NAME, 'web'),
          // Pushed metrics carry the pushing job's own `job` and `instance`: keep them.
          stackTarget(Pushgateway.NAME, 'web', true),
          // kube-state-metrics' `namespace` and `pod` labels describe the object, not the exporter: keep them.
          stackTarget(KubeStateMetrics.NAME, 'http-metrics', true),
        ],
      },
    });
  }
}
