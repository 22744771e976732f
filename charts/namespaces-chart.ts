/** Namespaces (with Pod Security and default-deny) and the StorageClass: what every other chart needs first. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { storageClassKmsKeyArn } from '../config/aws-names';
import { EncryptedStorageClass } from '../constructs/k8s/encrypted-storage-class';
import { PART_OF } from '../constructs/k8s/lib/labels';
import { MonitoringNamespace } from '../constructs/k8s/monitoring-namespace';

export class NamespacesChart extends Chart {
  readonly monitoring: MonitoringNamespace;
  readonly nodeExporter: MonitoringNamespace;
  readonly storageClass: EncryptedStorageClass;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const labels = { 'app.kubernetes.io/part-of': PART_OF };
    this.monitoring = new MonitoringNamespace(this, 'monitoring', { name: config.namespaces.monitoring, labels });
    this.nodeExporter = new MonitoringNamespace(this, 'node-exporter', {
      name: config.namespaces.nodeExporter,
      podSecurity: 'privileged',
      podSecurityReason: 'node-exporter needs hostNetwork, hostPID and read-only hostPath mounts to report on the node itself',
      labels,
    });
    this.storageClass = new EncryptedStorageClass(this, 'storage-class', {
      name: config.storage.className,
      volumeType: config.storage.volumeType,
      iops: config.storage.iops,
      throughputMiBps: config.storage.throughputMiBps,
      kmsKeyArn: storageClassKmsKeyArn(config),
      reclaimPolicy: config.storage.reclaimPolicy,
      volumeTags: config.aws.backup.snapshotProvisionedVolumes ? { [config.aws.backup.volumeTag.key]: config.aws.backup.volumeTag.value } : undefined,
      labels,
    });
  }
}
