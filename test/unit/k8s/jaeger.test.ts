import { parse } from 'yaml';
import { Jaeger, type JaegerProps } from '../../../constructs/k8s/jaeger';
import { type JaegerConfigSettings, renderJaegerConfig } from '../../../constructs/k8s/jaeger-config';
import { checkJaegerConfig } from '../../../scripts/lib/jaeger-config-check';
import { objectsOf, only, testChart } from './harness';

const props: JaegerProps = { namespace: 'monitoring', image: 'docker.io/jaegertracing/jaeger:2.20.0', storage: { type: 'badger', storageClassName: 'monitoring-gp3' } };
const opensearch: JaegerProps['storage'] = {
  type: 'opensearch',
  urls: ['https://search.internal:443'],
  credentialsSecret: { name: 'jaeger-elasticsearch', usernameKey: 'username', passwordKey: 'password' },
  retentionDays: 7,
  cleaner: { image: 'docker.io/jaegertracing/jaeger-es-index-cleaner:2.20.0' },
};

function synth(overrides: Partial<JaegerProps> = {}) {
  const chart = testChart();
  const jaeger = new Jaeger(chart, 'jaeger', { ...props, ...overrides });
  return { jaeger, objects: objectsOf(chart) };
}

describe('Jaeger', () => {
  it('matches the snapshot of its defaults', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  it('runs both roles in one pod on Badger, on its own volume, behind the collector and query Services', () => {
    const { objects, jaeger } = synth();
    const sts = only(objects, 'StatefulSet');
    expect(sts.metadata.name).toBe('jaeger');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
    const container = sts.spec.template.spec.containers[0];
    expect(container.args).toEqual(['--config=/etc/jaeger/jaeger.yaml']);
    expect(container.ports.map((p: any) => `${p.name}:${p.containerPort}`)).toEqual(['otlp-grpc:4317', 'otlp-http:4318', 'query:16686', 'metrics:8888']);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/status', port: 13133 });
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 10001, runAsNonRoot: true });
    const config = parse(jaeger.configs.jaeger);
    expect(config.extensions.jaeger_storage.backends.traces.badger).toEqual({ directories: { keys: '/badger/keys', values: '/badger/values' }, ephemeral: false, ttl: { spans: '72h' } });
    expect(only(objects, 'Service', 'jaeger-collector').spec.selector).toEqual(only(objects, 'Service', 'jaeger-query').spec.selector);
    expect(objects.filter((o) => o.kind === 'CronJob')).toHaveLength(0);
  });

  it('splits collectors and query on OpenSearch, with credentials from a Secret and a PDB for the collectors', () => {
    const { objects, jaeger } = synth({ storage: opensearch, collectorReplicas: 2 });
    const collector = only(objects, 'Deployment', 'jaeger-collector');
    const query = only(objects, 'Deployment', 'jaeger-query');
    expect(collector.spec.replicas).toBe(2);
    expect(query.spec.replicas).toBe(1);
    expect(collector.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([4317, 4318, 8888]);
    expect(query.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([16686, 8888]);
    expect(collector.spec.template.spec.containers[0].env).toEqual([
      { name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: 'jaeger-elasticsearch', key: 'username' } } },
      { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'jaeger-elasticsearch', key: 'password' } } },
    ]);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['jaeger-collector']);
    const backend = parse(jaeger.configs['jaeger-collector']).extensions.jaeger_storage.backends.traces.opensearch;
    expect(backend.auth.basic).toEqual({ username: '${env:ES_USERNAME}', password: '${env:ES_PASSWORD}' });
    expect(only(objects, 'Service', 'jaeger-collector').spec.selector).toEqual({ 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': 'jaeger-collector' });
    expect(only(objects, 'Service', 'jaeger-query').spec.selector).toEqual({ 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': 'jaeger-query' });
  });

  it('gives each replicated role its own disruption budget', () => {
    const { objects } = synth({ storage: opensearch, collectorReplicas: 3, queryReplicas: 2 });
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => [o.metadata.name, o.spec.selector.matchLabels['app.kubernetes.io/instance']])).toEqual([
      ['jaeger-collector', 'jaeger-collector'],
      ['jaeger-query', 'jaeger-query'],
    ]);
  });

  it('deletes indices past retention with a restricted CronJob', () => {
    const cron = only(synth({ storage: opensearch }).objects, 'CronJob');
    expect(cron.spec).toMatchObject({ schedule: '55 23 * * *', concurrencyPolicy: 'Forbid' });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0].args).toEqual(['7', 'https://search.internal:443']);
    expect(pod.containers[0].env.map((e: any) => e.name)).toEqual(['ES_USERNAME', 'ES_PASSWORD', 'ES_INDEX_PREFIX']);
    expect(pod.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it.each([
    [{ collectorReplicas: 2 }, "Jaeger: 'collectorReplicas' is 2 with Badger storage, which one process opens at a time; use Elasticsearch/OpenSearch or 1 replica"],
    [{ queryReplicas: 2 }, "Jaeger: 'queryReplicas' is 2 with Badger storage; query runs in the single Badger pod"],
  ])('refuses %j', (overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });
});

describe('renderJaegerConfig and the Jaeger v2 structural check', () => {
  const badger: JaegerConfigSettings = { role: 'all-in-one', serviceName: 'jaeger', storage: { type: 'badger', directory: '/badger', ttl: '72h' } };
  const search: JaegerConfigSettings['storage'] = { type: 'elasticsearch', urls: ['https://es.internal:9200'], indexPrefix: 'jaeger', shards: 3, replicas: 1 };
  const doc = (s: JaegerConfigSettings = badger): any => structuredClone(renderJaegerConfig(s));

  it('renders each role so that it passes the check', () => {
    expect(checkJaegerConfig(doc())).toEqual([]);
    expect(checkJaegerConfig(doc({ role: 'collector', serviceName: 'jaeger-collector', storage: search }))).toEqual([]);
    expect(checkJaegerConfig(doc({ role: 'query', serviceName: 'jaeger-query', storage: search }))).toEqual([]);
  });

  it('gives the collector OTLP and no UI, the query the UI and no receiver', () => {
    const collector = doc({ role: 'collector', serviceName: 'jaeger-collector', storage: search });
    expect(collector.service.extensions).toEqual(['jaeger_storage', 'healthcheckv2']);
    expect(collector.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
    expect(collector.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['jaeger_storage_exporter'] });
    const query = doc({ role: 'query', serviceName: 'jaeger-query', storage: search });
    expect(query.extensions.jaeger_query).toEqual({ storage: { traces: 'traces' }, http: { endpoint: '0.0.0.0:16686' }, grpc: { endpoint: '127.0.0.1:16685' } });
    expect(query.service.pipelines.traces).toEqual({ receivers: ['nop'], processors: ['batch'], exporters: ['nop'] });
    expect(query.service.telemetry.metrics.readers).toEqual([{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }]);
  });

  it('refuses Badger outside the all-in-one role', () => {
    expect(() => renderJaegerConfig({ ...badger, role: 'collector' })).toThrow('renderJaegerConfig: Badger storage needs the all-in-one role (collector and query in one process), not "collector"');
  });

  it.each<[string, (d: any) => void, string]>([
    ['an unknown top-level section', (d) => (d.pipelines = {}), 'pipelines: unknown key'],
    ['a component the distribution lacks', (d) => (d.processors.k8sattributes = {}), 'processors.k8sattributes: "k8sattributes" is not a processor of the Jaeger distribution'],
    ['an extension not enabled', (d) => (d.service.extensions = ['jaeger_storage', 'jaeger_query']), 'extensions.healthcheckv2: defined but not enabled in service.extensions'],
    ['an undefined receiver in a pipeline', (d) => (d.service.pipelines.traces.receivers = ['zipkin']), 'service.pipelines.traces.receivers: "zipkin" is not defined under receivers'],
    ['a storage name that is no backend', (d) => (d.exporters.jaeger_storage_exporter.trace_storage = 'main'), 'exporters.jaeger_storage_exporter.trace_storage: "main" is not a backend of jaeger_storage (have: traces)'],
    ['query on another backend', (d) => (d.extensions.jaeger_query.storage.traces = 'other'), 'extensions.jaeger_query.storage.traces: "other" is not a backend of jaeger_storage'],
    ['ephemeral Badger', (d) => (d.extensions.jaeger_storage.backends.traces.badger.ephemeral = true), 'badger.ephemeral: must be false'],
    ['a Badger TTL in days', (d) => (d.extensions.jaeger_storage.backends.traces.badger.ttl.spans = '3d'), '"3d" is not a Go duration'],
    ['an endpoint without a port', (d) => (d.receivers.otlp.protocols.grpc.endpoint = '0.0.0.0'), 'receivers.otlp.protocols.grpc.endpoint: "0.0.0.0" is not host:port'],
    ['a misspelt backend setting', (d) => (d.extensions.jaeger_storage.backends.traces.badger.directory_key = '/x'), 'badger.directory_key: unknown key'],
  ])('catches %s', (_what, mutate, expected) => {
    const d = doc();
    mutate(d);
    expect(checkJaegerConfig(d).join('\n')).toContain(expected);
  });

  it('catches a password written as a value', () => {
    const d = doc({ role: 'collector', serviceName: 'c', storage: search });
    d.extensions.jaeger_storage.backends.traces.elasticsearch.auth.basic.password = 'hunter2';
    expect(checkJaegerConfig(d)).toEqual(['extensions.jaeger_storage.backends.traces: the password is a value; use ${env:VAR} from a Secret or password_file']);
  });
});
