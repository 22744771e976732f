/**
 * Jaeger v2 (the OpenTelemetry-collector based binary) in its two roles:
 * collectors receiving OTLP (gRPC 4317, HTTP 4318) from applications in any
 * namespace, and query serving the UI and API (16686). Both expose their
 * metrics (8888) and a health endpoint (13133, `/status`).
 *
 * Storage decides the topology:
 * - Badger keeps traces on one volume that one process opens at a time, so
 *   both roles run in a single pod (a StatefulSet of one): for small
 *   single-node installs.
 * - Elasticsearch / OpenSearch is shared: collectors and query are separate
 *   Deployments that scale on their own, credentials come from a Secret
 *   through env vars, and a CronJob deletes daily indices past retention.
 *
 * The Services are the same either way (`jaeger-collector`, `jaeger-query`),
 * so applications and Grafana do not care which storage is configured.
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import {
  ES_PASSWORD_ENV,
  ES_USERNAME_ENV,
  JAEGER_HEALTH_PORT,
  JAEGER_METRICS_PORT,
  JAEGER_OTLP_GRPC_PORT,
  JAEGER_OTLP_HTTP_PORT,
  JAEGER_UI_PORT,
  type JaegerRole,
  type JaegerStorageSettings,
  renderJaegerConfig,
} from './jaeger-config';
import { configChecksumAnnotation } from './lib/checksum';
import { componentLabels, selectorLabels } from './lib/labels';
import { addDisruptionBudget, resourceRequirements, topologySpread, volumeClaimTemplate } from './lib/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';
import { toYaml } from './lib/yaml';

/** The user of the official images (`USER 10001`). */
export const JAEGER_UID = 10001;
const CONFIG_DIR = '/etc/jaeger';
const BADGER_DIR = '/badger';

/** Where traces are kept. */
export type JaegerStorage =
  | {
      readonly type: 'badger';
      readonly storageClassName: string;
      /** @default '20Gi' */
      readonly size?: string;
      /** Go duration. @default '72h' */
      readonly retention?: string;
    }
  | {
      readonly type: 'elasticsearch' | 'opensearch';
      readonly urls: readonly string[];
      /** A Secret in the namespace, created by the user. */
      readonly credentialsSecret: { readonly name: string; readonly usernameKey: string; readonly passwordKey: string };
      /** @default 'jaeger' */
      readonly indexPrefix?: string;
      /** @default 3 */
      readonly shards?: number;
      /** @default 1 */
      readonly replicas?: number;
      /** Daily indices older than this are deleted by the index cleaner. */
      readonly retentionDays: number;
      /** The index cleaner CronJob. */
      readonly cleaner: { readonly image: string; /** @default '55 23 * * *' */ readonly schedule?: string };
    };

export interface JaegerProps {
  readonly namespace: string;
  readonly image: string;
  readonly storage: JaegerStorage;
  /** More than one needs Elasticsearch or OpenSearch. @default 1 */
  readonly collectorReplicas?: number;
  /** @default 1 */
  readonly queryReplicas?: number;
  /** @default - 100m / 256Mi requested, 1 / 1Gi limit */
  readonly collectorResources?: Resources;
  /** @default - 50m / 128Mi requested, 500m / 512Mi limit */
  readonly queryResources?: Resources;
}

/** One Jaeger workload: its role, pods and configuration. */
interface RoleSpec {
  readonly role: JaegerRole;
  readonly instance: string;
  readonly component: string;
  readonly replicas: number;
  readonly resources: Resources;
}

export class Jaeger extends Construct {
  static readonly NAME = 'jaeger';
  readonly namespace: string;
  /** Every Jaeger pod (scraping, storage egress). */
  readonly podLabels: Record<string, string> = { 'app.kubernetes.io/name': Jaeger.NAME };
  /** Pods receiving OTLP. */
  readonly collectorPodLabels: Record<string, string>;
  /** Pods serving the UI and API. */
  readonly queryPodLabels: Record<string, string>;
  readonly collectorReplicas: number;
  readonly queryReplicas: number;
  readonly collectorServiceName = `${Jaeger.NAME}-collector`;
  readonly queryServiceName = `${Jaeger.NAME}-query`;
  readonly otlpGrpcPort = JAEGER_OTLP_GRPC_PORT;
  readonly otlpHttpPort = JAEGER_OTLP_HTTP_PORT;
  readonly queryPort = JAEGER_UI_PORT;
  readonly metricsPort = JAEGER_METRICS_PORT;
  readonly storageType: JaegerStorage['type'];
  /** Rendered configuration per workload name. */
  readonly configs: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: JaegerProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.storageType = props.storage.type;
    this.collectorReplicas = props.collectorReplicas ?? 1;
    this.queryReplicas = props.queryReplicas ?? 1;
    Jaeger.validateTopology(props.storage.type, this.collectorReplicas, this.queryReplicas);
    const collectorResources = props.collectorResources ?? makeResources('100m', '256Mi', '1', '1Gi');
    const queryResources = props.queryResources ?? makeResources('50m', '128Mi', '500m', '512Mi');

    if (props.storage.type === 'badger') {
      const spec: RoleSpec = { role: 'all-in-one', instance: Jaeger.NAME, component: 'tracing', replicas: 1, resources: collectorResources };
      this.collectorPodLabels = selectorLabels(Jaeger.NAME, spec.instance);
      this.queryPodLabels = this.collectorPodLabels;
      this.addWorkload(props, spec, { type: 'badger', directory: BADGER_DIR, ttl: props.storage.retention ?? '72h' });
    } else {
      const settings: JaegerStorageSettings = {
        type: props.storage.type,
        urls: props.storage.urls,
        indexPrefix: props.storage.indexPrefix ?? 'jaeger',
        shards: props.storage.shards ?? 3,
        replicas: props.storage.replicas ?? 1,
      };
      const collector: RoleSpec = { role: 'collector', instance: this.collectorServiceName, component: 'trace-collector', replicas: this.collectorReplicas, resources: collectorResources };
      const query: RoleSpec = { role: 'query', instance: this.queryServiceName, component: 'trace-query', replicas: this.queryReplicas, resources: queryResources };
      this.collectorPodLabels = selectorLabels(Jaeger.NAME, collector.instance);
      this.queryPodLabels = selectorLabels(Jaeger.NAME, query.instance);
      this.addWorkload(props, collector, settings);
      this.addWorkload(props, query, settings);
      this.addIndexCleaner(props.storage);
    }

    const labels = componentLabels(Jaeger.NAME, 'tracing', props.image);
    new k8s.KubeService(this, 'collector-service', {
      metadata: { name: this.collectorServiceName, namespace: this.namespace, labels },
      spec: {
        selector: this.collectorPodLabels,
        ports: [
          { name: 'otlp-grpc', port: JAEGER_OTLP_GRPC_PORT, targetPort: k8s.IntOrString.fromString('otlp-grpc'), appProtocol: 'grpc' },
          { name: 'otlp-http', port: JAEGER_OTLP_HTTP_PORT, targetPort: k8s.IntOrString.fromString('otlp-http') },
        ],
      },
    });
    new k8s.KubeService(this, 'query-service', {
      metadata: { name: this.queryServiceName, namespace: this.namespace, labels },
      spec: { selector: this.queryPodLabels, ports: [{ name: 'query', port: JAEGER_UI_PORT, targetPort: k8s.IntOrString.fromString('query') }] },
    });
  }

  /** Refuse replicas that Badger cannot serve, saying why. */
  static validateTopology(storage: JaegerStorage['type'], collectorReplicas: number, queryReplicas: number): void {
    if (storage !== 'badger') return;
    const problems: string[] = [];
    if (collectorReplicas > 1) problems.push(`'collectorReplicas' is ${collectorReplicas} with Badger storage, which one process opens at a time; use Elasticsearch/OpenSearch or 1 replica`);
    if (queryReplicas > 1) problems.push(`'queryReplicas' is ${queryReplicas} with Badger storage; query runs in the single Badger pod`);
    if (problems.length > 0) throw new Error(`Jaeger: ${problems.join('; ')}`);
  }

  private addWorkload(props: JaegerProps, spec: RoleSpec, storage: JaegerStorageSettings): ApiObject {
    const name = spec.instance;
    const labels = componentLabels(Jaeger.NAME, spec.component, props.image, spec.instance);
    const podLabels = selectorLabels(Jaeger.NAME, spec.instance);
    const configYaml = toYaml(renderJaegerConfig({ role: spec.role, serviceName: name, storage }));
    this.configs[name] = configYaml;
    // Each workload's objects in their own scope: the roles share construct ids (service-account, pdb, ...).
    const scope = new Construct(this, name);

    new k8s.KubeServiceAccount(scope, 'service-account', { metadata: { name, namespace: this.namespace, labels }, automountServiceAccountToken: false });
    new k8s.KubeConfigMap(scope, 'config', { metadata: { name: `${name}-config`, namespace: this.namespace, labels }, data: { 'jaeger.yaml': configYaml } });

    const ingests = spec.role !== 'query';
    const serves = spec.role !== 'collector';
    const podSpec: k8s.PodSpec = {
      serviceAccountName: name,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(JAEGER_UID),
      topologySpreadConstraints: topologySpread(podLabels),
      containers: [
        {
          name: Jaeger.NAME,
          image: props.image,
          imagePullPolicy: 'IfNotPresent',
          args: [`--config=${CONFIG_DIR}/jaeger.yaml`],
          env: storage.type === 'badger' ? undefined : this.credentialsEnv(props.storage),
          ports: [
            ...(ingests
              ? [
                  { name: 'otlp-grpc', containerPort: JAEGER_OTLP_GRPC_PORT, protocol: 'TCP' },
                  { name: 'otlp-http', containerPort: JAEGER_OTLP_HTTP_PORT, protocol: 'TCP' },
                ]
              : []),
            ...(serves ? [{ name: 'query', containerPort: JAEGER_UI_PORT, protocol: 'TCP' }] : []),
            { name: 'metrics', containerPort: JAEGER_METRICS_PORT, protocol: 'TCP' },
          ],
          resources: resourceRequirements(spec.resources),
          securityContext: restrictedContainerSecurityContext(JAEGER_UID),
          // The health port is probed by the kubelet only, so it is not published as a container port.
          readinessProbe: healthProbe(10, 3),
          livenessProbe: healthProbe(15, 4),
          volumeMounts: [
            { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
            ...(storage.type === 'badger' ? [{ name: 'data', mountPath: BADGER_DIR }] : []),
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: `${name}-config` } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
      ],
    };
    const template = { metadata: { labels, annotations: configChecksumAnnotation(configYaml) }, spec: podSpec };

    addDisruptionBudget(scope, name, this.namespace, podLabels, spec.replicas, labels);
    if (props.storage.type === 'badger') {
      return new k8s.KubeStatefulSet(scope, 'statefulset', {
        metadata: { name, namespace: this.namespace, labels },
        spec: {
          // The collector Service is its governing Service: pod DNS names are not used, but the field is required.
          serviceName: this.collectorServiceName,
          replicas: 1,
          selector: { matchLabels: podLabels },
          template,
          volumeClaimTemplates: [volumeClaimTemplate('data', props.storage.storageClassName, props.storage.size ?? '20Gi', podLabels)],
        },
      });
    }
    return new k8s.KubeDeployment(scope, 'deployment', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        replicas: spec.replicas,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        selector: { matchLabels: podLabels },
        template,
      },
    });
  }

  private credentialsEnv(storage: JaegerStorage): k8s.EnvVar[] {
    if (storage.type === 'badger') return [];
    const secret = storage.credentialsSecret;
    return [
      { name: ES_USERNAME_ENV, valueFrom: { secretKeyRef: { name: secret.name, key: secret.usernameKey } } },
      { name: ES_PASSWORD_ENV, valueFrom: { secretKeyRef: { name: secret.name, key: secret.passwordKey } } },
    ];
  }

  /** Deletes daily indices older than the retention, once a day. */
  private addIndexCleaner(storage: Extract<JaegerStorage, { type: 'elasticsearch' | 'opensearch' }>): void {
    const name = `${Jaeger.NAME}-es-index-cleaner`;
    const labels = componentLabels(Jaeger.NAME, 'trace-retention', storage.cleaner.image, name);
    new k8s.KubeServiceAccount(this, 'index-cleaner-service-account', { metadata: { name, namespace: this.namespace, labels }, automountServiceAccountToken: false });
    new k8s.KubeCronJob(this, 'index-cleaner', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        schedule: storage.cleaner.schedule ?? '55 23 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 3,
            activeDeadlineSeconds: 1800,
            ttlSecondsAfterFinished: 86400,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'OnFailure',
                serviceAccountName: name,
                automountServiceAccountToken: false,
                securityContext: restrictedPodSecurityContext(JAEGER_UID),
                containers: [
                  {
                    name: 'es-index-cleaner',
                    image: storage.cleaner.image,
                    imagePullPolicy: 'IfNotPresent',
                    // <days> <url>: deletes indices older than today minus <days>.
                    args: [String(storage.retentionDays), storage.urls[0]],
                    env: [...this.credentialsEnv(storage), { name: 'ES_INDEX_PREFIX', value: storage.indexPrefix ?? 'jaeger' }],
                    resources: resourceRequirements(makeResources('10m', '32Mi', '200m', '128Mi')),
                    securityContext: restrictedContainerSecurityContext(JAEGER_UID),
                  },
                ],
              },
            },
          },
        },
      },
    });
  }
}

function healthProbe(periodSeconds: number, failureThreshold: number): k8s.Probe {
  return { httpGet: { path: '/status', port: k8s.IntOrString.fromNumber(JAEGER_HEALTH_PORT) }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}
