/** Jaeger v2: collectors and query over Badger (small installs) or Elasticsearch/OpenSearch. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { durationToSeconds } from '../config/units';
import { Jaeger, type JaegerStorage } from '../constructs/k8s/jaeger';

export class JaegerChart extends Chart {
  readonly jaeger: Jaeger;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const { jaeger } = config;
    this.jaeger = new Jaeger(this, 'jaeger', {
      namespace: config.namespaces.monitoring,
      image: config.images.jaeger,
      storage: jaegerStorage(config),
      collectorReplicas: jaeger.collector.replicas,
      queryReplicas: jaeger.query.replicas,
      collectorResources: jaeger.collector.resources,
      queryResources: jaeger.query.resources,
    });
  }
}

function jaegerStorage(config: MonitoringConfig): JaegerStorage {
  const { storage } = config.jaeger;
  if (storage.type === 'badger') {
    // Badger takes a Go duration: whole hours avoid the units Go does not know (d, w, y).
    return { type: 'badger', storageClassName: config.storage.className, size: storage.badger.size, retention: `${Math.ceil(durationToSeconds(storage.badger.retention) / 3600)}h` };
  }
  const search = storage.elasticsearch;
  if (!search) throw new Error(`jaeger.storage.elasticsearch is missing for type "${storage.type}"; checkJaegerStorage refuses such a configuration before synthesis`);
  return {
    type: storage.type,
    urls: search.urls,
    credentialsSecret: search.credentialsSecret,
    indexPrefix: search.indexPrefix,
    shards: search.shards,
    replicas: search.replicas,
    retentionDays: search.retentionDays,
    cleaner: { image: config.images.jaegerEsIndexCleaner, schedule: search.cleanerSchedule },
  };
}
