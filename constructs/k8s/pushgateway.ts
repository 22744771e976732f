/**
 * The Pushgateway the scheduled Lambdas push their job metrics to. One
 * replica with its state persisted on a volume: the backup job pushes its
 * last-success timestamp once a day, and a restart must not forget it (the
 * staleness alert would fire for a backup that did run).
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { type Resources, resources as makeResources } from '../../config/sections/common';
import { componentLabels, selectorLabels } from './lib/labels';
import { httpProbe, resourceRequirements, volumeClaimTemplate } from './lib/scheduling';
import { NOBODY, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './lib/security';

export const PUSHGATEWAY_PORT = 9091;
const DATA_DIR = '/data';

export interface PushgatewayProps {
  readonly namespace: string;
  readonly image: string;
  readonly storageClassName: string;
  /** @default '1Gi' */
  readonly storageSize?: string;
  /** @default - 50m / 64Mi requested, 250m / 256Mi limit */
  readonly resources?: Resources;
}

export class Pushgateway extends Construct {
  static readonly NAME = 'pushgateway';
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly serviceName = Pushgateway.NAME;
  readonly port = PUSHGATEWAY_PORT;

  constructor(scope: Construct, id: string, props: PushgatewayProps) {
    super(scope, id);
    const name = Pushgateway.NAME;
    this.namespace = props.namespace;
    const labels = componentLabels(name, 'metrics-ingest', props.image);
    this.podLabels = selectorLabels(name);

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace: this.namespace, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(NOBODY),
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [`--web.listen-address=:${PUSHGATEWAY_PORT}`, `--persistence.file=${DATA_DIR}/pushgateway.db`, '--persistence.interval=1m'],
                ports: [{ name: 'web', containerPort: PUSHGATEWAY_PORT, protocol: 'TCP' }],
                resources: resourceRequirements(props.resources ?? makeResources('50m', '64Mi', '250m', '256Mi')),
                securityContext: restrictedContainerSecurityContext(NOBODY),
                readinessProbe: httpProbe('/-/ready', 'web', 10, 3),
                livenessProbe: httpProbe('/-/healthy', 'web', 15, 4),
                volumeMounts: [{ name: 'data', mountPath: DATA_DIR }],
              },
            ],
          },
        },
        volumeClaimTemplates: [volumeClaimTemplate('data', props.storageClassName, props.storageSize ?? '1Gi', selectorLabels(name))],
      },
    });
    new k8s.KubeService(this, 'service', {
      metadata: { name, namespace: this.namespace, labels },
      spec: { selector: this.podLabels, ports: [{ name: 'web', port: PUSHGATEWAY_PORT, targetPort: k8s.IntOrString.fromString('web') }] },
    });
  }
}
