/**
 * The log collector in its own namespace. Reading /var/log/pods needs a
 * hostPath, which only Pod Security `privileged` admits; a namespace of its
 * own keeps that exception to this one workload (with the reason recorded)
 * instead of widening node-exporter's, and gives it its own default-deny.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { PART_OF } from '../constructs/k8s/lib/labels';
import { LogCollector } from '../constructs/k8s/log-collector';
import { Loki } from '../constructs/k8s/loki';
import { LOKI_HTTP_PORT } from '../constructs/k8s/loki-config';
import { MonitoringNamespace } from '../constructs/k8s/monitoring-namespace';

export class LogCollectorChart extends Chart {
  readonly collectorNamespace: MonitoringNamespace;
  readonly collector: LogCollector;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const collector = config.loki.collector;
    this.collectorNamespace = new MonitoringNamespace(this, 'namespace', {
      name: collector.namespace,
      podSecurity: 'privileged',
      podSecurityReason: 'the log collector reads pod logs from the node through a read-only hostPath (/var/log/pods); it runs non-root with no capabilities',
      labels: { 'app.kubernetes.io/part-of': PART_OF },
    });
    this.collector = new LogCollector(this, 'log-collector', {
      namespace: collector.namespace,
      image: config.images.alloy,
      resources: collector.resources,
      config: {
        lokiPushUrl: `http://${Loki.NAME}.${config.namespaces.monitoring}.svc:${LOKI_HTTP_PORT}/loki/api/v1/push`,
        clusterName: config.cluster.name,
        traceIdFields: collector.traceIdFields,
      },
    });
  }
}
