/** Network rules: default deny everywhere, and the flows the stack cannot work without. */
import type { PolicyRule, Violation } from '../types';
import { type Json, type K8sOutput, ofKind, selects, workloads } from './model';

type K8sRule = PolicyRule<K8sOutput>;

/** A policy that selects every pod and allows nothing in either direction. */
function isDefaultDeny(policy: Json): boolean {
  const spec = policy.spec ?? {};
  const types: string[] = spec.policyTypes ?? [];
  return Object.keys(spec.podSelector ?? {}).length === 0 && types.includes('Ingress') && types.includes('Egress') && !(spec.ingress ?? []).length && !(spec.egress ?? []).length;
}

export const defaultDeny: K8sRule = {
  id: 'default-deny',
  description: 'Every namespace has a NetworkPolicy that selects all pods and denies all ingress and egress; flows are then allowed one by one.',
  check: (output) => {
    const policies = ofKind(output, 'NetworkPolicy');
    return ofKind(output, 'Namespace')
      .filter((ns) => !policies.some((p) => p.metadata.namespace === ns.metadata.name && isDefaultDeny(p)))
      .map((ns) => ({ rule: 'default-deny', subject: `Namespace/${ns.metadata.name}`, message: 'no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)' }));
  },
};

/** Egress rules of the policies that select a pod. */
function egressRulesFor(policies: Json[], namespace: string, labels: Record<string, string>): Json[] {
  return policies
    .filter((p) => p.metadata.namespace === namespace && (p.spec.policyTypes ?? []).includes('Egress') && selects(p.spec.podSelector?.matchLabels, labels))
    .flatMap((p) => p.spec.egress ?? []);
}

/** Ingress rules of the policies that select a pod. */
function ingressRulesFor(policies: Json[], namespace: string, labels: Record<string, string>): Json[] {
  return policies
    .filter((p) => p.metadata.namespace === namespace && (p.spec.policyTypes ?? []).includes('Ingress') && selects(p.spec.podSelector?.matchLabels, labels))
    .flatMap((p) => p.spec.ingress ?? []);
}

function allowsPort(rule: Json, port: number, protocol: string): boolean {
  if (!rule.ports) return true;
  return rule.ports.some((p: Json) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port));
}

export const dnsEgress: K8sRule = {
  id: 'dns-egress',
  description: 'Every pod on the pod network of a default-deny namespace may reach DNS on port 53 over UDP and TCP (TCP for large answers).',
  check: (output) => {
    const policies = ofKind(output, 'NetworkPolicy');
    return workloads(output)
      .filter((w) => !w.podSpec.hostNetwork)
      .flatMap((w): Violation[] => {
        const rules = egressRulesFor(policies, w.namespace, w.podLabels);
        const missing = ['UDP', 'TCP'].filter((protocol) => !rules.some((r) => allowsPort(r, 53, protocol)));
        return missing.length > 0 ? [{ rule: 'dns-egress', subject: w.ref, message: `no egress to DNS on 53/${missing.join(' and 53/')}` }] : [];
      });
  },
};

export const everyServedPortReachable: K8sRule = {
  id: 'served-ports-reachable',
  description: 'Every container port of a pod on the pod network is admitted by at least one ingress rule, so no component is silently cut off by default deny.',
  check: (output) => {
    const policies = ofKind(output, 'NetworkPolicy');
    return workloads(output)
      .filter((w) => !w.podSpec.hostNetwork)
      .flatMap((w) =>
        w.containers.flatMap((c: Json) =>
          (c.ports ?? [])
            .filter((p: Json) => !ingressRulesFor(policies, w.namespace, w.podLabels).some((r) => allowsPort(r, p.containerPort, p.protocol ?? 'TCP')))
            .map((p: Json) => ({ rule: 'served-ports-reachable', subject: `${w.ref} port ${p.name ?? p.containerPort}`, message: `${p.containerPort}/${p.protocol ?? 'TCP'} is not admitted by any ingress rule` })),
        ),
      );
  },
};

/** Source ranges that open a load balancer to everyone. */
const OPEN_TO_ALL = ['0.0.0.0/0', '::/0'];

export const loadBalancersInternal: K8sRule = {
  id: 'load-balancers-internal',
  description: 'Every Service of type LoadBalancer is an internal load balancer of the AWS Load Balancer Controller, open to listed source ranges only: the APIs behind them (Prometheus, Alertmanager, Pushgateway) have no login.',
  check: (output) =>
    ofKind(output, 'Service')
      .filter((s) => s.spec?.type === 'LoadBalancer')
      .flatMap((s): Violation[] => {
        const subject = `Service/${s.metadata.namespace}/${s.metadata.name}`;
        const violations: Violation[] = [];
        if (s.metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-scheme'] !== 'internal') violations.push({ rule: 'load-balancers-internal', subject, message: 'is not annotated aws-load-balancer-scheme: internal' });
        if (s.spec.loadBalancerClass !== 'service.k8s.aws/nlb') violations.push({ rule: 'load-balancers-internal', subject, message: `loadBalancerClass is ${s.spec.loadBalancerClass ?? 'unset'}; without service.k8s.aws/nlb the in-tree provider creates a public load balancer` });
        const ranges: string[] = s.spec.loadBalancerSourceRanges ?? [];
        if (ranges.length === 0 || ranges.some((r) => OPEN_TO_ALL.includes(r))) violations.push({ rule: 'load-balancers-internal', subject, message: `loadBalancerSourceRanges (${ranges.join(', ') || 'none'}) do not restrict the callers` });
        return violations;
      }),
};

export const NETWORK_RULES: readonly K8sRule[] = [defaultDeny, dnsEgress, everyServedPortReachable, loadBalancersInternal];
