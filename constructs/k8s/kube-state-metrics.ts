/**
 * kube-state-metrics: the `kube_*` series about Kubernetes objects (pod
 * phase and restarts, Deployment and StatefulSet replicas, PVCs, HPAs,
 * nodes) that the alert catalogue needs. One replica: two would export each
 * series twice.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import { componentLabels, selectorLabels } from './lib/labels';
import { httpProbe, resourceRequirements, topologySpread } from './lib/scheduling';
import { NOBODY, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';

export const KSM_METRICS_PORT = 8080;
export const KSM_TELEMETRY_PORT = 8081;

/** The object kinds exported, and the list/watch access each needs. */
const RESOURCES: Array<{ apiGroup: string; resources: string[] }> = [
  { apiGroup: '', resources: ['configmaps', 'secrets', 'nodes', 'pods', 'services', 'serviceaccounts', 'resourcequotas', 'replicationcontrollers', 'limitranges', 'persistentvolumeclaims', 'persistentvolumes', 'namespaces', 'endpoints'] },
  { apiGroup: 'apps', resources: ['statefulsets', 'daemonsets', 'deployments', 'replicasets'] },
  { apiGroup: 'batch', resources: ['cronjobs', 'jobs'] },
  { apiGroup: 'autoscaling', resources: ['horizontalpodautoscalers'] },
  { apiGroup: 'policy', resources: ['poddisruptionbudgets'] },
  { apiGroup: 'certificates.k8s.io', resources: ['certificatesigningrequests'] },
  { apiGroup: 'discovery.k8s.io', resources: ['endpointslices'] },
  { apiGroup: 'storage.k8s.io', resources: ['storageclasses', 'volumeattachments'] },
  { apiGroup: 'admissionregistration.k8s.io', resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'] },
  { apiGroup: 'networking.k8s.io', resources: ['networkpolicies', 'ingresses'] },
  { apiGroup: 'coordination.k8s.io', resources: ['leases'] },
];

export interface KubeStateMetricsProps {
  readonly namespace: string;
  readonly image: string;
  /** @default - 100m / 256Mi requested, 500m / 512Mi limit */
  readonly resources?: Resources;
}

export class KubeStateMetrics extends Construct {
  static readonly NAME = 'kube-state-metrics';
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly port = KSM_METRICS_PORT;
  readonly telemetryPort = KSM_TELEMETRY_PORT;

  constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, id);
    const name = KubeStateMetrics.NAME;
    this.namespace = props.namespace;
    const labels = componentLabels(name, 'exporter', props.image);
    this.podLabels = selectorLabels(name);
    const roleName = `${this.namespace}-${name}`;

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: this.namespace, labels },
      automountServiceAccountToken: true,
    });
    new k8s.KubeClusterRole(this, 'cluster-role', {
      metadata: { name: roleName, labels },
      rules: RESOURCES.map((group) => ({ apiGroups: [group.apiGroup], resources: group.resources, verbs: ['list', 'watch'] })),
    });
    new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: roleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name, namespace: this.namespace }],
    });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        replicas: 1,
        // Recreate: a rolling update would briefly run two exporters and double every series.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            securityContext: restrictedPodSecurityContext(NOBODY),
            topologySpreadConstraints: topologySpread(this.podLabels),
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  `--port=${KSM_METRICS_PORT}`,
                  `--telemetry-port=${KSM_TELEMETRY_PORT}`,
                  // Labels that routing and dashboards use (`team`, the app name) become `kube_*_labels` series.
                  '--metric-labels-allowlist=pods=[app.kubernetes.io/name,app,team],deployments=[app.kubernetes.io/name,app,team],statefulsets=[app.kubernetes.io/name,app,team],namespaces=[team]',
                ],
                ports: [
                  { name: 'http-metrics', containerPort: KSM_METRICS_PORT, protocol: 'TCP' },
                  { name: 'telemetry', containerPort: KSM_TELEMETRY_PORT, protocol: 'TCP' },
                ],
                resources: resourceRequirements(props.resources ?? makeResources('100m', '256Mi', '500m', '512Mi')),
                securityContext: restrictedContainerSecurityContext(NOBODY),
                livenessProbe: httpProbe('/livez', 'http-metrics', 15, 4),
                readinessProbe: httpProbe('/readyz', 'telemetry', 10, 3),
              },
            ],
          },
        },
      },
    });
    new k8s.KubeService(this, 'service', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        selector: this.podLabels,
        ports: [
          { name: 'http-metrics', port: KSM_METRICS_PORT, targetPort: k8s.IntOrString.fromString('http-metrics') },
          { name: 'telemetry', port: KSM_TELEMETRY_PORT, targetPort: k8s.IntOrString.fromString('telemetry') },
        ],
      },
    });
  }
}
