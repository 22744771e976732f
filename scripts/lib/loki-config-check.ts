/**
 * A structural check of `loki.yaml` against the configuration reference of
 * the Loki version we deploy (3.5; https://grafana.com/docs/loki/v3.5.x/configure/),
 * since no Loki binary is available to load it. Two layers:
 *
 * 1. Shape: the blocks this stack renders may hold only the keys the
 *    reference documents for them, each of the documented type and form.
 * 2. Meaning: the settings that decide whether Loki starts and keeps data
 *    correctly in 3.x: TSDB schema v13 (structured metadata needs it),
 *    retention by the compactor with a delete-request store, a ring that can
 *    hold the replication factor, one object store that matches the schema,
 *    IRSA instead of keys, SSE-KMS with a key, a results cache that exists.
 */
import { parse } from 'yaml';
import { checkAgainst, isObject, S, type Spec } from './structural-schema';

/** Top-level blocks of Loki 3.5's configuration file. */
const TOP_LEVEL = [
  'target', 'auth_enabled', 'ballast_bytes', 'server', 'distributor', 'querier', 'query_scheduler', 'frontend', 'query_range', 'ruler',
  'ingester_client', 'ingester', 'pattern_ingester', 'index_gateway', 'bloom_build', 'bloom_gateway', 'storage_config', 'chunk_store_config',
  'schema_config', 'compactor', 'compactor_grpc_client', 'limits_config', 'frontend_worker', 'table_manager', 'memberlist', 'kafka_config',
  'dataobj', 'runtime_config', 'operational_config', 'tracing', 'analytics', 'profiling', 'common', 'shutdown_delay', 'metrics_namespace',
  'block_builder', 'block_scheduler', 'ui',
] as const;

const OBJECT_STORES = ['filesystem', 's3', 'aws', 'gcs', 'azure', 'swift', 'bos', 'cos', 'alibabacloud'];

const SSE = S.object({ type: S.oneOf('SSE-KMS', 'SSE-S3'), kms_key_id: S.string(), kms_encryption_context: S.string() }, ['type']);

const S3 = S.object({
  s3: S.string(),
  bucketnames: S.pattern(/^[a-z0-9][a-z0-9.,-]*[a-z0-9]$/, 'comma-separated bucket names'),
  endpoint: S.string(),
  region: S.pattern(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region'),
  access_key_id: S.string(),
  secret_access_key: S.string(),
  session_token: S.string(),
  insecure: S.bool(),
  s3forcepathstyle: S.bool(),
  signature_version: S.oneOf('v4'),
  storage_class: S.string(),
  http_config: S.openObject(),
  backoff_config: S.openObject(),
  disable_dualstack: S.bool(),
  sse: SSE,
});

const RING = S.object({
  kvstore: S.object({ store: S.oneOf('consul', 'etcd', 'inmemory', 'memberlist', 'multi'), prefix: S.string(), consul: S.openObject(), etcd: S.openObject(), multi: S.openObject() }, ['store']),
  heartbeat_period: S.goDuration(),
  heartbeat_timeout: S.goDuration(),
  tokens_file_path: S.string(),
  zone_awareness_enabled: S.bool(),
  num_tokens: S.int(1),
  instance_id: S.string(),
  instance_interface_names: S.array(S.string()),
  instance_port: S.int(0, 65535),
  instance_addr: S.string(),
  instance_availability_zone: S.string(),
  instance_enable_ipv6: S.bool(),
});

/** The blocks this stack renders, as Loki 3.5 documents them (blocks it does not render stay open). */
export const LOKI_SCHEMA: Spec = S.object(
  {
    ...Object.fromEntries(TOP_LEVEL.map((key) => [key, S.any()])),
    target: S.string(),
    auth_enabled: S.bool(),
    server: S.object({
      http_listen_address: S.string(),
      http_listen_port: S.int(1, 65535),
      grpc_listen_address: S.string(),
      grpc_listen_port: S.int(1, 65535),
      http_path_prefix: S.string(),
      log_level: S.oneOf('debug', 'info', 'warn', 'error'),
      log_format: S.oneOf('logfmt', 'json'),
      graceful_shutdown_timeout: S.goDuration(),
      http_server_read_timeout: S.goDuration(),
      http_server_write_timeout: S.goDuration(),
      http_server_idle_timeout: S.goDuration(),
      grpc_server_max_recv_msg_size: S.int(1),
      grpc_server_max_send_msg_size: S.int(1),
      grpc_server_max_concurrent_streams: S.int(1),
      register_instrumentation: S.bool(),
    }),
    common: S.object({
      path_prefix: S.absolutePath(),
      storage: S.object({
        filesystem: S.object({ chunks_directory: S.absolutePath(), rules_directory: S.absolutePath() }),
        s3: S3,
        gcs: S.openObject(),
        azure: S.openObject(),
        swift: S.openObject(),
        bos: S.openObject(),
        cos: S.openObject(),
        hedging: S.openObject(),
      }),
      persist_tokens: S.bool(),
      replication_factor: S.int(1),
      ring: RING,
      instance_interface_names: S.array(S.string()),
      instance_addr: S.string(),
      compactor_address: S.pattern(/^https?:\/\/[^/\s]+$/, 'http(s)://host:port'),
      compactor_grpc_address: S.hostPort(),
    }),
    memberlist: S.object(
      {
        node_name: S.string(),
        randomize_node_name: S.bool(),
        stream_timeout: S.goDuration(),
        retransmit_factor: S.int(1),
        pull_push_interval: S.goDuration(),
        gossip_interval: S.goDuration(),
        gossip_nodes: S.int(1),
        compression_enabled: S.bool(),
        advertise_addr: S.string(),
        advertise_port: S.int(1, 65535),
        cluster_label: S.string(),
        join_members: S.array(S.pattern(/^(dns\+|dnssrv\+|dnssrvnoa\+)?[^\s:]+(:\d{1,5})?$/, 'a member address, e.g. dns+loki-memberlist.monitoring.svc:7946'), 1),
        min_join_backoff: S.goDuration(),
        max_join_backoff: S.goDuration(),
        max_join_retries: S.int(0),
        abort_if_cluster_join_fails: S.bool(),
        rejoin_interval: S.goDuration(),
        left_ingesters_timeout: S.goDuration(),
        leave_timeout: S.goDuration(),
        bind_addr: S.array(S.string()),
        bind_port: S.int(1, 65535),
        tls_enabled: S.bool(),
      },
      ['join_members'],
    ),
    schema_config: S.object(
      {
        configs: S.array(
          S.object(
            {
              from: S.pattern(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
              store: S.oneOf('tsdb', 'boltdb-shipper', 'boltdb', 'cassandra', 'bigtable', 'aws-dynamo', 'gcp', 'gcp-columnkey', 'bigtable-hashed', 'grpc-store'),
              object_store: S.oneOf(...OBJECT_STORES),
              schema: S.oneOf('v9', 'v10', 'v11', 'v12', 'v13'),
              index: S.object({ prefix: S.string(), period: S.goDuration(), tags: S.map(S.string()) }, ['prefix', 'period']),
              chunks: S.openObject(),
              row_shards: S.int(1),
            },
            ['from', 'store', 'object_store', 'schema', 'index'],
          ),
          1,
        ),
      },
      ['configs'],
    ),
    storage_config: S.openObject({
      tsdb_shipper: S.openObject({ active_index_directory: S.absolutePath(), cache_location: S.absolutePath(), cache_ttl: S.goDuration(), resync_interval: S.goDuration() }),
    }),
    ingester: S.openObject({
      chunk_encoding: S.oneOf('none', 'gzip', 'lz4-64k', 'snappy', 'lz4-256k', 'lz4-1M', 'lz4', 'flate', 'zstd'),
      wal: S.object({ enabled: S.bool(), dir: S.absolutePath(), checkpoint_duration: S.goDuration(), flush_on_shutdown: S.bool(), replay_memory_ceiling: S.string() }),
    }),
    compactor: S.object({
      working_directory: S.absolutePath(),
      compaction_interval: S.goDuration(),
      apply_retention_interval: S.goDuration(),
      retention_enabled: S.bool(),
      retention_delete_delay: S.goDuration(),
      retention_delete_worker_count: S.int(1),
      retention_table_timeout: S.goDuration(),
      delete_request_store: S.oneOf(...OBJECT_STORES),
      delete_request_store_key_prefix: S.string(),
      delete_batch_size: S.int(1),
      delete_request_cancel_period: S.goDuration(),
      delete_max_interval: S.goDuration(),
      max_compaction_parallelism: S.int(1),
      upload_parallelism: S.int(1),
      compactor_ring: S.openObject(),
      run_once: S.bool(),
      tables_to_compact: S.int(0),
      skip_latest_n_tables: S.int(0),
    }),
    limits_config: S.openObject({
      retention_period: S.promDuration(),
      ingestion_rate_strategy: S.oneOf('global', 'local'),
      ingestion_rate_mb: S.number(0),
      ingestion_burst_size_mb: S.number(0),
      split_queries_by_interval: S.promDuration(),
      max_query_parallelism: S.int(1),
      reject_old_samples: S.bool(),
      reject_old_samples_max_age: S.promDuration(),
      allow_structured_metadata: S.bool(),
      volume_enabled: S.bool(),
      max_cache_freshness_per_query: S.promDuration(),
    }),
    query_range: S.openObject({
      cache_results: S.bool(),
      results_cache: S.object({
        cache: S.object({
          embedded_cache: S.object({ enabled: S.bool(), max_size_mb: S.int(1), max_size_items: S.int(0), ttl: S.goDuration() }),
          memcached: S.openObject(),
          memcached_client: S.openObject(),
          redis: S.openObject(),
          default_validity: S.goDuration(),
        }),
        compression: S.oneOf('', 'snappy'),
      }),
    }),
    analytics: S.object({ reporting_enabled: S.bool(), usage_stats_url: S.string(), proxy_url: S.string() }),
  },
  ['server', 'common', 'schema_config'],
);

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every problem of a parsed `loki.yaml`; empty means it fits the 3.5 reference and the rules above. */
export function checkLokiConfig(document: unknown): string[] {
  if (!isObject(document)) return ['(root): expected a mapping'];
  return [...checkAgainst(LOKI_SCHEMA, document, ''), ...checkMeaning(document as Doc)];
}

/** `checkLokiConfig` over YAML text, for `npm run validate`. */
export function checkLokiConfigText(text: string): string[] {
  try {
    return checkLokiConfig(parse(text));
  } catch (error) {
    return [`not YAML: ${(error as Error).message}`];
  }
}

function checkMeaning(doc: Doc): string[] {
  const problems: string[] = [];
  const configured = configuredStores(doc);
  if (configured.length !== 1) problems.push(`common.storage: configure exactly one object store (found ${configured.length === 0 ? 'none' : configured.join(', ')})`);

  const periods: Doc[] = Array.isArray(doc.schema_config?.configs) ? doc.schema_config.configs : [];
  const latest = periods[periods.length - 1];
  if (latest) {
    if (latest.store !== 'tsdb' || latest.schema !== 'v13') problems.push(`schema_config.configs: the latest period is ${latest.store} ${latest.schema}; Loki 3 needs tsdb with schema v13 for structured metadata and retention`);
    if (latest.index?.period !== '24h') problems.push(`schema_config.configs: the TSDB index period must be 24h, not ${latest.index?.period}`);
    if (!configured.includes(normalStore(latest.object_store))) problems.push(`schema_config.configs: object_store "${latest.object_store}" is not configured in common.storage`);
  }
  const dates = periods.map((p) => p.from);
  if (dates.some((d, i) => i > 0 && d <= dates[i - 1])) problems.push('schema_config.configs: periods must start on increasing dates');

  const compactor = doc.compactor ?? {};
  const retention = doc.limits_config?.retention_period;
  if (compactor.retention_enabled === true) {
    if (!compactor.delete_request_store) problems.push('compactor.delete_request_store: required when retention_enabled is true (Loki 3 refuses to start without it)');
    else if (!configured.includes(normalStore(compactor.delete_request_store))) problems.push(`compactor.delete_request_store: "${compactor.delete_request_store}" is not a configured store`);
    if (!compactor.working_directory) problems.push('compactor.working_directory: required for retention');
    const hours = hoursOf(retention);
    if (hours === undefined || hours < 24 || hours % 24 !== 0) problems.push(`limits_config.retention_period: ${retention ?? 'unset'}; retention works on whole 24h index tables, so use a multiple of 24h (at least 24h)`);
  } else if (retention !== undefined) {
    problems.push('limits_config.retention_period: has no effect unless compactor.retention_enabled is true; logs would be kept forever');
  }

  const limits = doc.limits_config ?? {};
  if (typeof limits.ingestion_rate_mb === 'number' && typeof limits.ingestion_burst_size_mb === 'number' && limits.ingestion_burst_size_mb < limits.ingestion_rate_mb) {
    problems.push('limits_config.ingestion_burst_size_mb: smaller than ingestion_rate_mb; the burst must hold at least one second at the rate');
  }
  if (limits.allow_structured_metadata === true && latest && latest.schema !== 'v13') problems.push('limits_config.allow_structured_metadata: needs schema v13');

  const replication = doc.common?.replication_factor ?? 1;
  const store = doc.common?.ring?.kvstore?.store;
  if (replication > 1 && (store === 'inmemory' || store === undefined)) problems.push(`common.ring.kvstore.store: replication_factor ${replication} needs a shared ring (memberlist), not ${store ?? 'the default'}`);
  if (replication > 1 && configured.includes('filesystem')) problems.push(`common.storage: replication_factor ${replication} with filesystem storage; replicas cannot read each other's chunks`);
  if (store === 'memberlist' && !(doc.memberlist?.join_members?.length > 0)) problems.push('memberlist.join_members: required when the ring uses memberlist');

  const s3 = doc.common?.storage?.s3;
  if (s3) {
    if (s3.access_key_id || s3.secret_access_key || (typeof s3.s3 === 'string' && s3.s3.includes('@'))) problems.push('common.storage.s3: static credentials; use the pod\'s IRSA role');
    if (!s3.bucketnames && !s3.s3) problems.push('common.storage.s3: no bucket (bucketnames)');
    if (s3.sse?.type !== 'SSE-KMS' || !s3.sse?.kms_key_id) problems.push('common.storage.s3.sse: objects must be encrypted with SSE-KMS and a key (kms_key_id)');
  }

  if (doc.query_range?.cache_results === true && doc.query_range?.results_cache?.cache?.embedded_cache?.enabled !== true && !doc.query_range?.results_cache?.cache?.memcached_client && !doc.query_range?.results_cache?.cache?.redis) {
    problems.push('query_range.results_cache.cache: cache_results is true but no cache backend is enabled');
  }
  return problems;
}

function configuredStores(doc: Doc): string[] {
  const common = Object.keys(doc.common?.storage ?? {}).filter((k) => k !== 'hedging');
  const legacy = Object.keys(doc.storage_config ?? {}).filter((k) => OBJECT_STORES.includes(k)).map(normalStore);
  return [...new Set([...common, ...legacy])];
}

/** `aws` is the legacy name of the S3 store. */
function normalStore(name: string): string {
  return name === 'aws' ? 's3' : name;
}

function hoursOf(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const units: Record<string, number> = { ms: 1 / 3600000, s: 1 / 3600, m: 1 / 60, h: 1, d: 24, w: 168, y: 8760 };
  const parts = duration.match(/\d+(ms|s|m|h|d|w|y)/g);
  if (!parts || parts.join('') !== duration) return undefined;
  return parts.reduce((sum, part) => sum + parseInt(part, 10) * units[/(ms|s|m|h|d|w|y)$/.exec(part)![1]], 0);
}
