import { renderPrometheusConfig, type PrometheusConfigSettings } from '../../../constructs/k8s/prometheus-config';

const settings: PrometheusConfigSettings = {
  clusterName: 'c1',
  environment: 'prod',
  scrapeInterval: '15s',
  scrapeTimeout: '10s',
  evaluationInterval: '15s',
  externalLabels: { region: 'eu-west-1' },
  ruleFilesGlob: '/etc/prometheus/rules/*.rules.yml',
  kubeletTlsVerify: false,
  alertmanager: { namespace: 'monitoring', appName: 'alertmanager', portName: 'web' },
  nodeExporter: { namespace: 'node-exporter', appName: 'node-exporter', portName: 'metrics' },
  podTargets: [
    { job: 'pushgateway', appName: 'pushgateway', namespace: 'monitoring', portName: 'web', honorLabels: true },
    { job: 'prometheus', appName: 'prometheus', namespace: 'monitoring', portName: 'web' },
  ],
};

const config: any = renderPrometheusConfig(settings);
const job = (name: string) => config.scrape_configs.find((j: any) => j.job_name === name);

describe('renderPrometheusConfig', () => {
  it('sets intervals and external labels, the stack\'s own last', () => {
    expect(config.global).toEqual({
      scrape_interval: '15s',
      scrape_timeout: '10s',
      evaluation_interval: '15s',
      external_labels: { region: 'eu-west-1', cluster: 'c1', environment: 'prod', replica: '${POD_NAME}' },
    });
  });

  it('drops the replica label from alerts and discovers every Alertmanager pod', () => {
    expect(config.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'replica' }]);
    const am = config.alerting.alertmanagers[0];
    expect(am.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['monitoring'] } }]);
    expect(am.relabel_configs).toEqual(expect.arrayContaining([{ action: 'keep', source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'alertmanager' }]));
  });

  it('has the cluster jobs and no managed control-plane jobs', () => {
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual([
      'pushgateway',
      'prometheus',
      'apiserver',
      'kubelet',
      'cadvisor',
      'node-exporter',
      'kubernetes-pods',
      'kubernetes-service-endpoints',
    ]);
    expect(JSON.stringify(config)).not.toMatch(/scheduler|controller-manager|etcd/);
  });

  it('honours pushed labels on the Pushgateway only', () => {
    expect(job('pushgateway').honor_labels).toBe(true);
    expect(job('prometheus').honor_labels).toBeUndefined();
  });

  it('scrapes the kubelet and cAdvisor directly with the service account token', () => {
    expect(job('cadvisor')).toMatchObject({
      scheme: 'https',
      metrics_path: '/metrics/cadvisor',
      authorization: { credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      tls_config: { insecure_skip_verify: true },
      kubernetes_sd_configs: [{ role: 'node' }],
    });
    expect((renderPrometheusConfig({ ...settings, kubeletTlsVerify: true }) as any).scrape_configs.find((j: any) => j.job_name === 'kubelet').tls_config.insecure_skip_verify).toBe(false);
  });

  it('turns prometheus.io annotations into the scrape address, path and scheme', () => {
    const relabels = job('kubernetes-pods').relabel_configs;
    expect(relabels[0]).toEqual({ action: 'keep', source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true' });
    const address = relabels.find((r: any) => r.target_label === '__address__');
    const rewrite = (value: string) => value.replace(new RegExp(`^(?:${address.regex.replace('(?::\\d+)?', '(?::\\d+)?')})$`), address.replacement.replace(/\$(\d)/g, '$$$1'));
    expect(rewrite('10.1.2.3:8080;9102')).toBe('10.1.2.3:9102');
    expect(rewrite('10.1.2.3;9102')).toBe('10.1.2.3:9102');
    expect(relabels.find((r: any) => r.target_label === '__metrics_path__').source_labels).toEqual(['__meta_kubernetes_pod_annotation_prometheus_io_path']);
  });
});
