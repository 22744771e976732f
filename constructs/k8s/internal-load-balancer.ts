/**
 * A Service of type LoadBalancer that gives callers outside the cluster
 * but inside the VPC (the Lambdas) a stable address for an in-cluster API:
 * an internal Network Load Balancer from the AWS Load Balancer Controller,
 * with IP targets (straight to the pods), open to the given source ranges
 * only, and a DNS name written by external-dns.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

export interface InternalLoadBalancerProps {
  readonly name: string;
  readonly namespace: string;
  /** Pods behind it. */
  readonly selector: Record<string, string>;
  readonly port: number;
  /** Named container port of the pods. */
  readonly targetPort: string;
  /** DNS name external-dns creates in the private zone. */
  readonly hostname: string;
  /** CIDRs allowed to connect; never the whole internet. */
  readonly sourceRanges: readonly string[];
  /**
   * Keep each client on one target (source-IP stickiness): for a replicated
   * Prometheus, so one report's queries read one replica's data.
   * @default false
   */
  readonly sticky?: boolean;
  readonly labels?: Record<string, string>;
}

/** Source ranges that would open the load balancer to everyone. */
const OPEN_TO_ALL = ['0.0.0.0/0', '::/0'];

export class InternalLoadBalancer extends Construct {
  readonly name: string;
  readonly hostname: string;

  constructor(scope: Construct, id: string, props: InternalLoadBalancerProps) {
    super(scope, id);
    if (props.sourceRanges.length === 0) throw new Error(`InternalLoadBalancer "${props.name}": 'sourceRanges' is empty; list the CIDRs of the callers (network.lambdaCidrs)`);
    const open = props.sourceRanges.filter((cidr) => OPEN_TO_ALL.includes(cidr));
    if (open.length > 0) throw new Error(`InternalLoadBalancer "${props.name}": 'sourceRanges' contains ${open.join(', ')}; an API without login must be open to its callers' subnets only`);
    this.name = props.name;
    this.hostname = props.hostname;
    new k8s.KubeService(this, 'service', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels,
        annotations: {
          'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
          'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
          ...(props.sticky ? { 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip' } : {}),
          'external-dns.alpha.kubernetes.io/hostname': props.hostname,
        },
      },
      spec: {
        type: 'LoadBalancer',
        // The AWS Load Balancer Controller's class: the in-tree cloud provider would create a public classic ELB.
        loadBalancerClass: 'service.k8s.aws/nlb',
        loadBalancerSourceRanges: [...props.sourceRanges],
        selector: props.selector,
        ports: [{ name: props.targetPort, port: props.port, targetPort: k8s.IntOrString.fromString(props.targetPort), protocol: 'TCP' }],
      },
    });
  }
}
