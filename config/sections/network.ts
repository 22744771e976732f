/**
 * Network facts that NetworkPolicies need and that cannot be discovered at
 * synth time. NetworkPolicy does not apply to hostNetwork pods and does not
 * see the EKS control plane as pods, so those peers are addressed by CIDR.
 */
import { z } from 'zod';
import { Cidr, K8sName, shown } from './common';

const PodPeer = z.strictObject({
  /** Namespace of the peer pods. */
  namespace: K8sName,
  /** Labels that select the peer pods in that namespace. */
  podLabels: z.record(z.string(), z.string()),
});
export type PodPeer = z.infer<typeof PodPeer>;

const DEFAULT_VPC = ['10.0.0.0/16'];
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

export const NetworkSection = z.strictObject({
  /** Node addresses (the VPC subnets of the node groups): node-exporter :9100 and kubelet :10250 are scraped here. */
  nodeCidrs: z.array(Cidr).min(1, { error: 'needs at least one CIDR: Prometheus scrapes node-exporter and the kubelet by node address' }).default(DEFAULT_VPC),
  /**
   * Addresses of the Kubernetes API server endpoints (on EKS the control-plane
   * ENIs in your VPC subnets). Prometheus and kube-state-metrics call it.
   */
  apiServerCidrs: z.array(Cidr).min(1, { error: 'needs at least one CIDR: Prometheus discovery and kube-state-metrics call the API server' }).default(DEFAULT_VPC),
  /** TCP port of the API server endpoints (443 on EKS). */
  apiServerPort: z.number().int().min(1).max(65535).default(443),
  /**
   * Where the Lambdas' connections come from: their subnets and, with
   * `lambdaEndpoints`, the internal load balancers' subnets (an NLB with IP
   * targets connects from its own addresses).
   */
  lambdaCidrs: z.array(Cidr).default(DEFAULT_VPC),
  /**
   * How the Lambdas, which run in the VPC but outside the cluster, reach
   * Prometheus, Alertmanager and the Pushgateway: cluster DNS names and
   * ClusterIPs neither resolve nor route from a Lambda. Each gets an
   * internal Network Load Balancer (AWS Load Balancer Controller) open to
   * `lambdaCidrs` only, named `<component>.<privateDomain>` by external-dns in
   * a private Route 53 zone. Alertmanager gets one per pod, because alerts
   * must reach every peer.
   */
  lambdaEndpoints: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Private hosted zone external-dns writes to. @default - `internal.<cluster.domain>` */
      privateDomain: z
        .string()
        .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z][-a-z0-9]*[a-z0-9]$/, { error: (i) => `${shown(i.input)} is not a DNS domain such as "internal.monitoring.example.com"` })
        .optional(),
    })
    .prefault({}),
  /** Cluster DNS pods: every pod may resolve names through them and nothing else. */
  dns: PodPeer.prefault({ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }),
  /** The ingress controller pods allowed to reach the UIs. */
  ingressController: PodPeer.prefault({ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }),
  /** Where Alertmanager may send notifications (Slack, PagerDuty, SMTP relays, webhooks). */
  notificationEgress: z
    .strictObject({
      cidrs: z.array(Cidr).min(1).default(['0.0.0.0/0']),
      /** Ranges excluded from `cidrs`; by default the private ranges, so a compromised pod cannot pivot inside the VPC. */
      except: z.array(Cidr).default(PRIVATE_RANGES),
      /** TCP ports: HTTPS and SMTP submission. */
      ports: z.array(z.number().int().min(1).max(65535)).min(1).default([443, 587]),
    })
    .prefault({}),
});
export type NetworkSection = z.infer<typeof NetworkSection>;
