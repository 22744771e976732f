/** Clustered Alertmanager with the typed routing from the config. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { Alertmanager } from '../constructs/k8s/alertmanager';

export class AlertmanagerChart extends Chart {
  readonly alertmanager: Alertmanager;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    this.alertmanager = new Alertmanager(this, 'alertmanager', {
      namespace: config.namespaces.monitoring,
      image: config.images.alertmanager,
      replicas: config.alertmanager.replicas,
      storageClassName: config.storage.className,
      storageSize: config.alertmanager.storage.size,
      retention: config.alertmanager.retention,
      resources: config.alertmanager.resources,
      secretName: config.alertmanager.secretName,
      externalUrl: `https://alertmanager.${config.cluster.domain}/`,
      config: {
        receivers: config.alertmanager.receivers,
        route: config.alertmanager.route,
        inhibitRules: config.alertmanager.inhibitRules,
      },
    });
  }
}
