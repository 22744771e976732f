/**
 * The charts that compose Grafana, Loki, the log collector, Jaeger and the
 * Ingresses from the configuration: what each profile deploys, and that the
 * pieces point at each other (Services, ports, flows, scrape jobs).
 */
import { App } from 'cdk8s';
import { parse } from 'yaml';
import type { MonitoringConfig } from '../../../config';
import { GrafanaChart } from '../../../charts/grafana-chart';
import { IngressChart } from '../../../charts/ingress-chart';
import { JaegerChart } from '../../../charts/jaeger-chart';
import { parseIni } from '../../../constructs/k8s/lib/ini';
import { configWith, findObject, synthConfig, synthProfile } from '../../helpers/synth';

type Objects = ReturnType<typeof synthProfile>;
const of = (objects: Objects, kind: string) => objects.filter((o) => o.kind === kind) as any[];

/** The Service a cluster-local URL names, and whether it has the URL's port. */
function serviceFor(objects: Objects, url: string): { service: any; hasPort: boolean } {
  const parsed = new URL(url);
  const [name, namespace, svc] = parsed.hostname.split('.');
  expect(svc).toBe('svc');
  const service = of(objects, 'Service').find((s) => s.metadata.name === name && s.metadata.namespace === namespace);
  return { service, hasPort: Boolean(service?.spec.ports.some((p: any) => p.port === Number(parsed.port))) };
}

/** Workloads whose pods a Service selects. */
function podsBehind(objects: Objects, service: any): any[] {
  return objects.filter(
    (o: any) =>
      ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) &&
      o.metadata.namespace === service.metadata.namespace &&
      Object.entries(service.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v),
  );
}

describe.each(['default', 'production'] as const)('%s profile: Grafana provisioning', (profile) => {
  const objects = synthProfile(profile);
  const datasources = parse(findObject(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']).datasources;

  it('points every data source at an existing Service, on one of its ports, with pods behind it', () => {
    expect(datasources.map((d: any) => d.uid)).toEqual(['prometheus', 'loki', 'jaeger', 'alertmanager']);
    for (const datasource of datasources) {
      const { service, hasPort } = serviceFor(objects, datasource.url);
      expect({ uid: datasource.uid, service: service?.metadata.name, hasPort }).toEqual({ uid: datasource.uid, service: expect.any(String), hasPort: true });
      expect(podsBehind(objects, service).length).toBeGreaterThan(0);
    }
    // Grafana reads Prometheus through the ClientIP-affine Service, never the headless one.
    expect(serviceFor(objects, datasources[0].url).service.spec.sessionAffinity).toBe('ClientIP');
  });

  it('provisions the stack dashboard from its own ConfigMap under a folder provider, using provisioned data sources', () => {
    const providers = parse(findObject(objects, 'ConfigMap', 'grafana-dashboard-providers').data['dashboards.yaml']).providers;
    expect(providers.map((p: any) => p.folder)).toContain('Monitoring stack');
    const dashboard = JSON.parse(findObject(objects, 'ConfigMap', 'grafana-dashboard-stack-overview').data['stack-overview.json']);
    expect(dashboard).toMatchObject({ uid: 'monitoring-stack-overview', title: 'Monitoring stack overview', schemaVersion: 39 });
    const used = new Set(dashboard.panels.flatMap((p: any) => [p.datasource.uid, ...p.targets.map((t: any) => t.datasource.uid)]));
    expect([...used].every((uid) => datasources.some((d: any) => d.uid === uid))).toBe(true);
    const mounts = findObject(objects, 'Deployment', 'grafana').spec.template.spec.containers[0].volumeMounts;
    expect(mounts.find((m: any) => m.name === 'dashboard-stack-overview').mountPath.startsWith(providers[0].options.path + '/')).toBe(true);
  });

  it('sets root_url from the domain and a headless alerting peer Service only with replicas', () => {
    const ini = parseIni(findObject(objects, 'ConfigMap', 'grafana-config').data['grafana.ini']);
    expect(ini.server.root_url).toBe('https://grafana.monitoring.example.com/');
    const replicas = findObject(objects, 'Deployment', 'grafana').spec.replicas;
    expect(of(objects, 'Service').some((s) => s.metadata.name === 'grafana-alerting')).toBe(replicas > 1);
  });
});

describe('what each profile deploys', () => {
  it('default: one Grafana on SQLite, one Loki on its volume, Jaeger on Badger, basic auth at the edge', () => {
    const objects = synthProfile('default');
    expect(findObject(objects, 'Deployment', 'grafana').spec.replicas).toBe(1);
    expect(findObject(objects, 'PersistentVolumeClaim', 'grafana-data').spec.resources.requests.storage).toBe('10Gi');
    expect(findObject(objects, 'StatefulSet', 'loki').spec.replicas).toBe(1);
    expect(parse(findObject(objects, 'ConfigMap', 'loki-config').data['loki.yaml']).common.storage.filesystem).toBeDefined();
    expect(findObject(objects, 'StatefulSet', 'jaeger').spec.replicas).toBe(1);
    expect(of(objects, 'CronJob')).toHaveLength(0);
  });

  it('production: two Grafanas on PostgreSQL, three Loki replicas on S3 via IRSA, two Jaeger collectors on OpenSearch', () => {
    const objects = synthProfile('production');
    const grafana = findObject(objects, 'Deployment', 'grafana');
    expect(grafana.spec.replicas).toBe(2);
    expect(parseIni(findObject(objects, 'ConfigMap', 'grafana-config').data['grafana.ini']).database).toMatchObject({ type: 'postgres', host: 'grafana-db.monitoring-prod.internal:5432' });
    expect(findObject(objects, 'StatefulSet', 'loki').spec.replicas).toBe(3);
    const loki = parse(findObject(objects, 'ConfigMap', 'loki-config').data['loki.yaml']);
    expect(loki.common).toMatchObject({ replication_factor: 3, storage: { s3: { bucketnames: 'monitoring-prod-loki-000000000000', sse: { type: 'SSE-KMS' } } } });
    expect(loki.limits_config).toMatchObject({ retention_period: '720h', ingestion_rate_mb: 10, ingestion_burst_size_mb: 20, split_queries_by_interval: '15m' });
    expect(findObject(objects, 'ServiceAccount', 'loki').metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::000000000000:role/monitoring-prod-loki');
    expect(findObject(objects, 'Deployment', 'jaeger-collector').spec.replicas).toBe(2);
    expect(findObject(objects, 'Deployment', 'jaeger-query').spec.replicas).toBe(1);
    expect(findObject(objects, 'CronJob', 'jaeger-es-index-cleaner').spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['7', 'https://vpc-monitoring-prod-traces.eu-west-1.es.amazonaws.com:443']);
  });

  it('puts Loki on a bucket, role and key the configuration names', () => {
    const objects = synthConfig(
      configWith({
        cluster: { accountId: '123456789012' },
        loki: { replicas: 3, replicationFactor: 3, storage: { type: 's3', s3: { bucket: 'my-logs', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abcd' } } },
      }),
    );
    const loki = parse(findObject(objects, 'ConfigMap', 'loki-config').data['loki.yaml']);
    expect(loki.common.storage.s3).toMatchObject({ bucketnames: 'my-logs', sse: { kms_key_id: 'arn:aws:kms:eu-west-1:123456789012:key/abcd' } });
    expect(findObject(objects, 'ServiceAccount', 'loki').metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/monitoring-dev-loki');
  });
});

describe('Ingress', () => {
  it('exposes each UI on its own host, with auth in front of those without a login', () => {
    const objects = synthProfile('production');
    const ingresses = of(objects, 'Ingress');
    expect(ingresses.map((i) => [i.metadata.name, i.spec.rules[0].host, i.metadata.annotations['nginx.ingress.kubernetes.io/auth-type'] ?? 'none'])).toEqual([
      ['grafana', 'grafana.monitoring.example.com', 'none'],
      ['prometheus', 'prometheus.monitoring.example.com', 'basic'],
      ['alertmanager', 'alertmanager.monitoring.example.com', 'basic'],
      ['jaeger', 'jaeger.monitoring.example.com', 'basic'],
    ]);
    const jaeger = ingresses.find((i) => i.metadata.name === 'jaeger');
    expect(jaeger.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'jaeger-query', port: { number: 16686 } });
  });

  it('uses the OAuth2 proxy when configured, and exposes nothing when disabled or not chosen', () => {
    const oauth2 = synthConfig(configWith({ ingress: { auth: { type: 'oauth2', oauth2: { authUrl: 'https://sso.example.com/oauth2/auth', signinUrl: 'https://sso.example.com/oauth2/start' } } } }));
    expect(findObject(oauth2, 'Ingress', 'alertmanager').metadata.annotations['nginx.ingress.kubernetes.io/auth-url']).toBe('https://sso.example.com/oauth2/auth');
    expect(of(synthConfig(configWith({ ingress: { enabled: false } })), 'Ingress')).toHaveLength(0);
    expect(of(synthConfig(configWith({ ingress: { expose: { jaeger: false } } })), 'Ingress').map((i) => i.metadata.name)).toEqual(['grafana', 'prometheus', 'alertmanager']);
  });
});

describe('network flows and scraping', () => {
  const policy = (objects: Objects, name: string) => findObject(objects, 'NetworkPolicy', name);

  it('lets applications in any namespace push logs and send OTLP, and nothing else from them', () => {
    const objects = synthProfile('default');
    const loki = policy(objects, 'applications-to-loki-ingress');
    expect(loki.spec.ingress).toEqual([{ from: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ protocol: 'TCP', port: 3100 }] }]);
    const otlp = policy(objects, 'applications-to-jaeger-otlp-ingress');
    expect(otlp.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 4317 }, { protocol: 'TCP', port: 4318 }]);
  });

  it('gives the collector its own namespace with default deny, DNS, the API server and Loki', () => {
    const objects = synthProfile('default');
    const namespace = findObject(objects, 'Namespace', 'monitoring-log-collector');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(namespace.metadata.annotations['monitoring-stack/pod-security-reason']).toContain('/var/log/pods');
    const names = of(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'monitoring-log-collector').map((p) => p.metadata.name);
    expect(names.sort()).toEqual(['default-deny', 'log-collector-dns-egress', 'log-collector-to-apiserver-egress', 'log-collector-to-loki-egress', 'prometheus-to-log-collector-ingress']);
    const push = parse(findObject(objects, 'ConfigMap', 'alloy-config').data['config.alloy'].match(/url = (".*")/)![1]);
    expect(serviceFor(objects, push).hasPort).toBe(true);
  });

  it('reaches storage only in production: the database, S3 and OpenSearch by CIDR', () => {
    const objects = synthProfile('production');
    expect(policy(objects, 'grafana-to-database-egress').spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(policy(objects, 'loki-to-object-storage-egress').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(policy(objects, 'jaeger-to-storage-egress').spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'jaeger' });
    expect(policy(objects, 'grafana-gossip-ingress').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9094 }, { protocol: 'UDP', port: 9094 }]);
    const defaults = synthProfile('default').map((o) => o.metadata.name);
    for (const name of ['grafana-to-database-egress', 'loki-to-object-storage-egress', 'jaeger-to-storage-egress', 'grafana-gossip-ingress']) expect(defaults).not.toContain(name);
  });

  it('reads Prometheus through Thanos Query when enabled', () => {
    const objects = synthConfig(configWith({ grafana: { thanosQuery: { enabled: true } } }));
    const datasources = parse(findObject(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']).datasources;
    expect(datasources[0]).toMatchObject({ url: 'http://thanos-query.monitoring.svc:10902', jsonData: { prometheusType: 'Thanos' } });
    expect(policy(objects, 'grafana-to-thanos-query-egress').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 10902 }]);
    expect(objects.map((o) => o.metadata.name)).not.toContain('grafana-to-prometheus-egress');
  });

  it('scrapes Grafana, Loki, Jaeger and the collector', () => {
    const config = parse(findObject(synthProfile('default'), 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    const jobs = config.scrape_configs.map((j: any) => j.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['grafana', 'loki', 'jaeger', 'alloy']));
    const alloy = config.scrape_configs.find((j: any) => j.job_name === 'alloy');
    expect(alloy.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['monitoring-log-collector'] } }]);
  });
});

describe('charts guard what the configuration checks refuse', () => {
  // The checks stop these configurations before synthesis; a chart given one anyway says which check it skipped.
  const unchecked = (edit: (config: any) => void): MonitoringConfig => {
    const config: any = structuredClone(configWith({}));
    edit(config);
    return config;
  };

  it.each<[string, (config: any) => void, (app: App, config: MonitoringConfig) => void, string]>([
    ['Grafana on postgres without its settings', (c) => (c.grafana.database.type = 'postgres'), (app, c) => new GrafanaChart(app, 'g', c), 'grafana.database.postgres is missing; checkGrafanaDatabase refuses such a configuration before synthesis'],
    ['Jaeger on OpenSearch without its settings', (c) => (c.jaeger.storage.type = 'opensearch'), (app, c) => new JaegerChart(app, 'j', c), 'jaeger.storage.elasticsearch is missing for type "opensearch"; checkJaegerStorage refuses such a configuration before synthesis'],
    ['OAuth2 without its URLs', (c) => (c.ingress.auth.type = 'oauth2'), (app, c) => new IngressChart(app, 'i', c), 'ingress.auth.oauth2 is missing; checkUiAuth refuses such a configuration before synthesis'],
  ])('%s', (_what, edit, build, message) => {
    expect(() => build(new App(), unchecked(edit))).toThrow(message);
  });
});
