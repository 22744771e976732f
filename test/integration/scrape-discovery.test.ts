/**
 * The rendered scrape and alerting configuration, run by a real Prometheus
 * against a fake Kubernetes API holding a known set of pods, nodes and
 * endpoints: proves the relabelling finds what it should, on the right
 * addresses and with the right labels, and drops what it should.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { findObject, synthProfile } from '../helpers/synth';
import { startFakeKubeApi, node, pod, type FakeKubeApi } from '../helpers/fake-kube-api';
import { eventually, getJson, type RunningServer, startPrometheus, tempDir } from '../helpers/processes';

jest.setTimeout(60_000);

const named = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name });

const cluster = {
  nodes: [node('node-a', '10.0.1.5'), node('node-b', '10.0.1.6')],
  pods: [
    pod({ name: 'prometheus-0', namespace: 'monitoring', ip: '10.0.2.10', labels: named('prometheus'), ports: [{ name: 'web', containerPort: 9090 }] }),
    pod({ name: 'alertmanager-0', namespace: 'monitoring', ip: '10.0.2.20', labels: named('alertmanager'), ports: [{ name: 'web', containerPort: 9093 }, { name: 'cluster-tcp', containerPort: 9094 }] }),
    pod({ name: 'alertmanager-1', namespace: 'monitoring', ip: '10.0.2.21', node: 'node-b', labels: named('alertmanager'), ports: [{ name: 'web', containerPort: 9093 }] }),
    pod({ name: 'alertmanager-2', namespace: 'monitoring', ip: '10.0.2.22', phase: 'Pending', labels: named('alertmanager'), ports: [{ name: 'web', containerPort: 9093 }] }),
    pod({ name: 'pushgateway-0', namespace: 'monitoring', ip: '10.0.2.30', labels: named('pushgateway'), ports: [{ name: 'web', containerPort: 9091 }] }),
    pod({ name: 'kube-state-metrics-5d9f', namespace: 'monitoring', ip: '10.0.2.40', labels: named('kube-state-metrics'), ports: [{ name: 'http-metrics', containerPort: 8080 }, { name: 'telemetry', containerPort: 8081 }] }),
    pod({ name: 'node-exporter-x1', namespace: 'monitoring-node-exporter', ip: '10.0.1.5', labels: named('node-exporter'), ports: [{ name: 'metrics', containerPort: 9100 }] }),
    // Applications: annotated with a port and path; annotated using its declared port; annotated without any port; not annotated; finished.
    pod({ name: 'web-1', namespace: 'shop', ip: '10.0.3.10', labels: { 'app.kubernetes.io/name': 'web' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102', 'prometheus.io/path': '/custom' }, ports: [{ name: 'http', containerPort: 8080 }] }),
    pod({ name: 'api-1', namespace: 'shop', ip: '10.0.3.11', labels: { app: 'api' }, annotations: { 'prometheus.io/scrape': 'true' }, ports: [{ name: 'http', containerPort: 8080 }] }),
    pod({ name: 'worker-1', namespace: 'shop', ip: '10.0.3.12', annotations: { 'prometheus.io/scrape': 'true' } }),
    pod({ name: 'quiet-1', namespace: 'shop', ip: '10.0.3.13', ports: [{ name: 'http', containerPort: 8080 }] }),
    pod({ name: 'batch-1', namespace: 'shop', ip: '10.0.3.14', phase: 'Succeeded', annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9000' } }),
  ],
  services: [
    { metadata: { name: 'kubernetes', namespace: 'default' }, spec: { ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } },
    { metadata: { name: 'orders', namespace: 'shop', annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9200' } }, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
  ],
  endpoints: [
    { metadata: { name: 'kubernetes', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.100' }, { ip: '10.0.0.101' }], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }] },
    { metadata: { name: 'orders', namespace: 'shop' }, subsets: [{ addresses: [{ ip: '10.0.3.20', targetRef: { kind: 'Pod', name: 'orders-1', namespace: 'shop' } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] },
  ],
};

interface Target {
  job: string;
  url: string;
  labels: Record<string, string>;
}

/**
 * A stand-in for the pod's service-account mount: Prometheus refuses to
 * create a scrape pool whose token or CA file it cannot read.
 */
function serviceAccountDir(): string {
  const dir = tempDir('serviceaccount');
  writeFileSync(join(dir, 'token'), 'test-token');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=test-ca', '-days', '1', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt')], { stdio: 'ignore' });
  return dir;
}

describe('scrape discovery and relabelling of the rendered prometheus.yml', () => {
  const saDir = serviceAccountDir();
  let api: FakeKubeApi;
  let prometheus: RunningServer;
  let targets: Target[];

  beforeAll(async () => {
    api = await startFakeKubeApi(cluster);
    const rendered: string = findObject(synthProfile('default'), 'ConfigMap', 'prometheus-config').data['prometheus.yml'];
    // The only edits: the service-account files and every discovery point at the test's stand-ins.
    const config = parse(rendered.replaceAll('/var/run/secrets/kubernetes.io/serviceaccount', saDir));
    const pointAtFake = (sd: Record<string, unknown>) => ({ ...sd, api_server: api.url });
    for (const job of config.scrape_configs) job.kubernetes_sd_configs = job.kubernetes_sd_configs.map(pointAtFake);
    for (const group of config.alerting.alertmanagers) group.kubernetes_sd_configs = group.kubernetes_sd_configs.map(pointAtFake);
    config.rule_files = [];
    prometheus = await startPrometheus({ config: stringify(config), env: { POD_NAME: 'prometheus-0' }, args: ['--enable-feature=expand-external-labels'] });
    targets = await eventually('discovery of the application pods', async () => {
      const active: Array<{ scrapePool: string; scrapeUrl: string; labels: Record<string, string> }> = (await getJson(`${prometheus.url}/api/v1/targets?state=active`)).data.activeTargets;
      return active.some((t) => t.scrapePool === 'kubernetes-pods') && active.some((t) => t.scrapePool === 'kubernetes-service-endpoints')
        ? active.map((t) => ({ job: t.scrapePool, url: t.scrapeUrl, labels: t.labels }))
        : undefined;
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await api?.stop();
    rmSync(saDir, { recursive: true, force: true });
  });

  const urlsOf = (job: string) => targets.filter((t) => t.job === job).map((t) => t.url).sort();

  it('scrapes the stack by its named ports, running pods only', () => {
    expect(urlsOf('prometheus')).toEqual(['http://10.0.2.10:9090/metrics']);
    expect(urlsOf('alertmanager')).toEqual(['http://10.0.2.20:9093/metrics', 'http://10.0.2.21:9093/metrics']);
    expect(urlsOf('pushgateway')).toEqual(['http://10.0.2.30:9091/metrics']);
    expect(urlsOf('kube-state-metrics')).toEqual(['http://10.0.2.40:8080/metrics']);
  });

  it('labels stack targets with namespace, pod, node and service', () => {
    const am = targets.find((t) => t.url === 'http://10.0.2.21:9093/metrics')!;
    expect(am.labels).toMatchObject({ job: 'alertmanager', namespace: 'monitoring', pod: 'alertmanager-1', node: 'node-b', service: 'alertmanager' });
  });

  it('scrapes node-exporter pods on the node address, named by node', () => {
    const [target] = targets.filter((t) => t.job === 'node-exporter');
    expect(target).toMatchObject({ url: 'http://10.0.1.5:9100/metrics', labels: { instance: 'node-a', node: 'node-a', service: 'node-exporter' } });
  });

  it('scrapes every kubelet and cAdvisor over https on the kubelet port', () => {
    expect(urlsOf('kubelet')).toEqual(['https://10.0.1.5:10250/metrics', 'https://10.0.1.6:10250/metrics']);
    expect(urlsOf('cadvisor')).toEqual(['https://10.0.1.5:10250/metrics/cadvisor', 'https://10.0.1.6:10250/metrics/cadvisor']);
    expect(targets.find((t) => t.url === 'https://10.0.1.6:10250/metrics')!.labels).toMatchObject({ instance: 'node-b', node: 'node-b', service: 'kubelet' });
  });

  it('scrapes every API server endpoint', () => {
    expect(urlsOf('apiserver')).toEqual(['https://10.0.0.100:443/metrics', 'https://10.0.0.101:443/metrics']);
  });

  it('turns annotations into the address and path, and drops pods it cannot address', () => {
    expect(urlsOf('kubernetes-pods')).toEqual(['http://10.0.3.10:9102/custom', 'http://10.0.3.11:8080/metrics']);
    const web = targets.find((t) => t.url === 'http://10.0.3.10:9102/custom')!;
    expect(web.labels).toMatchObject({ namespace: 'shop', pod: 'web-1', service: 'web' });
    expect(targets.find((t) => t.url === 'http://10.0.3.11:8080/metrics')!.labels.service).toBe('api');
  });

  it('scrapes annotated services on the annotated port', () => {
    const [orders] = targets.filter((t) => t.job === 'kubernetes-service-endpoints');
    expect(orders).toMatchObject({ url: 'http://10.0.3.20:9200/metrics', labels: { namespace: 'shop', service: 'orders' } });
  });

  it('sends alerts to every running Alertmanager pod directly', async () => {
    const managers = await eventually('Alertmanager discovery', async () => {
      const active: Array<{ url: string }> = (await getJson(`${prometheus.url}/api/v1/alertmanagers`)).data.activeAlertmanagers;
      return active.length > 0 ? active.map((a) => a.url).sort() : undefined;
    });
    expect(managers).toEqual(['http://10.0.2.20:9093/api/v2/alerts', 'http://10.0.2.21:9093/api/v2/alerts']);
  });
});
