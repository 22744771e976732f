import { parse } from 'yaml';
import { LOKI_SERVICE_ACCOUNT } from '../../../config/loki-names';
import { Loki, type LokiProps } from '../../../constructs/k8s/loki';
import { type LokiConfigSettings, renderLokiConfig } from '../../../constructs/k8s/loki-config';
import { checkLokiConfig } from '../../../scripts/lib/loki-config-check';
import { objectsOf, only, testChart } from './harness';

const props: LokiProps = { namespace: 'monitoring', image: 'docker.io/grafana/loki:3.5.5', storageClassName: 'monitoring-gp3', storage: { type: 'filesystem' } };
const s3: LokiProps['storage'] = {
  type: 's3',
  bucket: 'prod-loki-123456789012',
  region: 'eu-west-1',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/monitoring',
  roleArn: 'arn:aws:iam::123456789012:role/prod-loki',
};
const ha: Partial<LokiProps> = { replicas: 3, replicationFactor: 3, storage: s3 };

function synth(overrides: Partial<LokiProps> = {}) {
  const chart = testChart();
  const loki = new Loki(chart, 'loki', { ...props, ...overrides });
  return { loki, objects: objectsOf(chart), config: parse(loki.configYaml) };
}

describe('Loki', () => {
  it('matches the snapshot of its defaults', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  it('runs one replica on its volume: filesystem chunks, in-memory ring, no memberlist', () => {
    const { objects, config } = synth();
    const sts = only(objects, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } });
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(sts.spec.template.spec.containers[0].args).toEqual(['-config.file=/etc/loki/loki.yaml', '-target=all']);
    expect(config.common).toMatchObject({ replication_factor: 1, ring: { kvstore: { store: 'inmemory' } }, storage: { filesystem: { chunks_directory: '/var/loki/chunks' } } });
    expect(config.memberlist).toBeUndefined();
    expect(objects.filter((o) => o.metadata.name === 'loki-memberlist')).toHaveLength(0);
    expect(only(objects, 'ServiceAccount').metadata.annotations).toBeUndefined();
  });

  it('keeps TSDB schema v13, retention by the compactor and the default limits', () => {
    const { config } = synth();
    expect(config.schema_config.configs).toEqual([{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }]);
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 'filesystem' });
    expect(config.limits_config).toMatchObject({ retention_period: '720h', ingestion_rate_mb: 4, ingestion_burst_size_mb: 6, split_queries_by_interval: '30m', allow_structured_metadata: true });
    expect(config.analytics).toEqual({ reporting_enabled: false });
  });

  it('is HA on S3: IRSA role, SSE-KMS, memberlist ring through a headless Service, replication factor 3, a PDB', () => {
    const { objects, config, loki } = synth({ ...ha, limits: { ingestionRateMB: 10, ingestionBurstSizeMB: 20, splitQueriesByInterval: '15m', maxQueryParallelism: 32 } });
    expect(only(objects, 'ServiceAccount').metadata).toMatchObject({ name: LOKI_SERVICE_ACCOUNT, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/prod-loki' } });
    expect(config.common.storage).toEqual({
      s3: { bucketnames: 'prod-loki-123456789012', region: 'eu-west-1', s3forcepathstyle: false, insecure: false, sse: { type: 'SSE-KMS', kms_key_id: 'arn:aws:kms:eu-west-1:123456789012:alias/monitoring' } },
    });
    expect(config.common).toMatchObject({ replication_factor: 3, ring: { kvstore: { store: 'memberlist' } } });
    expect(config.memberlist.join_members).toEqual(['dns+loki-memberlist.monitoring.svc:7946']);
    expect(config.schema_config.configs[0].object_store).toBe('s3');
    expect(config.compactor.delete_request_store).toBe('s3');
    expect(config.limits_config).toMatchObject({ ingestion_rate_mb: 10, ingestion_burst_size_mb: 20, split_queries_by_interval: '15m' });
    expect(config.query_range).toEqual({ cache_results: true, results_cache: { cache: { embedded_cache: { enabled: true, max_size_mb: 100 } } } });
    expect(only(objects, 'Service', 'loki-memberlist').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'memberlist', port: 7946, protocol: 'TCP' }] });
    expect(only(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(only(objects, 'StatefulSet').spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(loki.memberlistPort).toBe(7946);
    // The AWS side names the ServiceAccount its IRSA role trusts from config/loki-names.ts.
    expect(Loki.NAME).toBe(LOKI_SERVICE_ACCOUNT);
    expect(loki.configYaml).not.toMatch(/access_key|secret_access_key/);
  });

  it.each([
    [{ replicas: 3, replicationFactor: 3 }, "Loki: 'replicas' is 3 with filesystem storage; each replica would hold only the chunks it wrote. Use S3 storage or 1 replica"],
    [{ replicas: 2, replicationFactor: 3, storage: s3 }, "Loki: 'replicationFactor' (3) exceeds 'replicas' (2); the ring cannot place that many copies, so every push would fail"],
  ])('refuses %j', (overrides, message) => {
    expect(() => synth(overrides as Partial<LokiProps>)).toThrow(message);
  });
});

describe('renderLokiConfig and the Loki 3.5 structural check', () => {
  const settings: LokiConfigSettings = {
    storage: { type: 'filesystem' },
    replicationFactor: 1,
    schemaFrom: '2024-04-01',
    retentionDays: 30,
    ingestionRateMB: 4,
    ingestionBurstSizeMB: 6,
    splitQueriesByInterval: '30m',
    maxQueryParallelism: 32,
    resultsCache: { enabled: true, maxSizeMB: 100 },
    compactorAddress: 'http://loki.monitoring.svc:3100',
  };
  const clustered: LokiConfigSettings = { ...settings, replicationFactor: 3, memberlistJoin: ['dns+loki-memberlist.monitoring.svc:7946'], storage: { type: 's3', bucket: 'b-loki', region: 'eu-west-1', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' } };
  const doc = (s: LokiConfigSettings = settings): any => structuredClone(renderLokiConfig(s));

  it('renders documents that pass the check, single and clustered', () => {
    expect(checkLokiConfig(doc())).toEqual([]);
    expect(checkLokiConfig(doc(clustered))).toEqual([]);
  });

  it('refuses to render a replication factor without a ring', () => {
    expect(() => renderLokiConfig({ ...settings, replicationFactor: 3 })).toThrow('renderLokiConfig: replication factor 3 needs memberlist peers to form a ring');
  });

  it('turns the results cache off when told', () => {
    expect(doc({ ...settings, resultsCache: { enabled: false, maxSizeMB: 1 } }).query_range).toEqual({ cache_results: false });
  });

  it.each<[string, (d: any) => void, string]>([
    ['an unknown top-level block', (d) => (d.limits = {}), 'limits: unknown key'],
    ['an unknown key in a rendered block', (d) => (d.compactor.shared_store = 'filesystem'), 'compactor.shared_store: unknown key'],
    ['a wrong type', (d) => (d.server.http_listen_port = '3100'), 'server.http_listen_port: expected an integer, got "3100"'],
    ['a Go duration with days', (d) => (d.compactor.compaction_interval = '1d'), 'compactor.compaction_interval: "1d" is not a Go duration'],
    ['an old schema', (d) => (d.schema_config.configs[0].schema = 'v12'), 'the latest period is tsdb v12; Loki 3 needs tsdb with schema v13'],
    ['retention without a delete-request store', (d) => delete d.compactor.delete_request_store, 'compactor.delete_request_store: required when retention_enabled is true'],
    ['retention that is not whole days', (d) => (d.limits_config.retention_period = '36h'), 'limits_config.retention_period: 36h; retention works on whole 24h index tables'],
    ['a retention period that nothing applies', (d) => (d.compactor.retention_enabled = false), 'limits_config.retention_period: has no effect unless compactor.retention_enabled is true'],
    ['a burst smaller than the rate', (d) => (d.limits_config.ingestion_burst_size_mb = 2), 'limits_config.ingestion_burst_size_mb: smaller than ingestion_rate_mb'],
    ['replication without a shared ring', (d) => (d.common.replication_factor = 3), 'common.ring.kvstore.store: replication_factor 3 needs a shared ring (memberlist), not inmemory'],
    ['a schema store that is not configured', (d) => (d.schema_config.configs[0].object_store = 's3'), 'schema_config.configs: object_store "s3" is not configured in common.storage'],
    ['a cache that does not exist', (d) => (d.query_range.results_cache.cache.embedded_cache.enabled = false), 'query_range.results_cache.cache: cache_results is true but no cache backend is enabled'],
  ])('catches %s', (_what, mutate, expected) => {
    const d = doc();
    mutate(d);
    expect(checkLokiConfig(d).join('\n')).toContain(expected);
  });

  it.each<[string, (d: any) => void, string]>([
    ['static S3 keys', (d) => (d.common.storage.s3.secret_access_key = 'x'), "common.storage.s3: static credentials; use the pod's IRSA role"],
    ['S3 without SSE-KMS', (d) => delete d.common.storage.s3.sse, 'common.storage.s3.sse: objects must be encrypted with SSE-KMS and a key'],
    ['a memberlist ring with no one to join', (d) => (d.memberlist.join_members = []), 'memberlist.join_members: needs at least 1 item(s)'],
    ['two object stores', (d) => (d.common.storage.filesystem = { chunks_directory: '/var/loki/chunks' }), 'common.storage: configure exactly one object store (found s3, filesystem)'],
  ])('catches %s on S3', (_what, mutate, expected) => {
    const d = doc(clustered);
    mutate(d);
    expect(checkLokiConfig(d).join('\n')).toContain(expected);
  });
});
