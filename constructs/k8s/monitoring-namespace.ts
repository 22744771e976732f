/**
 * A namespace with a Pod Security level enforced and a default-deny policy
 * for ingress and egress: every flow in it must then be allowed by name.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Pod Security Standards level. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface MonitoringNamespaceProps {
  readonly name: string;
  /**
   * Pod Security level enforced (and audited and warned) in the namespace.
   * @default 'restricted'
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
   */
  readonly podSecurity?: PodSecurityLevel;
  /** Why a level other than `restricted` is needed; required for anything weaker, and kept as an annotation. */
  readonly podSecurityReason?: string;
  readonly labels?: Record<string, string>;
}

export class MonitoringNamespace extends Construct {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: MonitoringNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.podSecurity = props.podSecurity ?? 'restricted';
    if (this.podSecurity !== 'restricted' && !props.podSecurityReason) {
      throw new Error(`MonitoringNamespace "${props.name}": podSecurity '${this.podSecurity}' needs a 'podSecurityReason' saying why 'restricted' is not enough`);
    }
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: props.name,
        labels: {
          ...props.labels,
          'pod-security.kubernetes.io/enforce': this.podSecurity,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': this.podSecurity,
          'pod-security.kubernetes.io/warn': this.podSecurity,
        },
        annotations: props.podSecurityReason ? { 'monitoring-stack/pod-security-reason': props.podSecurityReason } : undefined,
      },
    });
    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: 'default-deny', namespace: props.name, labels: props.labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
}
