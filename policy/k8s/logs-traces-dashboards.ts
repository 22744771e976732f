/**
 * HA and safety rules for Grafana, Loki and Jaeger, read from the rendered
 * objects and their configuration files: shared state where there are
 * replicas, storage that can hold what the topology promises, dashboards
 * one per ConfigMap, and no credential written into Grafana's settings.
 */
import { parse } from 'yaml';
import { parseIni } from '../../constructs/k8s/lib/ini';
import type { PolicyRule, Violation } from '../types';
import { configFiles, type Json, type K8sOutput, objectRef, ofKind, type Workload, workloads } from './model';

type K8sRule = PolicyRule<K8sOutput>;

const NAME = 'app.kubernetes.io/name';
const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
const DASHBOARD_LABEL = 'monitoring-stack/grafana-dashboard';

/** The ConfigMaps a workload mounts, by name. */
function mountedConfigMaps(output: K8sOutput, w: Workload): Json[] {
  const names = (w.podSpec.volumes ?? []).filter((v: Json) => v.configMap).map((v: Json) => v.configMap.name);
  return ofKind(output, 'ConfigMap').filter((cm) => cm.metadata.namespace === w.namespace && names.includes(cm.metadata.name));
}

/** The first file of a name among the ConfigMaps a workload mounts. */
function mountedFile(output: K8sOutput, w: Workload, key: string): string | undefined {
  return mountedConfigMaps(output, w).find((cm) => typeof cm.data?.[key] === 'string')?.data[key];
}

function byApp(output: K8sOutput, name: string): Workload[] {
  return workloads(output).filter((w) => w.podLabels[NAME] === name);
}

function serviceAccountOf(output: K8sOutput, w: Workload): Json | undefined {
  return ofKind(output, 'ServiceAccount').find((sa) => sa.metadata.namespace === w.namespace && sa.metadata.name === w.podSpec.serviceAccountName);
}

export const lokiHaTopology: K8sRule = {
  id: 'loki-ha-topology',
  description:
    'Loki replicas share what they hold: more than one replica needs object storage (not filesystem) and a memberlist ring, the replication factor never exceeds the replicas, and S3 is reached through an IRSA role with SSE-KMS, never with keys.',
  check: (output) =>
    byApp(output, 'loki').flatMap((w): Violation[] => {
      const text = mountedFile(output, w, 'loki.yaml');
      if (!text) return [{ rule: 'loki-ha-topology', subject: w.ref, message: 'mounts no loki.yaml' }];
      const config = parse(text) ?? {};
      const replicas = w.replicas ?? 1;
      const rf = config.common?.replication_factor ?? 1;
      const storage = Object.keys(config.common?.storage ?? {});
      const violations: Violation[] = [];
      const add = (message: string) => violations.push({ rule: 'loki-ha-topology', subject: w.ref, message });
      if (replicas > 1 && storage.includes('filesystem')) add(`${replicas} replicas on filesystem storage; each would keep only its own chunks`);
      if (replicas > 1 && config.common?.ring?.kvstore?.store !== 'memberlist') add(`${replicas} replicas without a memberlist ring; they would not share ingestion`);
      if (rf > replicas) add(`replication_factor ${rf} exceeds ${replicas} replica(s); every push would fail`);
      const s3 = config.common?.storage?.s3;
      if (s3) {
        if (s3.access_key_id || s3.secret_access_key) add('S3 credentials are written in loki.yaml; use the ServiceAccount\'s IRSA role');
        if (s3.sse?.type !== 'SSE-KMS' || !s3.sse?.kms_key_id) add('S3 objects are not encrypted with SSE-KMS and a key');
        if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(serviceAccountOf(output, w)?.metadata?.annotations?.[IRSA_ANNOTATION] ?? '')) add(`uses S3 but its ServiceAccount has no ${IRSA_ANNOTATION} annotation`);
      }
      return violations;
    }),
};

export const grafanaReplicasDatabase: K8sRule = {
  id: 'grafana-replicas-database',
  description:
    'More than one Grafana replica shares a server database (never SQLite) and clusters unified alerting (ha_peers through a headless Service); a single SQLite replica keeps its file on a persistent volume and is replaced with Recreate.',
  check: (output) =>
    byApp(output, 'grafana').flatMap((w): Violation[] => {
      const text = mountedFile(output, w, 'grafana.ini');
      if (!text) return [{ rule: 'grafana-replicas-database', subject: w.ref, message: 'mounts no grafana.ini' }];
      const ini = parseIni(text);
      const database = ini.database?.type ?? 'sqlite3';
      const replicas = w.replicas ?? 1;
      const violations: Violation[] = [];
      const add = (message: string) => violations.push({ rule: 'grafana-replicas-database', subject: w.ref, message });
      if (replicas > 1) {
        if (database === 'sqlite3') add(`${replicas} replicas on SQLite; each would keep its own users, dashboards and alert state`);
        const peers = ini.unified_alerting?.ha_peers;
        if (!peers) add(`${replicas} replicas without unified_alerting.ha_peers; every replica would send every notification`);
        else {
          const host = peers.split(',')[0].split(':')[0].split('.')[0];
          const headless = ofKind(output, 'Service').find((s) => s.metadata.name === host && s.metadata.namespace === w.namespace);
          if (!headless || headless.spec?.clusterIP !== 'None') add(`ha_peers names ${host}, which is not a headless Service`);
        }
      } else if (database === 'sqlite3') {
        const data = (w.podSpec.volumes ?? []).find((v: Json) => v.name === 'data');
        if (!data?.persistentVolumeClaim) add('SQLite on a volume that is not a PersistentVolumeClaim; users and dashboards would be lost on restart');
        if (w.kind === 'Deployment' && (w.object as Json).spec?.strategy?.type !== 'Recreate') add('SQLite on a ReadWriteOnce volume needs strategy Recreate; a rolling update would wait for the volume forever');
      }
      return violations;
    }),
};

export const grafanaCredentialsFromFiles: K8sRule = {
  id: 'grafana-credentials-from-files',
  description: 'grafana.ini takes the admin password, the database password and any secret key from a mounted file ($__file{...}) or the environment ($__env{...}), never as a value.',
  check: (output) =>
    configFiles(output, /^grafana\.ini$/).flatMap(({ configMap, content }): Violation[] => {
      const ini = parseIni(content);
      const secrets: Array<[string, string]> = [
        ['security', 'admin_password'],
        ['security', 'secret_key'],
        ['database', 'password'],
        ['smtp', 'password'],
      ];
      return secrets
        .filter(([section, key]) => {
          const value = ini[section]?.[key];
          return value !== undefined && value !== '' && !/^\$__(file|env|vault)\{[^}]+\}$/.test(value);
        })
        .map(([section, key]) => ({ rule: 'grafana-credentials-from-files', subject: objectRef(configMap), message: `[${section}] ${key} is a value; use $__file{...} with a mounted Secret key` }));
    }),
};

export const jaegerStorageTopology: K8sRule = {
  id: 'jaeger-storage-topology',
  description: 'A Jaeger workload on Badger is a single replica that keeps its files on its own persistent volume (not ephemeral); several replicas need Elasticsearch or OpenSearch.',
  check: (output) =>
    byApp(output, 'jaeger').flatMap((w): Violation[] => {
      const text = mountedFile(output, w, 'jaeger.yaml');
      if (!text) return [];
      const backends: Json[] = Object.values(parse(text)?.extensions?.jaeger_storage?.backends ?? {});
      const badger = backends.map((b) => b?.badger).find(Boolean);
      if (!badger) return [];
      const violations: Violation[] = [];
      const add = (message: string) => violations.push({ rule: 'jaeger-storage-topology', subject: w.ref, message });
      if ((w.replicas ?? 1) > 1) add(`${w.replicas} replicas on Badger, which one process opens at a time`);
      if (badger.ephemeral !== false) add('Badger is ephemeral; traces would vanish on restart');
      const claims: Json[] = (w.object as Json).spec?.volumeClaimTemplates ?? [];
      const mounts: Json[] = w.containers.flatMap((c: Json) => c.volumeMounts ?? []);
      const persisted = mounts.some((m) => claims.some((c) => c.metadata?.name === m.name) && String(badger.directories?.keys ?? '').startsWith(m.mountPath));
      if (!persisted) add('the Badger directories are not on a volume from a volumeClaimTemplate');
      return violations;
    }),
};

export const dashboardOnePerConfigMap: K8sRule = {
  id: 'dashboard-one-per-configmap',
  description:
    'Each Grafana dashboard is its own ConfigMap (labelled as a dashboard, one JSON file), mounted by Grafana, so one large dashboard cannot push a shared ConfigMap over the 1 MiB object limit and each can change alone.',
  check: (output) => {
    const grafana = byApp(output, 'grafana');
    return ofKind(output, 'ConfigMap').flatMap((cm): Violation[] => {
      const subject = objectRef(cm);
      const dashboards = Object.entries((cm.data ?? {}) as Record<string, string>).filter(([key, content]) => key.endsWith('.json') && isDashboard(content));
      const labelled = cm.metadata.labels?.[DASHBOARD_LABEL] === 'true';
      if (dashboards.length === 0) return labelled ? [{ rule: 'dashboard-one-per-configmap', subject, message: 'labelled as a dashboard but holds no dashboard JSON' }] : [];
      const violations: Violation[] = [];
      if (dashboards.length > 1) violations.push({ rule: 'dashboard-one-per-configmap', subject, message: `holds ${dashboards.length} dashboards (${dashboards.map(([k]) => k).join(', ')}); give each its own ConfigMap` });
      if (!labelled) violations.push({ rule: 'dashboard-one-per-configmap', subject, message: `holds a dashboard but is not labelled ${DASHBOARD_LABEL}=true` });
      const mounted = grafana.some((w) => w.namespace === cm.metadata.namespace && (w.podSpec.volumes ?? []).some((v: Json) => v.configMap?.name === cm.metadata.name));
      if (!mounted) violations.push({ rule: 'dashboard-one-per-configmap', subject, message: 'no Grafana workload mounts it, so the dashboard is never provisioned' });
      return violations;
    });
  },
};

function isDashboard(content: string): boolean {
  try {
    const json = JSON.parse(content);
    return json !== null && typeof json === 'object' && (Array.isArray(json.panels) || 'schemaVersion' in json);
  } catch {
    return false;
  }
}

export const LOGS_TRACES_DASHBOARDS_RULES: readonly K8sRule[] = [lokiHaTopology, grafanaReplicasDatabase, grafanaCredentialsFromFiles, jaegerStorageTopology, dashboardOnePerConfigMap];
