/**
 * Prometheus as an HA pair done right: a StatefulSet whose replicas scrape
 * the same targets independently, each on its own encrypted volume (never a
 * shared one: the TSDB does not support it), with a per-pod `replica`
 * external label, a headless Service for stable pod names, and a client
 * Service with ClientIP affinity so a dashboard keeps reading one replica.
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import { MAX_RETENTION_SHARE } from '../../config/checks';
import { prometheusSizeToBytes, quantityToBytes, retentionSizeFor } from '../../config/units';
import { configChecksumAnnotation } from './lib/checksum';
import { componentLabels, selectorLabels } from './lib/labels';
import { addDisruptionBudget, httpProbe, resourceRequirements, topologySpread, volumeClaimTemplate } from './lib/scheduling';
import { NOBODY, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';
import { toYaml } from './lib/yaml';
import { REPLICA_ENV, renderPrometheusConfig, type PrometheusConfigSettings } from './prometheus-config';
import { ThanosSidecar, type ThanosSidecarProps } from './thanos-sidecar';

/** Port of the web UI, API and `/metrics`. */
export const PROMETHEUS_PORT = 9090;
const CONFIG_DIR = '/etc/prometheus';
const RULES_DIR = '/etc/prometheus/rules';
const DATA_DIR = '/prometheus';

export interface PrometheusProps {
  readonly namespace: string;
  /** Pinned image. */
  readonly image: string;
  /** What `prometheus.yml` contains, except the rule glob, which the construct owns. */
  readonly config: Omit<PrometheusConfigSettings, 'ruleFilesGlob'>;
  /** Rule files by name (`*.rules.yml`) and content. */
  readonly ruleFiles?: Record<string, string>;
  /** StorageClass of the per-replica volumes. */
  readonly storageClassName: string;
  /** @default 2 */
  readonly replicas?: number;
  /** @default '50Gi' */
  readonly storageSize?: string;
  /** @default '15d' */
  readonly retentionTime?: string;
  /** Prometheus size units; @default - 85% of `storageSize` */
  readonly retentionSize?: string;
  /** @default - 500m / 2Gi requested, 2 / 4Gi limit */
  readonly resources?: Resources;
  /** URL users reach the UI at; used in alert links (`generatorURL`). @default - none */
  readonly externalUrl?: string;
  /** Annotations of the ServiceAccount (IRSA role ARN). */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /**
   * Ship finished blocks to S3 with a Thanos sidecar in each pod (turns
   * off local compaction: blocks stay 2 hours long). @default - no sidecar
   */
  readonly thanosSidecar?: Pick<ThanosSidecarProps, 'image' | 'objectStorage' | 'resources'>;
}

export class Prometheus extends Construct {
  static readonly NAME = 'prometheus';
  /** Selector labels of the pods. */
  readonly podLabels: Record<string, string>;
  readonly namespace: string;
  readonly replicas: number;
  readonly retentionSize: string;
  /** The rendered `prometheus.yml`. */
  readonly configYaml: string;
  /** The StatefulSet, for constructs that add containers (the Thanos sidecar). */
  readonly statefulSet: ApiObject;
  /** The block-shipping sidecar, when enabled. */
  readonly thanosSidecar?: ThanosSidecar;
  /** The Service clients use: ClientIP-affine so graphs do not flip between replicas. */
  readonly serviceName = Prometheus.NAME;
  /** The governing headless Service: `prometheus-0.prometheus-headless`. */
  readonly headlessServiceName = `${Prometheus.NAME}-headless`;
  readonly port = PROMETHEUS_PORT;

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const name = Prometheus.NAME;
    this.namespace = props.namespace;
    this.replicas = props.replicas ?? 2;
    const storageSize = props.storageSize ?? '50Gi';
    this.retentionSize = props.retentionSize ?? retentionSizeFor(storageSize, MAX_RETENTION_SHARE);
    if (prometheusSizeToBytes(this.retentionSize) > quantityToBytes(storageSize) * MAX_RETENTION_SHARE) {
      throw new Error(`Prometheus: 'retentionSize' (${this.retentionSize}) exceeds 85% of 'storageSize' (${storageSize}); compaction needs free space`);
    }
    const labels = componentLabels(name, 'metrics', props.image);
    this.podLabels = selectorLabels(name);
    const ruleFiles = props.ruleFiles ?? {};
    for (const file of Object.keys(ruleFiles)) {
      if (!file.endsWith('.rules.yml')) throw new Error(`Prometheus: rule file "${file}" must be named *.rules.yml, the glob prometheus.yml loads`);
    }
    this.configYaml = toYaml(renderPrometheusConfig({ ...props.config, ruleFilesGlob: `${RULES_DIR}/*.rules.yml` }));
    const rulesYaml = Object.keys(ruleFiles).sort().map((file) => ruleFiles[file]);
    if (props.thanosSidecar) {
      this.thanosSidecar = new ThanosSidecar(this, 'thanos-sidecar', {
        ...props.thanosSidecar,
        namespace: this.namespace,
        configMapName: `${name}-thanos-objstore`,
        dataDir: DATA_DIR,
        dataVolume: 'data',
        prometheusPort: PROMETHEUS_PORT,
      });
    }
    const sidecar = this.thanosSidecar;

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: this.namespace, labels, annotations: props.serviceAccountAnnotations },
      // Prometheus calls the API server for discovery, so this one needs its token.
      automountServiceAccountToken: true,
    });
    this.addDiscoveryRbac(name, labels);

    new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: `${name}-config`, namespace: this.namespace, labels },
      data: { 'prometheus.yml': this.configYaml },
    });
    new k8s.KubeConfigMap(this, 'rules', {
      metadata: { name: `${name}-rules`, namespace: this.namespace, labels },
      data: ruleFiles,
    });

    const args = [
      `--config.file=${CONFIG_DIR}/prometheus.yml`,
      `--storage.tsdb.path=${DATA_DIR}`,
      `--storage.tsdb.retention.time=${props.retentionTime ?? '15d'}`,
      `--storage.tsdb.retention.size=${this.retentionSize}`,
      `--web.listen-address=:${PROMETHEUS_PORT}`,
      ...(props.externalUrl ? [`--web.external-url=${props.externalUrl}`] : []),
      ...(sidecar ? sidecar.prometheusArgs : []),
    ];

    this.statefulSet = new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        serviceName: this.headlessServiceName,
        replicas: this.replicas,
        // Replicas are independent: start them together rather than one after another.
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: { labels, annotations: configChecksumAnnotation(this.configYaml, ...rulesYaml, ...(sidecar ? [sidecar.objstoreYaml] : [])) },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            securityContext: restrictedPodSecurityContext(NOBODY),
            topologySpreadConstraints: topologySpread(this.podLabels),
            // Let a TSDB flush its head block on shutdown.
            terminationGracePeriodSeconds: 600,
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args,
                env: [{ name: REPLICA_ENV, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                ports: [{ name: 'web', containerPort: PROMETHEUS_PORT, protocol: 'TCP' }],
                resources: resourceRequirements(props.resources ?? makeResources('500m', '2Gi', '2', '4Gi')),
                securityContext: restrictedContainerSecurityContext(NOBODY),
                // Replaying a large WAL takes minutes; liveness must not kill a replica that is still starting.
                startupProbe: httpProbe('/-/ready', 'web', 15, 80),
                readinessProbe: httpProbe('/-/ready', 'web', 10, 3),
                livenessProbe: httpProbe('/-/healthy', 'web', 15, 4),
                volumeMounts: [
                  { name: 'config', mountPath: CONFIG_DIR + '/prometheus.yml', subPath: 'prometheus.yml', readOnly: true },
                  { name: 'rules', mountPath: RULES_DIR, readOnly: true },
                  { name: 'data', mountPath: DATA_DIR },
                ],
              },
              ...(sidecar ? [sidecar.container] : []),
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              { name: 'rules', configMap: { name: `${name}-rules` } },
              ...(sidecar ? sidecar.volumes : []),
            ],
          },
        },
        volumeClaimTemplates: [volumeClaimTemplate('data', props.storageClassName, storageSize, selectorLabels(name))],
      },
    });

    new k8s.KubeService(this, 'headless', {
      metadata: { name: this.headlessServiceName, namespace: this.namespace, labels },
      spec: {
        clusterIp: 'None',
        selector: this.podLabels,
        ports: [{ name: 'web', port: PROMETHEUS_PORT, targetPort: k8s.IntOrString.fromString('web') }],
      },
    });
    new k8s.KubeService(this, 'service', {
      metadata: { name: this.serviceName, namespace: this.namespace, labels },
      spec: {
        selector: this.podLabels,
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIp: { timeoutSeconds: 10800 } },
        ports: [{ name: 'web', port: PROMETHEUS_PORT, targetPort: k8s.IntOrString.fromString('web') }],
      },
    });
    addDisruptionBudget(this, name, this.namespace, this.podLabels, this.replicas, labels);
  }

  /** Read-only access to what service discovery and the kubelet scrapes need, cluster-wide. */
  private addDiscoveryRbac(name: string, labels: Record<string, string>): void {
    const roleName = `${this.namespace}-${name}`;
    new k8s.KubeClusterRole(this, 'cluster-role', {
      metadata: { name: roleName, labels },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { nonResourceUrLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: roleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name, namespace: this.namespace }],
    });
  }
}
