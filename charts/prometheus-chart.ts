/** Prometheus, configured from the typed config: scrape jobs for the stack and the cluster, rules, alerting. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { awsNames } from '../config/aws-names';
import { Alertmanager } from '../constructs/k8s/alertmanager';
import { Grafana } from '../constructs/k8s/grafana';
import { Jaeger } from '../constructs/k8s/jaeger';
import { KubeStateMetrics } from '../constructs/k8s/kube-state-metrics';
import { LogCollector } from '../constructs/k8s/log-collector';
import { Loki } from '../constructs/k8s/loki';
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
    const names = awsNames(config);
    const blocks = names.prometheusBlocks;
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
      // The Thanos sidecar uploads blocks with the IRSA role the AWS stack creates for this ServiceAccount.
      serviceAccountAnnotations: blocks.enabled ? { 'eks.amazonaws.com/role-arn': blocks.roleArn } : undefined,
      thanosSidecar: blocks.enabled
        ? { image: config.images.thanos, objectStorage: { bucket: names.backupBucket, region: names.region, prefix: blocks.prefix, kmsKeyArn: names.kmsAliasArn } }
        : undefined,
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
          ...(blocks.enabled ? [{ job: 'thanos-sidecar', appName: Prometheus.NAME, namespace, portName: 'thanos-http' }] : []),
          stackTarget(Alertmanager.NAME, 'web'),
          // Pushed metrics carry the pushing job's own `job` and `instance`: keep them.
          stackTarget(Pushgateway.NAME, 'web', true),
          // kube-state-metrics' `namespace` and `pod` labels describe the object, not the exporter: keep them.
          stackTarget(KubeStateMetrics.NAME, 'http-metrics', true),
          stackTarget(Grafana.NAME, 'http'),
          stackTarget(Loki.NAME, 'http'),
          // Every Jaeger role (collector, query, or the Badger all-in-one) serves its metrics on the `metrics` port.
          stackTarget(Jaeger.NAME, 'metrics'),
          ...(config.loki.collector.enabled ? [{ job: LogCollector.NAME, appName: LogCollector.NAME, namespace: config.loki.collector.namespace, portName: 'http' }] : []),
        ],
      },
    });
  }
}
