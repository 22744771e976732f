/**
 * Alertmanager as a cluster: a StatefulSet whose replicas find each other
 * through a headless Service (`alertmanager-0.alertmanager`) and gossip on
 * 9094 over TCP and UDP, so silences and the notification log are shared and
 * an alert is sent once even though every Prometheus sends it to every peer.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import { renderAlertmanagerConfig, type AlertmanagerConfigSettings } from './alertmanager-config';
import { configChecksumAnnotation } from './lib/checksum';
import { componentLabels, selectorLabels } from './lib/labels';
import { addDisruptionBudget, httpProbe, resourceRequirements, topologySpread, volumeClaimTemplate } from './lib/scheduling';
import { NOBODY, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';
import { toYaml } from './lib/yaml';

export const ALERTMANAGER_PORT = 9093;
export const ALERTMANAGER_CLUSTER_PORT = 9094;
const CONFIG_DIR = '/etc/alertmanager';
const SECRETS_DIR = '/etc/alertmanager/secrets';
const DATA_DIR = '/alertmanager';

export interface AlertmanagerProps {
  readonly namespace: string;
  readonly image: string;
  /** Routing, receivers and inhibitions; the secrets directory is the construct's. */
  readonly config: Omit<AlertmanagerConfigSettings, 'secretsDir'>;
  /** The Secret with the receivers' credentials, created by the user. */
  readonly secretName: string;
  readonly storageClassName: string;
  /** @default 2 */
  readonly replicas?: number;
  /** @default '2Gi' */
  readonly storageSize?: string;
  /** Silences and notification log retention. @default '120h' */
  readonly retention?: string;
  /** @default - 50m / 128Mi requested, 500m / 256Mi limit */
  readonly resources?: Resources;
  /** URL users reach the UI at; used in notification links. */
  readonly externalUrl?: string;
}

export class Alertmanager extends Construct {
  static readonly NAME = 'alertmanager';
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly replicas: number;
  readonly configYaml: string;
  /** Headless Service; every pod is `<name>-<i>.<service>`. */
  readonly serviceName = Alertmanager.NAME;
  readonly port = ALERTMANAGER_PORT;
  readonly clusterPort = ALERTMANAGER_CLUSTER_PORT;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const name = Alertmanager.NAME;
    this.namespace = props.namespace;
    this.replicas = props.replicas ?? 2;
    const labels = componentLabels(name, 'alerting', props.image);
    this.podLabels = selectorLabels(name);
    this.configYaml = toYaml(renderAlertmanagerConfig({ ...props.config, secretsDir: SECRETS_DIR }));

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: this.namespace, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: `${name}-config`, namespace: this.namespace, labels },
      data: { 'alertmanager.yml': this.configYaml },
    });

    new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        serviceName: this.serviceName,
        replicas: this.replicas,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: { labels, annotations: configChecksumAnnotation(this.configYaml) },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(NOBODY),
            topologySpreadConstraints: topologySpread(this.podLabels),
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: this.args(props),
                env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
                ports: [{ name: 'web', containerPort: ALERTMANAGER_PORT, protocol: 'TCP' }, ...this.clusterPorts()],
                resources: resourceRequirements(props.resources ?? makeResources('50m', '128Mi', '500m', '256Mi')),
                securityContext: restrictedContainerSecurityContext(NOBODY),
                readinessProbe: httpProbe('/-/ready', 'web', 10, 3),
                livenessProbe: httpProbe('/-/healthy', 'web', 15, 4),
                volumeMounts: [
                  { name: 'config', mountPath: `${CONFIG_DIR}/alertmanager.yml`, subPath: 'alertmanager.yml', readOnly: true },
                  { name: 'secrets', mountPath: SECRETS_DIR, readOnly: true },
                  { name: 'data', mountPath: DATA_DIR },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              // Not optional: without the credentials every notification would fail, so a missing Secret must stop the rollout.
              { name: 'secrets', secret: { secretName: props.secretName, defaultMode: 0o440 } },
            ],
          },
        },
        volumeClaimTemplates: [volumeClaimTemplate('data', props.storageClassName, props.storageSize ?? '2Gi', selectorLabels(name))],
      },
    });

    new k8s.KubeService(this, 'headless', {
      metadata: { name: this.serviceName, namespace: this.namespace, labels },
      spec: {
        clusterIp: 'None',
        // Peers must resolve each other before they are ready, or a fresh cluster never forms.
        publishNotReadyAddresses: true,
        selector: this.podLabels,
        ports: [
          { name: 'web', port: ALERTMANAGER_PORT, targetPort: k8s.IntOrString.fromString('web') },
          ...this.clusterPorts().map((p) => ({ name: p.name, port: p.containerPort, protocol: p.protocol, targetPort: k8s.IntOrString.fromString(p.name!) })),
        ],
      },
    });
    addDisruptionBudget(this, name, this.namespace, this.podLabels, this.replicas, labels);
  }

  /** DNS names of every peer, as `--cluster.peer` takes them. */
  peerAddresses(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => `${Alertmanager.NAME}-${i}.${this.serviceName}.${this.namespace}.svc:${ALERTMANAGER_CLUSTER_PORT}`);
  }

  /** Gossip ports, only when there are peers to gossip with. */
  private clusterPorts(): k8s.ContainerPort[] {
    if (this.replicas < 2) return [];
    return [
      { name: 'cluster-tcp', containerPort: ALERTMANAGER_CLUSTER_PORT, protocol: 'TCP' },
      { name: 'cluster-udp', containerPort: ALERTMANAGER_CLUSTER_PORT, protocol: 'UDP' },
    ];
  }

  private args(props: AlertmanagerProps): string[] {
    const clustering =
      this.replicas > 1
        ? [
            `--cluster.listen-address=0.0.0.0:${ALERTMANAGER_CLUSTER_PORT}`,
            `--cluster.advertise-address=$(POD_IP):${ALERTMANAGER_CLUSTER_PORT}`,
            ...this.peerAddresses().map((peer) => `--cluster.peer=${peer}`),
            '--cluster.reconnect-timeout=5m',
          ]
        : // A single replica has no peers; an empty listen address turns gossip off instead of waiting for none.
          ['--cluster.listen-address='];
    return [
      `--config.file=${CONFIG_DIR}/alertmanager.yml`,
      `--storage.path=${DATA_DIR}`,
      `--data.retention=${props.retention ?? '120h'}`,
      `--web.listen-address=:${ALERTMANAGER_PORT}`,
      ...(props.externalUrl ? [`--web.external-url=${props.externalUrl}`] : []),
      ...clustering,
    ];
  }
}
