/** Loki: filesystem for one replica, or S3 (IRSA, SSE-KMS) with a memberlist ring for HA. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { lokiS3Names } from '../config/loki-names';
import { Loki, type LokiStorage } from '../constructs/k8s/loki';

export class LokiChart extends Chart {
  readonly loki: Loki;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const { loki } = config;
    this.loki = new Loki(this, 'loki', {
      namespace: config.namespaces.monitoring,
      image: config.images.loki,
      storageClassName: config.storage.className,
      storageSize: loki.storage.size,
      storage: lokiStorage(config),
      replicas: loki.replicas,
      replicationFactor: loki.replicationFactor,
      schemaFrom: loki.schemaFrom,
      retentionDays: loki.retentionDays,
      limits: loki.limits,
      resultsCache: loki.resultsCache,
      resources: loki.resources,
    });
  }
}

function lokiStorage(config: MonitoringConfig): LokiStorage {
  if (config.loki.storage.type === 'filesystem') return { type: 'filesystem' };
  const names = lokiS3Names(config);
  return { type: 's3', bucket: names.bucket, region: names.region, kmsKeyArn: names.kmsKeyArn, roleArn: names.roleArn };
}
