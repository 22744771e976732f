/**
 * A structural check of a Jaeger v2 configuration (the OpenTelemetry
 * collector format) against what the pinned Jaeger (2.20) accepts, since no
 * binary is available to run `jaeger validate`. Two layers:
 *
 * 1. Shape: top-level sections, component types that the Jaeger
 *    distribution includes (cmd/jaeger/builder.yaml), and the settings of
 *    the extensions and backends this stack renders (jaeger_storage with
 *    badger / elasticsearch / opensearch, jaeger_query, healthcheckv2,
 *    the storage exporter).
 * 2. Meaning: every component a pipeline or `service.extensions` names is
 *    defined and every defined one is used; the exporter and jaeger_query
 *    name a defined storage backend; credentials are `${env:...}` or
 *    `${file:...}` references, never values; Badger keeps data on disk.
 */
import { parse } from 'yaml';
import { checkAgainst, isObject, S, type Spec } from './structural-schema';

/** Component types of the Jaeger v2 distribution, by kind (`type` or `type/name` in the config). */
export const JAEGER_COMPONENTS = {
  extensions: ['healthcheckv2', 'pprof', 'zpages', 'basicauth', 'sigv4auth', 'jaeger_mcp', 'jaeger_query', 'jaeger_storage', 'remote_sampling', 'expvar', 'remote_storage'],
  receivers: ['otlp', 'nop', 'jaeger', 'kafka', 'zipkin'],
  processors: ['batch', 'memory_limiter', 'tail_sampling', 'attributes', 'filter', 'adaptive_sampling'],
  exporters: ['debug', 'otlp', 'otlphttp', 'nop', 'jaeger_storage_exporter', 'kafka', 'prometheus'],
  connectors: ['forward', 'spanmetrics'],
} as const;

type Kind = keyof typeof JAEGER_COMPONENTS;

const ENDPOINT = S.hostPort();
const SECRET_REFERENCE = /^\$\{(env|file):[^}]+\}$/;

const INDEX = S.object({ shards: S.int(1), replicas: S.int(0), priority: S.int(0), date_layout: S.string(), rollover_frequency: S.oneOf('hour', 'day') });
const SEARCH_BACKEND = S.object(
  {
    server_urls: S.array(S.pattern(/^https?:\/\/\S+$/, 'an http(s) URL'), 1),
    auth: S.object({
      basic: S.object({ username: S.string(), password: S.string(), password_file: S.absolutePath() }),
      bearer_token: S.object({ file_path: S.absolutePath(), from_context: S.bool() }),
    }),
    tls: S.openObject(),
    indices: S.object({ index_prefix: S.string(), spans: INDEX, services: INDEX, dependencies: INDEX, sampling: INDEX }),
    sniffing: S.object({ enabled: S.bool(), use_https: S.bool() }),
    query_timeout: S.goDuration(),
    bulk_processing: S.openObject(),
    create_mappings: S.bool(),
    use_aliases: S.bool(),
    use_ilm: S.bool(),
    version: S.int(0),
    max_span_age: S.goDuration(),
    max_doc_count: S.int(1),
  },
  ['server_urls'],
);
const BADGER_BACKEND = S.object({
  directories: S.object({ keys: S.absolutePath(), values: S.absolutePath() }, ['keys', 'values']),
  ephemeral: S.bool(),
  ttl: S.object({ spans: S.goDuration() }),
  consistency: S.bool(),
  maintenance_interval: S.goDuration(),
  metrics_update_interval: S.goDuration(),
  read_only: S.bool(),
});
const BACKEND = S.object({ memory: S.openObject(), badger: BADGER_BACKEND, elasticsearch: SEARCH_BACKEND, opensearch: SEARCH_BACKEND, grpc: S.openObject(), cassandra: S.openObject(), clickhouse: S.openObject() });

/** The settings this stack renders, as Jaeger 2.20 and its collector core accept them. */
const KNOWN_SETTINGS: Record<string, Spec> = {
  'extensions.jaeger_storage': S.object({ backends: S.map(BACKEND), metric_backends: S.openObject() }, ['backends']),
  'extensions.jaeger_query': S.object(
    {
      storage: S.object({ traces: S.string(), traces_archive: S.string(), metrics: S.string() }, ['traces']),
      base_path: S.string(),
      ui: S.object({ config_file: S.string(), assets_path: S.string(), log_access: S.bool() }),
      http: S.openObject({ endpoint: ENDPOINT }),
      grpc: S.openObject({ endpoint: ENDPOINT }),
      max_clock_skew_adjust: S.goDuration(),
      enable_tracing: S.bool(),
      bearer_token_propagation: S.bool(),
      multi_tenancy: S.openObject(),
    },
    ['storage'],
  ),
  'extensions.healthcheckv2': S.object({
    use_v2: S.bool(),
    component_health: S.openObject(),
    http: S.object({ endpoint: ENDPOINT, status: S.object({ enabled: S.bool(), path: S.pattern(/^\//, 'a path') }), config: S.object({ enabled: S.bool(), path: S.pattern(/^\//, 'a path') }) }),
    grpc: S.openObject({ endpoint: ENDPOINT }),
  }),
  'receivers.otlp': S.object({ protocols: S.object({ grpc: S.openObject({ endpoint: ENDPOINT }), http: S.openObject({ endpoint: ENDPOINT }) }) }, ['protocols']),
  'receivers.nop': S.empty(),
  'processors.batch': S.object({ timeout: S.goDuration(), send_batch_size: S.int(0), send_batch_max_size: S.int(0) }),
  'processors.memory_limiter': S.object(
    { check_interval: S.goDuration(), limit_mib: S.int(1), spike_limit_mib: S.int(0), limit_percentage: S.int(1, 100), spike_limit_percentage: S.int(0, 100) },
    ['check_interval'],
  ),
  'exporters.jaeger_storage_exporter': S.object({ trace_storage: S.string(), queue: S.openObject(), retry_on_failure: S.openObject() }, ['trace_storage']),
  'exporters.nop': S.empty(),
};

const SERVICE = S.object(
  {
    extensions: S.array(S.string()),
    pipelines: S.map(S.object({ receivers: S.array(S.string(), 1), processors: S.array(S.string()), exporters: S.array(S.string(), 1) }, ['receivers', 'exporters'])),
    telemetry: S.object({
      resource: S.map(S.string()),
      metrics: S.object({
        level: S.oneOf('none', 'basic', 'normal', 'detailed'),
        readers: S.array(S.object({ pull: S.object({ exporter: S.object({ prometheus: S.openObject({ host: S.string(), port: S.int(1, 65535) }) }) }), periodic: S.openObject() })),
      }),
      logs: S.openObject({ level: S.oneOf('debug', 'info', 'warn', 'error'), encoding: S.oneOf('console', 'json') }),
      traces: S.openObject(),
    }),
  },
  ['pipelines'],
);

export const JAEGER_SCHEMA: Spec = S.object(
  {
    service: SERVICE,
    extensions: S.map(S.any()),
    receivers: S.map(S.any()),
    processors: S.map(S.any()),
    exporters: S.map(S.any()),
    connectors: S.map(S.any()),
  },
  ['service', 'receivers', 'exporters'],
);

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every problem of a parsed Jaeger v2 configuration; empty means it fits. */
export function checkJaegerConfig(document: unknown): string[] {
  if (!isObject(document)) return ['(root): expected a mapping'];
  const doc = document as Doc;
  return [...checkAgainst(JAEGER_SCHEMA, doc, ''), ...checkComponents(doc), ...checkReferences(doc), ...checkStorage(doc)];
}

/** `checkJaegerConfig` over YAML text, for `npm run validate`. */
export function checkJaegerConfigText(text: string): string[] {
  try {
    return checkJaegerConfig(parse(text));
  } catch (error) {
    return [`not YAML: ${(error as Error).message}`];
  }
}

function typeOf(id: string): string {
  return id.split('/')[0];
}

/** Component types exist in the distribution; the settings this stack uses have the documented shape. */
function checkComponents(doc: Doc): string[] {
  return (Object.keys(JAEGER_COMPONENTS) as Kind[]).flatMap((kind) =>
    Object.entries((doc[kind] ?? {}) as Record<string, unknown>).flatMap(([id, settings]) => {
      const type = typeOf(id);
      if (!(JAEGER_COMPONENTS[kind] as readonly string[]).includes(type)) return [`${kind}.${id}: "${type}" is not a ${kind.slice(0, -1)} of the Jaeger distribution`];
      const spec = KNOWN_SETTINGS[`${kind}.${type}`];
      return spec ? checkAgainst(spec, settings, `${kind}.${id}`) : [];
    }),
  );
}

/** What the service names is defined, and what is defined is used. */
function checkReferences(doc: Doc): string[] {
  const problems: string[] = [];
  const defined = (kind: Kind) => Object.keys(doc[kind] ?? {});
  const service = doc.service ?? {};
  for (const name of service.extensions ?? []) if (!defined('extensions').includes(name)) problems.push(`service.extensions: "${name}" is not defined under extensions`);
  for (const name of defined('extensions')) if (!(service.extensions ?? []).includes(name)) problems.push(`extensions.${name}: defined but not enabled in service.extensions`);
  const used = new Set<string>();
  for (const [pipeline, spec] of Object.entries((service.pipelines ?? {}) as Record<string, Doc>)) {
    if (!['traces', 'metrics', 'logs'].includes(typeOf(pipeline))) problems.push(`service.pipelines.${pipeline}: not a traces, metrics or logs pipeline`);
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const name of spec?.[kind] ?? []) {
        used.add(`${kind}.${name}`);
        if (!defined(kind).includes(name)) problems.push(`service.pipelines.${pipeline}.${kind}: "${name}" is not defined under ${kind}`);
      }
    }
  }
  for (const kind of ['receivers', 'processors', 'exporters'] as const) {
    for (const name of defined(kind)) if (!used.has(`${kind}.${name}`)) problems.push(`${kind}.${name}: defined but in no pipeline`);
  }
  return problems;
}

/** Backends named by the exporter and by jaeger_query exist; credentials are references; Badger persists. */
function checkStorage(doc: Doc): string[] {
  const problems: string[] = [];
  const backends = (doc.extensions?.jaeger_storage?.backends ?? {}) as Record<string, Doc>;
  const names = Object.keys(backends);
  const needs = [
    ...Object.entries((doc.exporters ?? {}) as Record<string, Doc>)
      .filter(([id]) => typeOf(id) === 'jaeger_storage_exporter')
      .map(([id, e]) => ({ at: `exporters.${id}.trace_storage`, name: e?.trace_storage })),
    ...Object.entries((doc.extensions?.jaeger_query?.storage ?? {}) as Record<string, string>).map(([key, name]) => ({ at: `extensions.jaeger_query.storage.${key}`, name })),
  ];
  if (needs.length > 0 && !doc.extensions?.jaeger_storage) problems.push('extensions.jaeger_storage: required by the storage exporter and jaeger_query');
  for (const { at, name } of needs) if (name && !names.includes(name)) problems.push(`${at}: "${name}" is not a backend of jaeger_storage (have: ${names.join(', ') || 'none'})`);
  for (const [name, backend] of Object.entries(backends)) {
    const types = Object.keys(backend ?? {});
    if (types.length !== 1) problems.push(`extensions.jaeger_storage.backends.${name}: exactly one storage type, found ${types.join(', ') || 'none'}`);
    const search = backend?.elasticsearch ?? backend?.opensearch;
    const password = search?.auth?.basic?.password;
    if (typeof password === 'string' && !SECRET_REFERENCE.test(password)) problems.push(`extensions.jaeger_storage.backends.${name}: the password is a value; use \${env:VAR} from a Secret or password_file`);
    if (backend?.badger && backend.badger.ephemeral !== false) problems.push(`extensions.jaeger_storage.backends.${name}.badger.ephemeral: must be false, or traces live in memory and vanish on restart`);
  }
  return problems;
}
