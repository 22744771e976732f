import { InternalLoadBalancer, type InternalLoadBalancerProps } from '../../../constructs/k8s/internal-load-balancer';
import { objectsOf, only, testChart } from './harness';

const props: InternalLoadBalancerProps = {
  name: 'prometheus-lambda',
  namespace: 'monitoring',
  selector: { 'app.kubernetes.io/name': 'prometheus' },
  port: 9090,
  targetPort: 'web',
  hostname: 'prometheus.internal.example.com',
  sourceRanges: ['10.0.0.0/16'],
};

function synth(overrides: Partial<InternalLoadBalancerProps> = {}): any {
  const chart = testChart();
  new InternalLoadBalancer(chart, 'lb', { ...props, ...overrides });
  return only(objectsOf(chart), 'Service');
}

describe('InternalLoadBalancer', () => {
  it('matches the snapshot of its defaults', () => {
    expect(synth()).toMatchSnapshot();
  });

  it('is an internal NLB with IP targets, restricted to the callers, named in the private zone', () => {
    const service = synth();
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb', loadBalancerSourceRanges: ['10.0.0.0/16'] });
    expect(service.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'external-dns.alpha.kubernetes.io/hostname': 'prometheus.internal.example.com',
    });
  });

  it('keeps a caller on one replica when sticky', () => {
    expect(synth({ sticky: true }).metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes']).toBe('stickiness.enabled=true,stickiness.type=source_ip');
  });

  it.each([
    [{ sourceRanges: [] }, `InternalLoadBalancer "prometheus-lambda": 'sourceRanges' is empty; list the CIDRs of the callers (network.lambdaCidrs)`],
    [{ sourceRanges: ['10.0.0.0/16', '0.0.0.0/0'] }, `InternalLoadBalancer "prometheus-lambda": 'sourceRanges' contains 0.0.0.0/0; an API without login must be open to its callers' subnets only`],
  ])('refuses %j', (overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });
});
