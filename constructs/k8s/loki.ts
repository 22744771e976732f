/**
 * Loki 3.x as a single binary (every role in each pod) in a StatefulSet.
 *
 * One replica keeps chunks on its own volume. Several replicas are only
 * correct with object storage shared by all of them, a memberlist ring
 * (gossip through a headless Service) and a replication factor the ring
 * can honour; anything else is refused here and in the configuration
 * checks. Each replica still has its own volume for the WAL and the index
 * cache, so an ingester restart loses nothing it acknowledged.
 *
 * On S3 the ServiceAccount carries the IRSA role (`eks.amazonaws.com/role-arn`),
 * so no access key is ever configured, and objects are encrypted with KMS.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import { configChecksumAnnotation } from './lib/checksum';
import { componentLabels, selectorLabels } from './lib/labels';
import { addDisruptionBudget, httpProbe, resourceRequirements, topologySpread, volumeClaimTemplate } from './lib/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';
import { toYaml } from './lib/yaml';
import { LOKI_DATA_DIR, LOKI_GRPC_PORT, LOKI_HTTP_PORT, LOKI_MEMBERLIST_PORT, renderLokiConfig, type LokiConfigSettings, type LokiStorageSettings } from './loki-config';

/** The `loki` user of the official image. */
export const LOKI_UID = 10001;
const CONFIG_DIR = '/etc/loki';

/** Where Loki keeps chunks and index. */
export type LokiStorage =
  | { readonly type: 'filesystem' }
  | (Extract<LokiStorageSettings, { type: 's3' }> & {
      /** IRSA role of the ServiceAccount, allowed on the bucket and the key. */
      readonly roleArn: string;
    });

export interface LokiProps {
  readonly namespace: string;
  readonly image: string;
  readonly storageClassName: string;
  readonly storage: LokiStorage;
  /** @default 1 */
  readonly replicas?: number;
  /** @default 1 */
  readonly replicationFactor?: number;
  /** Per-replica volume. @default '50Gi' */
  readonly storageSize?: string;
  /** First day of the schema period. @default '2024-04-01' */
  readonly schemaFrom?: string;
  /** @default 30 */
  readonly retentionDays?: number;
  /** @default - 4 MB/s, burst 6 MB, queries split by 30m, parallelism 32 */
  readonly limits?: { readonly ingestionRateMB: number; readonly ingestionBurstSizeMB: number; readonly splitQueriesByInterval: string; readonly maxQueryParallelism: number };
  /** @default - enabled, 100 MB */
  readonly resultsCache?: { readonly enabled: boolean; readonly maxSizeMB: number };
  /** @default - 250m / 512Mi requested, 2 / 2Gi limit */
  readonly resources?: Resources;
}

export class Loki extends Construct {
  static readonly NAME = 'loki';
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly replicas: number;
  readonly replicationFactor: number;
  /** The Service clients push to and query (`loki.<ns>.svc:3100`). */
  readonly serviceName = Loki.NAME;
  /** Governing Service of the StatefulSet: `loki-0.loki-headless`. */
  readonly headlessServiceName = `${Loki.NAME}-headless`;
  /** Headless Service the ring's members find each other through; only with more than one replica. */
  readonly memberlistServiceName = `${Loki.NAME}-memberlist`;
  readonly port = LOKI_HTTP_PORT;
  readonly grpcPort = LOKI_GRPC_PORT;
  readonly memberlistPort = LOKI_MEMBERLIST_PORT;
  readonly storage: LokiStorage;
  /** The rendered `loki.yaml`. */
  readonly configYaml: string;

  constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    const name = Loki.NAME;
    this.namespace = props.namespace;
    this.replicas = props.replicas ?? 1;
    this.replicationFactor = props.replicationFactor ?? 1;
    this.storage = props.storage;
    Loki.validateTopology(this.replicas, this.replicationFactor, props.storage.type);
    const labels = componentLabels(name, 'logs', props.image);
    this.podLabels = selectorLabels(name);
    const clustered = this.replicas > 1;

    const settings: LokiConfigSettings = {
      storage: props.storage.type === 's3' ? { type: 's3', bucket: props.storage.bucket, region: props.storage.region, kmsKeyArn: props.storage.kmsKeyArn } : { type: 'filesystem' },
      replicationFactor: this.replicationFactor,
      memberlistJoin: clustered ? [`dns+${this.memberlistServiceName}.${this.namespace}.svc:${LOKI_MEMBERLIST_PORT}`] : undefined,
      schemaFrom: props.schemaFrom ?? '2024-04-01',
      retentionDays: props.retentionDays ?? 30,
      ...(props.limits ?? { ingestionRateMB: 4, ingestionBurstSizeMB: 6, splitQueriesByInterval: '30m', maxQueryParallelism: 32 }),
      resultsCache: props.resultsCache ?? { enabled: true, maxSizeMB: 100 },
      compactorAddress: `http://${this.serviceName}.${this.namespace}.svc:${LOKI_HTTP_PORT}`,
    };
    this.configYaml = toYaml(renderLokiConfig(settings));

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: {
        name,
        namespace: this.namespace,
        labels,
        annotations: props.storage.type === 's3' ? { 'eks.amazonaws.com/role-arn': props.storage.roleArn } : undefined,
      },
      // Loki never calls the API server; the IRSA token is a separate projected volume.
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: `${name}-config`, namespace: this.namespace, labels }, data: { 'loki.yaml': this.configYaml } });

    const ports: k8s.ContainerPort[] = [
      { name: 'http', containerPort: LOKI_HTTP_PORT, protocol: 'TCP' },
      { name: 'grpc', containerPort: LOKI_GRPC_PORT, protocol: 'TCP' },
      ...(clustered ? [{ name: 'memberlist', containerPort: LOKI_MEMBERLIST_PORT, protocol: 'TCP' }] : []),
    ];
    new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        serviceName: this.headlessServiceName,
        replicas: this.replicas,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: { labels, annotations: configChecksumAnnotation(this.configYaml) },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(LOKI_UID),
            topologySpreadConstraints: topologySpread(this.podLabels),
            // Ingesters flush their chunks on shutdown.
            terminationGracePeriodSeconds: 300,
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [`-config.file=${CONFIG_DIR}/loki.yaml`, '-target=all'],
                ports,
                resources: resourceRequirements(props.resources ?? makeResources('250m', '512Mi', '2', '2Gi')),
                securityContext: restrictedContainerSecurityContext(LOKI_UID),
                // WAL replay after a crash can take minutes: liveness waits for the first ready.
                startupProbe: httpProbe('/ready', 'http', 10, 60),
                readinessProbe: httpProbe('/ready', 'http', 10, 3),
                livenessProbe: httpProbe('/loki/api/v1/status/buildinfo', 'http', 15, 4),
                volumeMounts: [
                  { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                  { name: 'data', mountPath: LOKI_DATA_DIR },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
            ],
          },
        },
        volumeClaimTemplates: [volumeClaimTemplate('data', props.storageClassName, props.storageSize ?? '50Gi', selectorLabels(name))],
      },
    });

    const servicePorts = [
      { name: 'http', port: LOKI_HTTP_PORT, targetPort: k8s.IntOrString.fromString('http') },
      { name: 'grpc', port: LOKI_GRPC_PORT, targetPort: k8s.IntOrString.fromString('grpc') },
    ];
    new k8s.KubeService(this, 'service', { metadata: { name: this.serviceName, namespace: this.namespace, labels }, spec: { selector: this.podLabels, ports: servicePorts } });
    new k8s.KubeService(this, 'headless', {
      metadata: { name: this.headlessServiceName, namespace: this.namespace, labels },
      spec: { clusterIp: 'None', selector: this.podLabels, ports: servicePorts },
    });
    if (clustered) {
      new k8s.KubeService(this, 'memberlist', {
        metadata: { name: this.memberlistServiceName, namespace: this.namespace, labels },
        spec: {
          clusterIp: 'None',
          // A starting member must find its peers before it is ready, or the ring never forms.
          publishNotReadyAddresses: true,
          selector: this.podLabels,
          ports: [{ name: 'memberlist', port: LOKI_MEMBERLIST_PORT, protocol: 'TCP', targetPort: k8s.IntOrString.fromString('memberlist') }],
        },
      });
    }
    addDisruptionBudget(this, name, this.namespace, this.podLabels, this.replicas, labels);
  }

  /** Refuse topologies that would lose or split logs, saying why. */
  static validateTopology(replicas: number, replicationFactor: number, storage: LokiStorage['type']): void {
    const problems: string[] = [];
    if (replicas > 1 && storage === 'filesystem') {
      problems.push(`'replicas' is ${replicas} with filesystem storage; each replica would hold only the chunks it wrote. Use S3 storage or 1 replica`);
    }
    if (replicationFactor > replicas) {
      problems.push(`'replicationFactor' (${replicationFactor}) exceeds 'replicas' (${replicas}); the ring cannot place that many copies, so every push would fail`);
    }
    if (problems.length > 0) throw new Error(`Loki: ${problems.join('; ')}`);
  }
}
