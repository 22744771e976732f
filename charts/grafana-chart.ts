/** Grafana: data sources over the stack's metrics, logs and traces, and the stack's own dashboard. */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { Alertmanager, ALERTMANAGER_PORT } from '../constructs/k8s/alertmanager';
import { Grafana, type GrafanaDatabase } from '../constructs/k8s/grafana';
import { Jaeger } from '../constructs/k8s/jaeger';
import { JAEGER_UI_PORT } from '../constructs/k8s/jaeger-config';
import { Loki } from '../constructs/k8s/loki';
import { LOKI_HTTP_PORT } from '../constructs/k8s/loki-config';
import { Prometheus, PROMETHEUS_PORT } from '../constructs/k8s/prometheus';
import { STACK_FOLDER, stackOverviewDashboard } from './dashboards/stack-overview';

export class GrafanaChart extends Chart {
  readonly grafana: Grafana;

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const namespace = config.namespaces.monitoring;
    const inCluster = (service: string, port: number) => `http://${service}.${namespace}.svc:${port}`;
    const thanos = config.grafana.thanosQuery;
    this.grafana = new Grafana(this, 'grafana', {
      namespace,
      image: config.images.grafana,
      replicas: config.grafana.replicas,
      resources: config.grafana.resources,
      rootUrl: `https://grafana.${config.cluster.domain}/`,
      adminSecret: config.grafana.adminSecret,
      database: grafanaDatabase(config),
      datasources: {
        // The ClientIP-affine Service keeps one Grafana on one Prometheus replica; Thanos Query deduplicates them itself.
        prometheus: thanos.enabled
          ? { url: inCluster(thanos.serviceName, thanos.port), flavour: 'thanos', scrapeInterval: config.prometheus.scrapeInterval }
          : { url: inCluster(Prometheus.NAME, PROMETHEUS_PORT), flavour: 'prometheus', scrapeInterval: config.prometheus.scrapeInterval },
        loki: { url: inCluster(Loki.NAME, LOKI_HTTP_PORT) },
        jaeger: { url: inCluster(`${Jaeger.NAME}-query`, JAEGER_UI_PORT) },
        // Any peer answers for the cluster: silences and alerts are gossiped between them.
        alertmanager: { url: inCluster(Alertmanager.NAME, ALERTMANAGER_PORT) },
        clusterName: config.cluster.name,
      },
    });
    this.grafana.addDashboard(STACK_FOLDER, 'stack-overview', { ...stackOverviewDashboard() });
  }
}

function grafanaDatabase(config: MonitoringConfig): GrafanaDatabase {
  const { database } = config.grafana;
  if (database.type === 'sqlite') return { type: 'sqlite', storageClassName: config.storage.className, size: database.storage.size };
  const pg = database.postgres;
  if (!pg) throw new Error('grafana.database.postgres is missing; checkGrafanaDatabase refuses such a configuration before synthesis');
  return { type: 'postgres', host: pg.host, port: pg.port, name: pg.name, user: pg.user, sslMode: pg.sslMode, passwordSecret: pg.passwordSecret };
}
