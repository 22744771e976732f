/**
 * Renders the Jaeger v2 configuration (the OpenTelemetry collector format:
 * extensions, receivers, processors, exporters and `service.pipelines`)
 * for one role of the binary. Pure.
 *
 * - `collector`: OTLP in, `jaeger_storage_exporter` out, no UI.
 * - `query`: the `jaeger_query` extension (UI and API) over the same
 *   storage; its pipeline is `nop` to `nop`, as a collector needs one.
 * - `all-in-one`: both in one process, the only way to share Badger, whose
 *   files one process opens at a time.
 *
 * Credentials are never values: they are `${env:...}` references the
 * collector's config resolver expands from env vars set from a Secret.
 * Checked by `scripts/lib/jaeger-config-check.ts`.
 *
 * @see https://www.jaegertracing.io/docs/2.20/deployment/configuration/ (jaeger_storage backends, jaeger_query, storage exporter)
 */

export const JAEGER_OTLP_GRPC_PORT = 4317;
export const JAEGER_OTLP_HTTP_PORT = 4318;
export const JAEGER_UI_PORT = 16686;
/** healthcheckv2 extension (`/status`). */
export const JAEGER_HEALTH_PORT = 13133;
/** The binary's own metrics (Prometheus pull reader). */
export const JAEGER_METRICS_PORT = 8888;
/** The query gRPC API; bound to localhost, nothing here uses it. */
const QUERY_GRPC_PORT = 16685;
/** Env vars holding the search cluster's credentials. */
export const ES_USERNAME_ENV = 'ES_USERNAME';
export const ES_PASSWORD_ENV = 'ES_PASSWORD';

const STORE = 'traces';

export type JaegerRole = 'collector' | 'query' | 'all-in-one';

/** Badger files on the pod's volume, or an Elasticsearch / OpenSearch cluster. */
export type JaegerStorageSettings =
  | {
      readonly type: 'badger';
      /** Directory of the volume; keys and values go in subdirectories. */
      readonly directory: string;
      /** Go duration, e.g. `72h`. */
      readonly ttl: string;
    }
  | {
      readonly type: 'elasticsearch' | 'opensearch';
      readonly urls: readonly string[];
      readonly indexPrefix: string;
      readonly shards: number;
      readonly replicas: number;
    };

export interface JaegerConfigSettings {
  readonly role: JaegerRole;
  readonly serviceName: string;
  readonly storage: JaegerStorageSettings;
}

/** The configuration document as a plain object. */
export function renderJaegerConfig(settings: JaegerConfigSettings): Record<string, unknown> {
  const { role, storage } = settings;
  if (storage.type === 'badger' && role !== 'all-in-one') {
    throw new Error(`renderJaegerConfig: Badger storage needs the all-in-one role (collector and query in one process), not "${role}"`);
  }
  const ingests = role !== 'query';
  const serves = role !== 'collector';
  return {
    service: {
      extensions: ['jaeger_storage', ...(serves ? ['jaeger_query'] : []), 'healthcheckv2'],
      pipelines: {
        traces: ingests
          ? { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['jaeger_storage_exporter'] }
          : { receivers: ['nop'], processors: ['batch'], exporters: ['nop'] },
      },
      telemetry: {
        resource: { 'service.name': settings.serviceName },
        metrics: { level: 'detailed', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: JAEGER_METRICS_PORT } } } }] },
        logs: { level: 'info', encoding: 'json' },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${JAEGER_HEALTH_PORT}`, status: { enabled: true, path: '/status' } } },
      jaeger_storage: { backends: { [STORE]: renderBackend(storage) } },
      ...(serves
        ? {
            jaeger_query: {
              storage: { traces: STORE },
              http: { endpoint: `0.0.0.0:${JAEGER_UI_PORT}` },
              grpc: { endpoint: `127.0.0.1:${QUERY_GRPC_PORT}` },
            },
          }
        : {}),
    },
    receivers: ingests
      ? { otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${JAEGER_OTLP_GRPC_PORT}` }, http: { endpoint: `0.0.0.0:${JAEGER_OTLP_HTTP_PORT}` } } } }
      : { nop: {} },
    processors: {
      // Refuse data before the container's memory limit is hit, rather than be killed with batches in flight.
      ...(ingests ? { memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 } } : {}),
      batch: {},
    },
    exporters: ingests ? { jaeger_storage_exporter: { trace_storage: STORE } } : { nop: {} },
  };
}

function renderBackend(storage: JaegerStorageSettings): Record<string, unknown> {
  if (storage.type === 'badger') {
    return {
      badger: {
        directories: { keys: `${storage.directory}/keys`, values: `${storage.directory}/values` },
        ephemeral: false,
        ttl: { spans: storage.ttl },
      },
    };
  }
  const index = { shards: storage.shards, replicas: storage.replicas };
  return {
    [storage.type]: {
      server_urls: [...storage.urls],
      auth: { basic: { username: `\${env:${ES_USERNAME_ENV}}`, password: `\${env:${ES_PASSWORD_ENV}}` } },
      // Daily indices (`<prefix>-jaeger-span-YYYY-MM-DD`), which the index cleaner deletes by age.
      indices: { index_prefix: storage.indexPrefix, spans: index, services: index, dependencies: index, sampling: index },
    },
  };
}
