import { parse } from 'yaml';
import { folderSlug, renderDashboardProviders } from '../../../constructs/k8s/grafana-dashboard-providers';
import { renderGrafanaDatasources } from '../../../constructs/k8s/grafana-datasources';
import { grafanaIniText } from '../../../constructs/k8s/grafana-ini';
import { Grafana, type GrafanaProps, MAX_DASHBOARD_BYTES } from '../../../constructs/k8s/grafana';
import { parseIni, toIni } from '../../../constructs/k8s/lib/ini';
import { configChecksumAnnotation } from '../../../constructs/k8s/lib/checksum';
import { objectsOf, only, testChart } from './harness';

const datasources: GrafanaProps['datasources'] = {
  prometheus: { url: 'http://prometheus.monitoring.svc:9090', flavour: 'prometheus', scrapeInterval: '30s' },
  loki: { url: 'http://loki.monitoring.svc:3100' },
  jaeger: { url: 'http://jaeger-query.monitoring.svc:16686' },
  alertmanager: { url: 'http://alertmanager.monitoring.svc:9093' },
  clusterName: 'dev',
};
const props: GrafanaProps = {
  namespace: 'monitoring',
  image: 'docker.io/grafana/grafana:12.3.2',
  rootUrl: 'https://grafana.monitoring.example.com/',
  adminSecret: { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
  database: { type: 'sqlite', storageClassName: 'monitoring-gp3' },
  datasources,
};
const postgres: GrafanaProps['database'] = { type: 'postgres', host: 'grafana-db.internal', passwordSecret: { name: 'grafana-database', key: 'password' } };

function synth(overrides: Partial<GrafanaProps> = {}, dashboards: Array<[string, string, Record<string, unknown>]> = []) {
  const chart = testChart();
  const grafana = new Grafana(chart, 'grafana', { ...props, ...overrides });
  for (const [folder, name, json] of dashboards) grafana.addDashboard(folder, name, json);
  return { grafana, objects: objectsOf(chart) };
}

describe('Grafana', () => {
  it('matches the snapshot of its defaults', () => {
    expect(synth({}, [['Monitoring stack', 'overview', { title: 'Overview', panels: [] }]]).objects).toMatchSnapshot();
  });

  it('runs one SQLite replica as UID 472 on its own claim, replaced with Recreate', () => {
    const { objects } = synth();
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 472, runAsGroup: 472, fsGroup: 472, runAsNonRoot: true });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes.find((v: any) => v.name === 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'grafana-data' } });
    expect(only(objects, 'PersistentVolumeClaim').spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'monitoring-gp3' });
    // Every path Grafana writes is a volume; the root filesystem stays read-only.
    expect(pod.containers[0].volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath)).toEqual(['/var/lib/grafana', '/tmp', '/var/log/grafana']);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
    expect(objects.filter((o) => o.metadata.name === 'grafana-alerting')).toHaveLength(0);
  });

  it('clusters replicas on PostgreSQL: gossip on 9094 TCP and UDP through a headless Service, a PDB, rolling updates', () => {
    const { objects, grafana } = synth({ replicas: 2, database: postgres });
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(deployment.spec.template.spec.containers[0].ports.map((p: any) => `${p.containerPort}/${p.protocol}`)).toEqual(['3000/TCP', '9094/TCP', '9094/UDP']);
    const headless = only(objects, 'Service', 'grafana-alerting');
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(headless.spec.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual(['9094/TCP', '9094/UDP']);
    expect(only(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toHaveLength(0);
    const ini = parseIni(grafana.iniText);
    expect(ini.database).toEqual({ type: 'postgres', host: 'grafana-db.internal:5432', name: 'grafana', user: 'grafana', password: '$__file{/etc/grafana/secrets/database/password}', ssl_mode: 'require' });
    expect(ini.unified_alerting).toMatchObject({ ha_peers: 'grafana-alerting.monitoring.svc:9094', ha_listen_address: '$__env{POD_IP}:9094', ha_advertise_address: '$__env{POD_IP}:9094' });
  });

  it('reads the admin login and the database password from Secret files, never as values', () => {
    const { objects, grafana } = synth({ replicas: 2, database: postgres });
    const ini = parseIni(grafana.iniText);
    expect(ini.security).toMatchObject({ admin_user: '$__file{/etc/grafana/secrets/admin/admin-user}', admin_password: '$__file{/etc/grafana/secrets/admin/admin-password}' });
    const volumes = only(objects, 'Deployment').spec.template.spec.volumes;
    expect(volumes.find((v: any) => v.name === 'admin').secret).toMatchObject({ secretName: 'grafana-admin', items: [{ key: 'admin-user', path: 'admin-user' }, { key: 'admin-password', path: 'admin-password' }] });
    expect(volumes.find((v: any) => v.name === 'database').secret).toMatchObject({ secretName: 'grafana-database' });
    expect(objects.filter((o) => o.kind === 'Secret')).toHaveLength(0);
  });

  it('turns anonymous access and analytics off and sets root_url', () => {
    const ini = parseIni(synth().grafana.iniText);
    expect(ini['auth.anonymous']).toEqual({ enabled: 'false' });
    expect(ini.analytics).toMatchObject({ reporting_enabled: 'false', check_for_updates: 'false' });
    expect(ini.server.root_url).toBe('https://grafana.monitoring.example.com/');
    expect(ini.security.cookie_secure).toBe('true');
  });

  it('provisions each dashboard as its own ConfigMap, mounted under its folder, with one provider per folder', () => {
    const { objects } = synth({}, [
      ['Monitoring stack', 'overview', { title: 'Overview', panels: [] }],
      ['Monitoring stack', 'loki', { title: 'Loki', panels: [] }],
      ['Applications', 'slo', { uid: 'slo-uid', title: 'SLO', panels: [] }],
    ]);
    const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels['monitoring-stack/grafana-dashboard'] === 'true');
    expect(dashboards.map((cm) => [cm.metadata.name, Object.keys(cm.data)])).toEqual([
      ['grafana-dashboard-overview', ['overview.json']],
      ['grafana-dashboard-loki', ['loki.json']],
      ['grafana-dashboard-slo', ['slo.json']],
    ]);
    expect(JSON.parse(dashboards[2].data['slo.json']).uid).toBe('slo-uid');
    expect(JSON.parse(dashboards[0].data['overview.json']).uid).toBe('overview');
    const mounts = only(objects, 'Deployment').spec.template.spec.containers[0].volumeMounts.filter((m: any) => m.name.startsWith('dashboard-') && m.name !== 'dashboard-providers');
    expect(mounts.map((m: any) => m.mountPath)).toEqual(['/etc/grafana/dashboards/monitoring-stack/overview', '/etc/grafana/dashboards/monitoring-stack/loki', '/etc/grafana/dashboards/applications/slo']);
    const providers = parse(only(objects, 'ConfigMap', 'grafana-dashboard-providers').data['dashboards.yaml']).providers;
    expect(providers.map((p: any) => [p.folder, p.options.path])).toEqual([
      ['Monitoring stack', '/etc/grafana/dashboards/monitoring-stack'],
      ['Applications', '/etc/grafana/dashboards/applications'],
    ]);
  });

  it('rolls the pods when any mounted file changes, dashboards included', () => {
    const { objects, grafana } = synth({}, [['Stack', 'overview', { title: 'Overview', panels: [] }]]);
    const configMaps = ['grafana-config', 'grafana-datasources', 'grafana-dashboard-providers', 'grafana-dashboard-overview'].map((name) => Object.values(only(objects, 'ConfigMap', name).data)[0] as string);
    expect(only(objects, 'Deployment').spec.template.metadata.annotations).toEqual(configChecksumAnnotation(...configMaps));
    expect(configMaps[0]).toBe(grafana.iniText);
  });

  it('refuses two replicas on SQLite', () => {
    expect(() => synth({ replicas: 2 })).toThrow("Grafana: 'replicas' is 2 with an SQLite database; SQLite lives on one replica's volume and cannot be shared. Use a 'postgres' database or 1 replica");
  });

  it('refuses a dashboard name twice', () => {
    expect(() => synth({}, [['A', 'same', { panels: [] }], ['B', 'same', { panels: [] }]])).toThrow('Grafana.addDashboard: dashboard "same" is already provisioned (folder "A"); give each dashboard a unique name');
  });

  it('refuses a dashboard too large for a ConfigMap', () => {
    const huge = { panels: [], description: 'x'.repeat(MAX_DASHBOARD_BYTES) };
    expect(() => synth({}, [['A', 'huge', huge]])).toThrow(/Grafana.addDashboard: dashboard "huge" is \d+ bytes of JSON; a ConfigMap must stay under 1 MiB \(at most 996147 bytes here\). Split it into several dashboards/);
  });

  it('refuses a name that cannot name a ConfigMap, and folders that collide', () => {
    expect(() => synth({}, [['A', 'Not_Valid', { panels: [] }]])).toThrow('Grafana.addDashboard: name "Not_Valid" must be lower-case letters, digits and "-", at most 40 characters');
    expect(() => synth({}, [['Team A', 'a', { panels: [] }], ['team-a', 'b', { panels: [] }]])).toThrow('Grafana.addDashboard: folder "team-a" and folder "Team A" would share the directory "team-a"; rename one');
    expect(() => synth({}, [['!!!', 'a', { panels: [] }]])).toThrow('Grafana.addDashboard: folder "!!!" has no letters or digits to name its directory');
  });
});

describe('renderGrafanaDatasources', () => {
  const rendered: any = renderGrafanaDatasources(datasources);
  const byUid = (uid: string) => rendered.datasources.find((d: any) => d.uid === uid);

  it('provisions Prometheus (default), Loki, Jaeger and Alertmanager with stable UIDs', () => {
    expect(rendered.datasources.map((d: any) => [d.uid, d.type, d.url])).toEqual([
      ['prometheus', 'prometheus', 'http://prometheus.monitoring.svc:9090'],
      ['loki', 'loki', 'http://loki.monitoring.svc:3100'],
      ['jaeger', 'jaeger', 'http://jaeger-query.monitoring.svc:16686'],
      ['alertmanager', 'alertmanager', 'http://alertmanager.monitoring.svc:9093'],
    ]);
    expect(rendered.datasources.filter((d: any) => d.isDefault)).toHaveLength(1);
    expect(byUid('alertmanager').jsonData).toEqual({ implementation: 'prometheus', handleGrafanaManagedAlerts: false });
  });

  it('links logs to traces through the trace_id structured metadata, and traces to logs', () => {
    expect(byUid('loki').jsonData.derivedFields[0]).toEqual({ name: 'TraceID', matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: 'jaeger', url: '$${__value.raw}', urlDisplayLabel: 'View trace' });
    expect(new RegExp(byUid('loki').jsonData.derivedFields[1].matcherRegex).exec('msg=done trace_id=4bf92f3577b34da6')?.[1]).toBe('4bf92f3577b34da6');
    expect(byUid('jaeger').jsonData.tracesToLogsV2).toMatchObject({ datasourceUid: 'loki', query: '{cluster="dev"} | trace_id="$${__trace.traceId}"' });
    expect(byUid('prometheus').jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'jaeger', urlDisplayLabel: 'View trace' }]);
  });

  it('reads through Thanos Query when told to', () => {
    const thanos: any = renderGrafanaDatasources({ ...datasources, prometheus: { url: 'http://thanos-query.monitoring.svc:10902', flavour: 'thanos', scrapeInterval: '15s' } });
    expect(thanos.datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://thanos-query.monitoring.svc:10902', jsonData: { prometheusType: 'Thanos', timeInterval: '15s' } });
  });
});

describe('grafana.ini and dashboard providers', () => {
  it('writes and reads back INI sections', () => {
    const text = toIni({ a: { x: 1, y: true, skipped: undefined }, 'b.c': { z: 'v = w' } });
    expect(text).toBe('[a]\nx = 1\ny = true\n\n[b.c]\nz = v = w\n');
    expect(parseIni(text)).toEqual({ a: { x: '1', y: 'true' }, 'b.c': { z: 'v = w' } });
    expect(() => toIni({ a: { x: 'two\nlines' } })).toThrow('INI [a] x: a value cannot span lines');
    expect(() => parseIni('[a]\nno equals sign')).toThrow('INI line "no equals sign" is neither a [section] nor key = value');
  });

  it('leaves the alerting cluster out for a single replica', () => {
    const ini = parseIni(grafanaIniText({ rootUrl: 'http://grafana.local/', httpPort: 3000, adminUserFile: '/a/u', adminPasswordFile: '/a/p', database: { type: 'sqlite' } }));
    expect(ini.unified_alerting).toEqual({ enabled: 'true' });
    expect(ini.database).toEqual({ type: 'sqlite3', path: 'grafana.db', wal: 'true' });
    expect(ini.security.cookie_secure).toBe('false');
  });

  it('slugs folder titles and refuses UI edits of provisioned dashboards', () => {
    expect(folderSlug('Monitoring stack / SLOs')).toBe('monitoring-stack-slos');
    expect(renderDashboardProviders([{ title: 'A', slug: 'a' }])).toEqual({
      apiVersion: 1,
      providers: [{ name: 'a', orgId: 1, folder: 'A', folderUid: 'a', type: 'file', disableDeletion: true, allowUiUpdates: false, updateIntervalSeconds: 60, options: { path: '/etc/grafana/dashboards/a', foldersFromFilesStructure: false } }],
    });
  });
});
