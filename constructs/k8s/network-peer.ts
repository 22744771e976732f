/**
 * The two ends of a network flow, as static factories rather than bare
 * NetworkPolicy fragments, so a flow reads as "Prometheus to Alertmanager
 * on 9093" and the policy details live in one place.
 */
import { k8s } from 'cdk8s-plus-28';

/** A TCP or UDP port of a flow. */
export class FlowPort {
  static tcp(port: number): FlowPort {
    return new FlowPort('TCP', port);
  }
  static udp(port: number): FlowPort {
    return new FlowPort('UDP', port);
  }
  private constructor(
    readonly protocol: 'TCP' | 'UDP',
    readonly port: number,
  ) {}
  /** As a NetworkPolicy port. */
  toPolicyPort(): k8s.NetworkPolicyPort {
    return { protocol: this.protocol, port: k8s.IntOrString.fromNumber(this.port) };
  }
  toString(): string {
    return `${this.port}/${this.protocol}`;
  }
}

/** One end of a flow. */
export class NetworkPeer {
  /**
   * Pods of a namespace this stack manages (it has default-deny), so the
   * flow needs a policy on this side too.
   */
  static managedPods(namespace: string, podLabels: Record<string, string>): NetworkPeer {
    return new NetworkPeer({ namespace, podLabels, managed: true });
  }
  /** Pods of a namespace this stack does not manage (DNS, the ingress controller): only our side gets a policy. */
  static externalPods(namespace: string, podLabels: Record<string, string>): NetworkPeer {
    return new NetworkPeer({ namespace, podLabels, managed: false });
  }
  /** Every pod of every namespace (annotated scrape targets can be anywhere). */
  static anyPod(): NetworkPeer {
    return new NetworkPeer({ managed: false });
  }
  /**
   * Addresses outside the pod network: nodes (hostNetwork pods are not
   * subject to NetworkPolicy), the API server, Lambdas, the internet.
   */
  static cidrs(cidrs: readonly string[], except: readonly string[] = []): NetworkPeer {
    if (cidrs.length === 0) throw new Error('NetworkPeer.cidrs needs at least one CIDR; an empty list would allow nothing and hide a missing setting');
    return new NetworkPeer({ cidrs: [...cidrs], except: [...except], managed: false });
  }

  private constructor(
    private readonly spec: {
      namespace?: string;
      podLabels?: Record<string, string>;
      cidrs?: string[];
      except?: string[];
      managed: boolean;
    },
  ) {}

  /** True when the peer is pods of a namespace with this stack's default-deny policies. */
  get managed(): boolean {
    return this.spec.managed;
  }
  /** Namespace of managed pods. */
  get namespace(): string | undefined {
    return this.spec.namespace;
  }
  /** Selector of the pods, for the policy written on their side. */
  get podLabels(): Record<string, string> | undefined {
    return this.spec.podLabels;
  }

  /** As NetworkPolicy peers (one per CIDR). */
  toPolicyPeers(): k8s.NetworkPolicyPeer[] {
    if (this.spec.cidrs) {
      return this.spec.cidrs.map((cidr) => ({
        // `except` must be inside the CIDR; the API server rejects anything else.
        ipBlock: { cidr, except: this.exceptWithin(cidr) },
      }));
    }
    if (!this.spec.namespace) return [{ namespaceSelector: {}, podSelector: {} }];
    return [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.spec.namespace } },
        podSelector: { matchLabels: this.spec.podLabels ?? {} },
      },
    ];
  }

  private exceptWithin(cidr: string): string[] | undefined {
    const inside = (this.spec.except ?? []).filter((candidate) => cidrContains(cidr, candidate));
    return inside.length > 0 ? inside : undefined;
  }
}

/** True when IPv4 `inner` lies inside `outer` and is strictly smaller. */
export function cidrContains(outer: string, inner: string): boolean {
  const [outerAddress, outerBits] = outer.split('/');
  const [innerAddress, innerBits] = inner.split('/');
  if (outerAddress.includes(':') || innerAddress.includes(':')) return false;
  if (Number(innerBits) <= Number(outerBits)) return false;
  const mask = Number(outerBits) === 0 ? 0 : (~0 << (32 - Number(outerBits))) >>> 0;
  return ((ipv4ToInt(outerAddress) & mask) >>> 0) === ((ipv4ToInt(innerAddress) & mask) >>> 0);
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((value, octet) => ((value << 8) >>> 0) + Number(octet), 0);
}
