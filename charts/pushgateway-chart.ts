/** The Pushgateway the Lambdas push job metrics to. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { Pushgateway } from '../constructs/k8s/pushgateway';

export class PushgatewayChart extends Chart {
  readonly pushgateway: Pushgateway;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    this.pushgateway = new Pushgateway(this, 'pushgateway', {
      namespace: config.namespaces.monitoring,
      image: config.images.pushgateway,
      storageClassName: config.storage.className,
      storageSize: config.pushgateway.storage.size,
      resources: config.pushgateway.resources,
    });
  }
}
