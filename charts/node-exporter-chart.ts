/** node-exporter in its own privileged namespace. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { NodeExporter } from '../constructs/k8s/node-exporter';

export class NodeExporterChart extends Chart {
  readonly nodeExporter: NodeExporter;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    this.nodeExporter = new NodeExporter(this, 'node-exporter', {
      namespace: config.namespaces.nodeExporter,
      image: config.images.nodeExporter,
      priorityClassName: config.nodeExporter.priorityClassName,
      resources: config.nodeExporter.resources,
    });
  }
}
