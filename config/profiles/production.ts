/**
 * The `production` profile: the sizing our users run. Prometheus keeps 30
 * days on 100Gi per replica and scrapes every 15s; Alertmanager keeps its
 * state on 5Gi per replica. Grafana, Loki and Jaeger run highly available
 * on shared storage (PostgreSQL, S3, OpenSearch) whose endpoints a real
 * deployment sets in its own file.
 */
import type { MonitoringConfigInput } from '../schema';
import { resources } from '../sections/common';

export const productionProfile: MonitoringConfigInput = {
  cluster: { name: 'monitoring-prod', environment: 'production' },
  prometheus: {
    replicas: 2,
    scrapeInterval: '15s',
    evaluationInterval: '15s',
    retention: { time: '30d' },
    storage: { size: '100Gi' },
    // 15s scrapes over a 30-day head need memory; limits leave room for compaction spikes.
    resources: resources('1', '8Gi', '4', '16Gi'),
  },
  alertmanager: {
    replicas: 2,
    storage: { size: '5Gi' },
  },
  // Two Grafana replicas share PostgreSQL (the password from the Secret `grafana-database`) and cluster their alerting.
  grafana: {
    replicas: 2,
    resources: resources('250m', '512Mi', '2', '1Gi'),
    database: { type: 'postgres', postgres: { host: 'grafana-db.monitoring-prod.internal', sslMode: 'require' } },
  },
  // Loki on S3 through IRSA with SSE-KMS: three replicas, three copies of each stream, 30 days.
  loki: {
    replicas: 3,
    replicationFactor: 3,
    storage: { type: 's3', size: '100Gi' },
    retentionDays: 30,
    limits: { ingestionRateMB: 10, ingestionBurstSizeMB: 20, splitQueriesByInterval: '15m' },
    resultsCache: { enabled: true, maxSizeMB: 500 },
    resources: resources('1', '4Gi', '4', '8Gi'),
  },
  // Two collectors and one query on OpenSearch (credentials from the Secret `jaeger-elasticsearch`), 7 days of traces.
  jaeger: {
    collector: { replicas: 2, resources: resources('250m', '512Mi', '2', '2Gi') },
    query: { replicas: 1 },
    storage: {
      type: 'opensearch',
      elasticsearch: { urls: ['https://vpc-monitoring-prod-traces.eu-west-1.es.amazonaws.com:443'], retentionDays: 7, shards: 3, replicas: 1 },
    },
  },
};
