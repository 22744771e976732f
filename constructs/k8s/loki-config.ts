/**
 * Renders `loki.yaml` for Loki 3.x in single-binary mode (`-target=all`)
 * from typed settings. Pure.
 *
 * Written against the Loki 3.5 configuration reference
 * (https://grafana.com/docs/loki/v3.5.x/configure/): TSDB index with schema
 * v13 (the only schema that stores structured metadata such as `trace_id`),
 * retention applied by the compactor (`retention_enabled`, which from 3.0
 * on requires `delete_request_store`), limits per tenant, and a memberlist
 * ring when there is more than one replica. `scripts/lib/loki-config-check.ts`
 * checks the rendered document against the same reference.
 */

export const LOKI_HTTP_PORT = 3100;
export const LOKI_GRPC_PORT = 9095;
export const LOKI_MEMBERLIST_PORT = 7946;
/** Everything Loki writes: WAL, TSDB index, compactor workspace, filesystem chunks. */
export const LOKI_DATA_DIR = '/var/loki';

/** Chunks and index on the replica's volume, or in an S3 bucket shared by the replicas. */
export type LokiStorageSettings =
  | { readonly type: 'filesystem' }
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly region: string;
      /** SSE-KMS key (ARN or alias ARN). */
      readonly kmsKeyArn: string;
    };

export interface LokiConfigSettings {
  readonly storage: LokiStorageSettings;
  /** Copies of each stream; more than 1 needs the memberlist ring. */
  readonly replicationFactor: number;
  /** `host:port` peers to join (the memberlist headless Service); absent for one replica (in-memory ring). */
  readonly memberlistJoin?: readonly string[];
  /** Schema period start, `YYYY-MM-DD`; never changes for existing data. */
  readonly schemaFrom: string;
  readonly retentionDays: number;
  readonly ingestionRateMB: number;
  readonly ingestionBurstSizeMB: number;
  /** E.g. `15m`. */
  readonly splitQueriesByInterval: string;
  readonly maxQueryParallelism: number;
  readonly resultsCache: { readonly enabled: boolean; readonly maxSizeMB: number };
  /** HTTP address of the compactor (the Loki Service), for delete requests from the queriers. */
  readonly compactorAddress: string;
}

/** The `loki.yaml` document; its shape is what `checkLokiConfig` verifies. */
export interface LokiConfigDocument {
  auth_enabled: boolean;
  server: Record<string, unknown>;
  common: Record<string, unknown>;
  memberlist?: Record<string, unknown>;
  schema_config: { configs: Array<Record<string, unknown>> };
  storage_config: Record<string, unknown>;
  ingester: Record<string, unknown>;
  compactor: Record<string, unknown>;
  limits_config: Record<string, unknown>;
  query_range: Record<string, unknown>;
  analytics: Record<string, unknown>;
}

/** The `loki.yaml` document as a plain object. */
export function renderLokiConfig(settings: LokiConfigSettings): LokiConfigDocument {
  if (settings.replicationFactor > 1 && !settings.memberlistJoin?.length) {
    throw new Error(`renderLokiConfig: replication factor ${settings.replicationFactor} needs memberlist peers to form a ring`);
  }
  // The object store's name in `schema_config` and `delete_request_store` is the storage type.
  const store = settings.storage.type;
  return {
    // One tenant ("fake"): the stack is the only writer; tenancy would need an auth proxy in front.
    auth_enabled: false,
    server: { http_listen_port: LOKI_HTTP_PORT, grpc_listen_port: LOKI_GRPC_PORT, log_level: 'info', log_format: 'json' },
    common: {
      path_prefix: LOKI_DATA_DIR,
      replication_factor: settings.replicationFactor,
      compactor_address: settings.compactorAddress,
      ring: { kvstore: { store: settings.memberlistJoin?.length ? 'memberlist' : 'inmemory' } },
      storage: renderStorage(settings.storage),
    },
    ...(settings.memberlistJoin?.length
      ? {
          memberlist: {
            bind_port: LOKI_MEMBERLIST_PORT,
            join_members: [...settings.memberlistJoin],
            // A pod that starts before its peers keeps retrying rather than exiting.
            abort_if_cluster_join_fails: false,
          },
        }
      : {}),
    schema_config: {
      configs: [{ from: settings.schemaFrom, store: 'tsdb', object_store: store, schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    storage_config: {
      tsdb_shipper: { active_index_directory: `${LOKI_DATA_DIR}/tsdb-index`, cache_location: `${LOKI_DATA_DIR}/tsdb-cache` },
    },
    ingester: { chunk_encoding: 'snappy', wal: { enabled: true, dir: `${LOKI_DATA_DIR}/wal` } },
    compactor: {
      working_directory: `${LOKI_DATA_DIR}/compactor`,
      compaction_interval: '10m',
      retention_enabled: true,
      // Chunks are marked first and deleted later, so a retention mistake can be undone within the delay.
      retention_delete_delay: '2h',
      retention_delete_worker_count: 150,
      delete_request_store: store,
    },
    limits_config: {
      retention_period: `${settings.retentionDays * 24}h`,
      // The rate is per tenant across all distributors, not per replica.
      ingestion_rate_strategy: 'global',
      ingestion_rate_mb: settings.ingestionRateMB,
      ingestion_burst_size_mb: settings.ingestionBurstSizeMB,
      split_queries_by_interval: settings.splitQueriesByInterval,
      max_query_parallelism: settings.maxQueryParallelism,
      reject_old_samples: true,
      reject_old_samples_max_age: '168h',
      // trace_id travels as structured metadata, not as a label (one stream per trace would explode the index).
      allow_structured_metadata: true,
      volume_enabled: true,
    },
    query_range: settings.resultsCache.enabled
      ? { cache_results: true, results_cache: { cache: { embedded_cache: { enabled: true, max_size_mb: settings.resultsCache.maxSizeMB } } } }
      : { cache_results: false },
    analytics: { reporting_enabled: false },
  };
}

function renderStorage(storage: LokiStorageSettings): Record<string, unknown> {
  if (storage.type === 'filesystem') {
    return { filesystem: { chunks_directory: `${LOKI_DATA_DIR}/chunks`, rules_directory: `${LOKI_DATA_DIR}/rules` } };
  }
  return {
    s3: {
      bucketnames: storage.bucket,
      region: storage.region,
      // No keys: the AWS SDK takes the IRSA web identity token the EKS webhook mounts.
      s3forcepathstyle: false,
      insecure: false,
      sse: { type: 'SSE-KMS', kms_key_id: storage.kmsKeyArn },
    },
  };
}
