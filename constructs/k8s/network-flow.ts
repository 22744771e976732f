/**
 * One allowed flow between two peers, written as the NetworkPolicies that
 * namespaces with default-deny need: an egress policy on the source pods
 * and an ingress policy on the destination pods, each named after the flow
 * so `kubectl get networkpolicy` reads as a list of flows.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { FlowPort, NetworkPeer } from './network-peer';

export interface NetworkFlowProps {
  /** Flow name, e.g. `prometheus-to-alertmanager`; the policies are `<name>-egress` and `<name>-ingress`. */
  readonly name: string;
  /** Where connections start. */
  readonly from: NetworkPeer;
  /** Where connections go. */
  readonly to: NetworkPeer;
  /**
   * Destination ports. `'any'` only where the destination port cannot be
   * known at synth time (annotated scrape targets), and must be chosen explicitly.
   */
  readonly ports: readonly FlowPort[] | 'any';
  /** Labels for the policies. */
  readonly labels?: Record<string, string>;
}

export class NetworkFlow extends Construct {
  /** The policies written, egress first. */
  readonly policies: k8s.KubeNetworkPolicy[] = [];

  constructor(scope: Construct, id: string, props: NetworkFlowProps) {
    super(scope, id);
    if (props.ports !== 'any' && props.ports.length === 0) {
      throw new Error(`NetworkFlow "${props.name}": 'ports' is empty; list the destination ports of the flow, or pass 'any' where they cannot be known`);
    }
    if (!props.from.managed && !props.to.managed) {
      throw new Error(`NetworkFlow "${props.name}": neither end is pods of a namespace this stack manages, so no policy would be written; one end must be NetworkPeer.managedPods(...)`);
    }
    const ports = props.ports === 'any' ? undefined : props.ports.map((port) => port.toPolicyPort());
    if (props.from.managed) {
      this.policies.push(
        new k8s.KubeNetworkPolicy(this, 'egress', {
          metadata: { name: `${props.name}-egress`, namespace: props.from.namespace, labels: props.labels },
          spec: {
            podSelector: { matchLabels: props.from.podLabels },
            policyTypes: ['Egress'],
            egress: [{ to: props.to.toPolicyPeers(), ports }],
          },
        }),
      );
    }
    if (props.to.managed) {
      this.policies.push(
        new k8s.KubeNetworkPolicy(this, 'ingress', {
          metadata: { name: `${props.name}-ingress`, namespace: props.to.namespace, labels: props.labels },
          spec: {
            podSelector: { matchLabels: props.to.podLabels },
            policyTypes: ['Ingress'],
            ingress: [{ from: props.from.toPolicyPeers(), ports }],
          },
        }),
      );
    }
  }
}
