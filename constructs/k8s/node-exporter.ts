/**
 * node-exporter on every node: a DaemonSet on the host network and PID
 * namespace (so it sees the node's interfaces and processes), reading the
 * host's /proc, /sys and root filesystem read-only, tolerating every taint
 * and scheduled ahead of ordinary pods by its own PriorityClass.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import { componentLabels, selectorLabels } from './lib/labels';
import { httpProbe, resourceRequirements } from './lib/scheduling';
import { NOBODY, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';

export const NODE_EXPORTER_PORT = 9100;

export interface NodeExporterProps {
  /** Its own namespace: the only one that allows hostNetwork, hostPID and hostPath. */
  readonly namespace: string;
  readonly image: string;
  /** PriorityClass to create and use. */
  readonly priorityClassName: string;
  /** @default - 50m / 64Mi requested, 250m / 128Mi limit */
  readonly resources?: Resources;
}

export class NodeExporter extends Construct {
  static readonly NAME = 'node-exporter';
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly port = NODE_EXPORTER_PORT;

  constructor(scope: Construct, id: string, props: NodeExporterProps) {
    super(scope, id);
    const name = NodeExporter.NAME;
    this.namespace = props.namespace;
    const labels = componentLabels(name, 'exporter', props.image);
    this.podLabels = selectorLabels(name);

    new k8s.KubePriorityClass(this, 'priority-class', {
      metadata: { name: props.priorityClassName, labels },
      // Above ordinary workloads, far below system-node-critical (2000001000).
      value: 1000000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'node-exporter must run on every node, or the node disappears from monitoring.',
    });
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: this.namespace, labels },
      automountServiceAccountToken: false,
    });

    const hostMounts: Array<{ name: string; hostPath: string; mountPath: string; propagation?: string }> = [
      { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
      { name: 'sys', hostPath: '/sys', mountPath: '/host/sys' },
      // HostToContainer so filesystems mounted after start (new volumes) are seen.
      { name: 'root', hostPath: '/', mountPath: '/host/root', propagation: 'HostToContainer' },
    ];

    new k8s.KubeDaemonSet(this, 'daemonset', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        selector: { matchLabels: this.podLabels },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString('10%') } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            hostNetwork: true,
            hostPid: true,
            priorityClassName: props.priorityClassName,
            securityContext: restrictedPodSecurityContext(NOBODY),
            tolerations: [{ operator: 'Exists' }],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '--path.procfs=/host/proc',
                  '--path.sysfs=/host/sys',
                  '--path.rootfs=/host/root',
                  `--web.listen-address=:${NODE_EXPORTER_PORT}`,
                  // Container and kubelet mounts would add thousands of meaningless filesystem series.
                  '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)',
                  '--collector.netclass.ignored-devices=^(veth.*|eni.*|[a-f0-9]{15})$',
                  '--collector.netdev.device-exclude=^(veth.*|eni.*|[a-f0-9]{15})$',
                ],
                ports: [{ name: 'metrics', containerPort: NODE_EXPORTER_PORT, hostPort: NODE_EXPORTER_PORT, protocol: 'TCP' }],
                resources: resourceRequirements(props.resources ?? makeResources('50m', '64Mi', '250m', '128Mi')),
                securityContext: restrictedContainerSecurityContext(NOBODY),
                readinessProbe: httpProbe('/', 'metrics', 10, 3),
                livenessProbe: httpProbe('/', 'metrics', 15, 4),
                volumeMounts: hostMounts.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: true, mountPropagation: m.propagation })),
              },
            ],
            volumes: hostMounts.map((m) => ({ name: m.name, hostPath: { path: m.hostPath } })),
          },
        },
      },
    });
  }
}
