/**
 * The log collector: Grafana Alloy as a DaemonSet, one pod per node,
 * tailing that node's pod logs and pushing them to Loki with their
 * Kubernetes labels and trace IDs.
 *
 * It reads /var/log/pods through a read-only hostPath, which Pod Security
 * admits only in a `privileged` namespace; the chart gives it its own such
 * namespace (with the reason recorded) rather than sharing node-exporter's,
 * so each exception is explained once and the collector's flows (Loki, the
 * API server) stay separate from node-exporter's host network.
 *
 * It runs as the image's non-root `alloy` user (UID 473) with no
 * capabilities. containerd writes log files 0640 root:root, so the root
 * group is a supplemental group: read access to those files, nothing more.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import { alloyConfigText, NODE_NAME_ENV, POD_LOGS_DIR, type AlloyConfigSettings } from './alloy-config';
import { configChecksumAnnotation } from './lib/checksum';
import { componentLabels, selectorLabels } from './lib/labels';
import { httpProbe, resourceRequirements } from './lib/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';

export const ALLOY_HTTP_PORT = 12345;
/** The `alloy` user of the official image. */
export const ALLOY_UID = 473;
/** Group that may read containerd's 0640 root:root log files. */
const LOG_READER_GROUP = 0;
const CONFIG_DIR = '/etc/alloy';
const DATA_DIR = '/var/lib/alloy/data';

export interface LogCollectorProps {
  /** A `privileged` namespace (hostPath). */
  readonly namespace: string;
  readonly image: string;
  /** Where and how logs are shipped. */
  readonly config: AlloyConfigSettings;
  /** @default - 50m / 128Mi requested, 500m / 512Mi limit */
  readonly resources?: Resources;
}

export class LogCollector extends Construct {
  static readonly NAME = 'alloy';
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly port = ALLOY_HTTP_PORT;
  /** The rendered `config.alloy`. */
  readonly configText: string;

  constructor(scope: Construct, id: string, props: LogCollectorProps) {
    super(scope, id);
    const name = LogCollector.NAME;
    this.namespace = props.namespace;
    const labels = componentLabels(name, 'log-collector', props.image);
    this.podLabels = selectorLabels(name);
    this.configText = alloyConfigText(props.config);
    const roleName = `${this.namespace}-${name}`;

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: this.namespace, labels },
      // Pod discovery calls the API server.
      automountServiceAccountToken: true,
    });
    new k8s.KubeClusterRole(this, 'cluster-role', {
      metadata: { name: roleName, labels },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: roleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name, namespace: this.namespace }],
    });
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: `${name}-config`, namespace: this.namespace, labels }, data: { 'config.alloy': this.configText } });

    const podSecurity = restrictedPodSecurityContext(ALLOY_UID);
    new k8s.KubeDaemonSet(this, 'daemonset', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        selector: { matchLabels: this.podLabels },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString('10%') } },
        template: {
          metadata: { labels, annotations: configChecksumAnnotation(this.configText) },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            securityContext: { ...podSecurity, supplementalGroups: [LOG_READER_GROUP] },
            // Every node's pods log, tainted nodes included.
            tolerations: [{ operator: 'Exists' }],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  'run',
                  `${CONFIG_DIR}/config.alloy`,
                  `--server.http.listen-addr=0.0.0.0:${ALLOY_HTTP_PORT}`,
                  `--storage.path=${DATA_DIR}`,
                  // Usage reporting would call grafana.com; egress does not allow it.
                  '--disable-reporting',
                ],
                env: [{ name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
                ports: [{ name: 'http', containerPort: ALLOY_HTTP_PORT, protocol: 'TCP' }],
                resources: resourceRequirements(props.resources ?? makeResources('50m', '128Mi', '500m', '512Mi')),
                securityContext: restrictedContainerSecurityContext(ALLOY_UID),
                readinessProbe: httpProbe('/-/ready', 'http', 10, 3),
                livenessProbe: httpProbe('/-/healthy', 'http', 15, 4),
                volumeMounts: [
                  { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                  { name: 'pod-logs', mountPath: POD_LOGS_DIR, readOnly: true },
                  // Read positions: kept across container restarts; a new pod re-reads, and Loki drops the exact duplicates.
                  { name: 'data', mountPath: DATA_DIR },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              { name: 'pod-logs', hostPath: { path: POD_LOGS_DIR, type: 'Directory' } },
              { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
      },
    });
  }
}
