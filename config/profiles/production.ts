/**
 * The `production` profile: the sizing our users run. Prometheus keeps 30
 * days on 100Gi per replica and scrapes every 15s; Alertmanager keeps its
 * state on 5Gi per replica.
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
};
