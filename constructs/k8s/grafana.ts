/**
 * Grafana with everything provisioned from files: data sources linked to
 * each other (metrics, logs and traces), and dashboards, one ConfigMap per
 * dashboard, grouped in folders.
 *
 * One replica keeps SQLite on its own volume (replaced with `Recreate`, as
 * the volume can be attached to one pod only). Several replicas share a
 * PostgreSQL database and form a unified alerting cluster through a
 * headless Service (gossip on 9094 over TCP and UDP), so each alert is
 * notified once. Two replicas on SQLite are refused.
 *
 * Nothing secret is rendered: the admin login and the database password
 * are files of Secrets the user creates, read through `$__file{}`.
 */
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import { type DashboardFolder, folderDirectory, folderSlug, renderDashboardProviders } from './grafana-dashboard-providers';
import { type GrafanaDatasourceSettings, renderGrafanaDatasources } from './grafana-datasources';
import { GRAFANA_DATA_DIR, GRAFANA_POD_IP_ENV, GRAFANA_PROVISIONING_DIR, type GrafanaDatabaseSettings, grafanaIniText } from './grafana-ini';
import { configChecksumAnnotation } from './lib/checksum';
import { componentLabels, selectorLabels } from './lib/labels';
import { addDisruptionBudget, httpProbe, resourceRequirements, topologySpread } from './lib/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';
import { toYaml } from './lib/yaml';

export const GRAFANA_PORT = 3000;
/** Unified alerting cluster (gossip), TCP and UDP. */
export const GRAFANA_ALERTING_PORT = 9094;
/** The `grafana` user of the official image. */
export const GRAFANA_UID = 472;
/**
 * The API server refuses objects above 1 MiB; a dashboard is refused above
 * 95% of that, the share the `configmap-size` policy allows, leaving room
 * for the ConfigMap's own metadata.
 */
export const MAX_DASHBOARD_BYTES = Math.floor(1024 * 1024 * 0.95);
/** Label of the one-dashboard ConfigMaps (policy rules find them by it). */
export const DASHBOARD_LABEL = 'monitoring-stack/grafana-dashboard';
export const DASHBOARD_FOLDER_ANNOTATION = 'monitoring-stack/grafana-folder';

const CONFIG_FILE = '/etc/grafana/grafana.ini';
const SECRETS_DIR = '/etc/grafana/secrets';
const DASHBOARD_NAME = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** Where Grafana keeps its own state. */
export type GrafanaDatabase =
  | {
      readonly type: 'sqlite';
      /** StorageClass of the SQLite volume. */
      readonly storageClassName: string;
      /** @default '10Gi' */
      readonly size?: string;
    }
  | {
      readonly type: 'postgres';
      readonly host: string;
      /** @default 5432 */
      readonly port?: number;
      /** @default 'grafana' */
      readonly name?: string;
      /** @default 'grafana' */
      readonly user?: string;
      /** @default 'require' */
      readonly sslMode?: 'disable' | 'require' | 'verify-ca' | 'verify-full';
      /** The password: a key of a Secret in the namespace, created by the user. */
      readonly passwordSecret: { readonly name: string; readonly key: string };
    };

export interface GrafanaProps {
  readonly namespace: string;
  readonly image: string;
  /** Public URL of the UI (`root_url`), used in links and redirects. */
  readonly rootUrl: string;
  /** The Secret with the admin login, created by the user. */
  readonly adminSecret: { readonly name: string; readonly userKey: string; readonly passwordKey: string };
  readonly database: GrafanaDatabase;
  /** Where the data sources are. */
  readonly datasources: GrafanaDatasourceSettings;
  /** More than one needs a `postgres` database. @default 1 */
  readonly replicas?: number;
  /** @default - 100m / 256Mi requested, 1 / 512Mi limit */
  readonly resources?: Resources;
}

interface Dashboard {
  readonly folder: DashboardFolder;
  readonly name: string;
  readonly configMapName: string;
}

export class Grafana extends Construct {
  static readonly NAME = 'grafana';
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly replicas: number;
  readonly serviceName = Grafana.NAME;
  /** Headless Service whose name resolves to every replica: the alerting peers. Only with more than one replica. */
  readonly alertingServiceName = `${Grafana.NAME}-alerting`;
  readonly port = GRAFANA_PORT;
  readonly alertingPort = GRAFANA_ALERTING_PORT;
  /** The rendered `grafana.ini`. */
  readonly iniText: string;
  /** The rendered data sources provisioning file. */
  readonly datasourcesYaml: string;
  /** The database the replicas use, for network flows. */
  readonly database: GrafanaDatabase;

  private readonly labels: Record<string, string>;
  private readonly folders = new Map<string, DashboardFolder>();
  private readonly dashboards: Dashboard[] = [];
  private readonly dashboardJson = new Map<string, string>();

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const name = Grafana.NAME;
    this.namespace = props.namespace;
    this.replicas = props.replicas ?? 1;
    this.database = props.database;
    if (this.replicas > 1 && props.database.type === 'sqlite') {
      throw new Error(`Grafana: 'replicas' is ${this.replicas} with an SQLite database; SQLite lives on one replica's volume and cannot be shared. Use a 'postgres' database or 1 replica`);
    }
    this.labels = componentLabels(name, 'dashboards', props.image);
    this.podLabels = selectorLabels(name);

    this.iniText = grafanaIniText({
      rootUrl: props.rootUrl,
      httpPort: GRAFANA_PORT,
      adminUserFile: `${SECRETS_DIR}/admin/${props.adminSecret.userKey}`,
      adminPasswordFile: `${SECRETS_DIR}/admin/${props.adminSecret.passwordKey}`,
      database: this.databaseSettings(props.database),
      alertingHa: this.replicas > 1 ? { peers: `${this.alertingServiceName}.${this.namespace}.svc:${GRAFANA_ALERTING_PORT}`, port: GRAFANA_ALERTING_PORT } : undefined,
    });
    this.datasourcesYaml = toYaml(renderGrafanaDatasources(props.datasources));

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: this.namespace, labels: this.labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: `${name}-config`, namespace: this.namespace, labels: this.labels }, data: { 'grafana.ini': this.iniText } });
    new k8s.KubeConfigMap(this, 'datasources', {
      metadata: { name: `${name}-datasources`, namespace: this.namespace, labels: this.labels },
      data: { 'datasources.yaml': this.datasourcesYaml },
    });
    new k8s.KubeConfigMap(this, 'dashboard-providers', {
      metadata: { name: `${name}-dashboard-providers`, namespace: this.namespace, labels: this.labels },
      // Folders are known only once every dashboard is added: rendered at synth.
      data: { 'dashboards.yaml': Lazy.any({ produce: () => this.providersYaml() }) },
    });
    if (props.database.type === 'sqlite') {
      new k8s.KubePersistentVolumeClaim(this, 'data', {
        metadata: { name: `${name}-data`, namespace: this.namespace, labels: this.labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: props.database.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(props.database.size ?? '10Gi') } },
        },
      });
    }

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name, namespace: this.namespace, labels: this.labels },
      spec: {
        replicas: this.replicas,
        // SQLite's volume attaches to one pod at a time: the old pod must go before the new one starts.
        strategy: props.database.type === 'sqlite' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: {
            labels: this.labels,
            annotations: { 'checksum/config': Lazy.any({ produce: () => this.checksum() }) },
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(GRAFANA_UID),
            topologySpreadConstraints: topologySpread(this.podLabels),
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'GF_PATHS_CONFIG', value: CONFIG_FILE },
                  { name: GRAFANA_POD_IP_ENV, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                ],
                ports: [{ name: 'http', containerPort: GRAFANA_PORT, protocol: 'TCP' }, ...this.alertingPorts()],
                resources: resourceRequirements(props.resources ?? makeResources('100m', '256Mi', '1', '512Mi')),
                securityContext: restrictedContainerSecurityContext(GRAFANA_UID),
                // Database migrations on a version upgrade can take minutes before /api/health answers.
                startupProbe: httpProbe('/api/health', 'http', 10, 60),
                readinessProbe: httpProbe('/api/health', 'http', 10, 3),
                livenessProbe: httpProbe('/api/health', 'http', 15, 4),
                volumeMounts: Lazy.any({ produce: () => this.volumeMounts(props) }),
              },
            ],
            volumes: Lazy.any({ produce: () => this.volumes(props) }),
          },
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata: { name: this.serviceName, namespace: this.namespace, labels: this.labels },
      spec: { selector: this.podLabels, ports: [{ name: 'http', port: GRAFANA_PORT, targetPort: k8s.IntOrString.fromString('http') }] },
    });
    if (this.replicas > 1) {
      new k8s.KubeService(this, 'alerting', {
        metadata: { name: this.alertingServiceName, namespace: this.namespace, labels: this.labels },
        spec: {
          clusterIp: 'None',
          // Peers must find each other before they are ready, or a fresh cluster never forms.
          publishNotReadyAddresses: true,
          selector: this.podLabels,
          ports: this.alertingPorts().map((p) => ({ name: p.name, port: p.containerPort, protocol: p.protocol, targetPort: k8s.IntOrString.fromString(p.name!) })),
        },
      });
    }
    addDisruptionBudget(this, name, this.namespace, this.podLabels, this.replicas, this.labels);
  }

  /**
   * Provision a dashboard into a folder: its own ConfigMap, mounted as its
   * own directory under the folder's. Names are unique across folders (they
   * name the ConfigMap and default the dashboard's UID).
   */
  addDashboard(folder: string, name: string, dashboard: Record<string, unknown>): void {
    if (!DASHBOARD_NAME.test(name)) {
      throw new Error(`Grafana.addDashboard: name "${name}" must be lower-case letters, digits and "-", at most 40 characters (it names a ConfigMap and a volume)`);
    }
    const existing = this.dashboards.find((d) => d.name === name);
    if (existing) throw new Error(`Grafana.addDashboard: dashboard "${name}" is already provisioned (folder "${existing.folder.title}"); give each dashboard a unique name`);
    const slug = folderSlug(folder);
    if (!slug) throw new Error(`Grafana.addDashboard: folder "${folder}" has no letters or digits to name its directory`);
    const known = this.folders.get(slug);
    if (known && known.title !== folder) {
      throw new Error(`Grafana.addDashboard: folder "${folder}" and folder "${known.title}" would share the directory "${slug}"; rename one`);
    }
    const json = JSON.stringify({ ...dashboard, uid: dashboard.uid ?? name, id: null }, null, 1);
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_DASHBOARD_BYTES) {
      throw new Error(`Grafana.addDashboard: dashboard "${name}" is ${bytes} bytes of JSON; a ConfigMap must stay under 1 MiB (at most ${MAX_DASHBOARD_BYTES} bytes here). Split it into several dashboards`);
    }
    const entry: Dashboard = { folder: known ?? { title: folder, slug }, name, configMapName: `${Grafana.NAME}-dashboard-${name}` };
    this.folders.set(slug, entry.folder);
    this.dashboards.push(entry);
    this.dashboardJson.set(name, json);
    new k8s.KubeConfigMap(this, `dashboard-${name}`, {
      metadata: {
        name: entry.configMapName,
        namespace: this.namespace,
        labels: { ...this.labels, [DASHBOARD_LABEL]: 'true' },
        annotations: { [DASHBOARD_FOLDER_ANNOTATION]: folder },
      },
      data: { [`${name}.json`]: json },
    });
  }

  private databaseSettings(database: GrafanaDatabase): GrafanaDatabaseSettings {
    if (database.type === 'sqlite') return { type: 'sqlite' };
    return {
      type: 'postgres',
      host: database.host,
      port: database.port ?? 5432,
      name: database.name ?? 'grafana',
      user: database.user ?? 'grafana',
      sslMode: database.sslMode ?? 'require',
      passwordFile: `${SECRETS_DIR}/database/${database.passwordSecret.key}`,
    };
  }

  private alertingPorts(): k8s.ContainerPort[] {
    if (this.replicas < 2) return [];
    return [
      { name: 'alerting-tcp', containerPort: GRAFANA_ALERTING_PORT, protocol: 'TCP' },
      { name: 'alerting-udp', containerPort: GRAFANA_ALERTING_PORT, protocol: 'UDP' },
    ];
  }

  private providersYaml(): string {
    return toYaml(renderDashboardProviders([...this.folders.values()]));
  }

  /** Hash of every mounted ConfigMap, in volume order (what the `config-changes-roll` policy recomputes). */
  private checksum(): string {
    const dashboards = this.dashboards.map((d) => this.dashboardJson.get(d.name)!);
    return configChecksumAnnotation(this.iniText, this.datasourcesYaml, this.providersYaml(), ...dashboards)['checksum/config'];
  }

  private volumes(props: GrafanaProps): k8s.Volume[] {
    const data: k8s.Volume =
      props.database.type === 'sqlite' ? { name: 'data', persistentVolumeClaim: { claimName: `${Grafana.NAME}-data` } } : { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } };
    return [
      { name: 'config', configMap: { name: `${Grafana.NAME}-config` } },
      { name: 'datasources', configMap: { name: `${Grafana.NAME}-datasources` } },
      { name: 'dashboard-providers', configMap: { name: `${Grafana.NAME}-dashboard-providers` } },
      data,
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
      { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
      // Not optional: without the admin login Grafana would create the default admin/admin.
      { name: 'admin', secret: { secretName: props.adminSecret.name, defaultMode: 0o440, items: [{ key: props.adminSecret.userKey, path: props.adminSecret.userKey }, { key: props.adminSecret.passwordKey, path: props.adminSecret.passwordKey }] } },
      ...(props.database.type === 'postgres'
        ? [{ name: 'database', secret: { secretName: props.database.passwordSecret.name, defaultMode: 0o440, items: [{ key: props.database.passwordSecret.key, path: props.database.passwordSecret.key }] } }]
        : []),
      ...this.dashboards.map((d) => ({ name: `dashboard-${d.name}`, configMap: { name: d.configMapName } })),
    ];
  }

  private volumeMounts(props: GrafanaProps): k8s.VolumeMount[] {
    return [
      { name: 'config', mountPath: CONFIG_FILE, subPath: 'grafana.ini', readOnly: true },
      { name: 'datasources', mountPath: `${GRAFANA_PROVISIONING_DIR}/datasources`, readOnly: true },
      { name: 'dashboard-providers', mountPath: `${GRAFANA_PROVISIONING_DIR}/dashboards`, readOnly: true },
      { name: 'data', mountPath: GRAFANA_DATA_DIR },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'logs', mountPath: '/var/log/grafana' },
      { name: 'admin', mountPath: `${SECRETS_DIR}/admin`, readOnly: true },
      ...(props.database.type === 'postgres' ? [{ name: 'database', mountPath: `${SECRETS_DIR}/database`, readOnly: true }] : []),
      ...this.dashboards.map((d) => ({ name: `dashboard-${d.name}`, mountPath: `${folderDirectory(d.folder)}/${d.name}`, readOnly: true })),
    ];
  }
}
