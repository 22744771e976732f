import { parse } from 'yaml';
import { Prometheus, type PrometheusProps } from '../../../constructs/k8s/prometheus';
import { objectsOf, only, testChart } from './harness';

const props: PrometheusProps = {
  namespace: 'monitoring',
  image: 'quay.io/prometheus/prometheus:v3.5.0',
  storageClassName: 'monitoring-gp3',
  ruleFiles: { 'a.rules.yml': 'groups: []\n' },
  config: {
    clusterName: 'c1',
    environment: 'dev',
    scrapeInterval: '30s',
    scrapeTimeout: '10s',
    evaluationInterval: '30s',
    kubeletTlsVerify: false,
    alertmanager: { namespace: 'monitoring', appName: 'alertmanager', portName: 'web' },
    nodeExporter: { namespace: 'node-exporter', appName: 'node-exporter', portName: 'metrics' },
    podTargets: [{ job: 'prometheus', appName: 'prometheus', namespace: 'monitoring', portName: 'web' }],
  },
};

function synth(overrides: Partial<PrometheusProps> = {}) {
  const chart = testChart();
  const prometheus = new Prometheus(chart, 'prometheus', { ...props, ...overrides });
  return { prometheus, objects: objectsOf(chart) };
}

describe('Prometheus', () => {
  it('matches the snapshot of its defaults', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  it('is a StatefulSet of 2 with a volume per replica, retention by time and 85% of the volume', () => {
    const { objects } = synth({ storageSize: '100Gi', retentionTime: '30d' });
    const sts = only(objects, 'StatefulSet', 'prometheus');
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.serviceName).toBe('prometheus-headless');
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'monitoring-gp3', resources: { requests: { storage: '100Gi' } } });
    const args: string[] = sts.spec.template.spec.containers[0].args;
    expect(args).toContain('--storage.tsdb.retention.time=30d');
    expect(args).toContain('--storage.tsdb.retention.size=85GB');
  });

  it('gives each pod its name as the replica external label', () => {
    const { objects, prometheus } = synth();
    const container = only(objects, 'StatefulSet').spec.template.spec.containers[0];
    expect(container.env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    expect(parse(prometheus.configYaml).global.external_labels).toEqual({ cluster: 'c1', environment: 'dev', replica: '${POD_NAME}' });
  });

  it('has a headless Service and a ClientIP-affine client Service', () => {
    const { objects } = synth();
    expect(only(objects, 'Service', 'prometheus-headless').spec.clusterIP).toBe('None');
    expect(only(objects, 'Service', 'prometheus').spec).toMatchObject({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } });
  });

  it('rolls its pods when the configuration or the rules change', () => {
    const annotation = (o: any[]) => only(o, 'StatefulSet').spec.template.metadata.annotations['checksum/config'];
    const base = annotation(synth().objects);
    expect(annotation(synth({ ruleFiles: { 'a.rules.yml': 'groups: [{name: x, rules: []}]\n' } }).objects)).not.toBe(base);
    expect(annotation(synth({ config: { ...props.config, scrapeInterval: '15s' } }).objects)).not.toBe(base);
    expect(annotation(synth().objects)).toBe(base);
  });

  it('can read the API for discovery, and nothing else', () => {
    const { objects } = synth();
    const role = only(objects, 'ClusterRole', 'monitoring-prometheus');
    expect(role.rules.flatMap((r: any) => r.verbs)).not.toEqual(expect.arrayContaining(['create', 'update', 'delete', 'patch']));
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }]);
  });

  it('has a disruption budget only when replicated', () => {
    expect(only(synth().objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(synth({ replicas: 1 }).objects.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
  });

  it('refuses a retention size above 85% of the volume', () => {
    expect(() => synth({ storageSize: '10Gi', retentionSize: '9GB' })).toThrow("Prometheus: 'retentionSize' (9GB) exceeds 85% of 'storageSize' (10Gi); compaction needs free space");
  });

  it('refuses rule files the glob would not load', () => {
    expect(() => synth({ ruleFiles: { 'alerts.yaml': '' } })).toThrow('rule file "alerts.yaml" must be named *.rules.yml');
  });
});
