import { MonitoringNamespace } from '../../../constructs/k8s/monitoring-namespace';
import { NetworkFlow } from '../../../constructs/k8s/network-flow';
import { cidrContains, FlowPort, NetworkPeer } from '../../../constructs/k8s/network-peer';
import { EncryptedStorageClass } from '../../../constructs/k8s/encrypted-storage-class';
import { objectsOf, only, testChart } from './harness';

describe('NetworkFlow', () => {
  it('writes an egress policy on the source and an ingress policy on the destination', () => {
    const chart = testChart();
    new NetworkFlow(chart, 'f', {
      name: 'a-to-b',
      from: NetworkPeer.managedPods('ns1', { app: 'a' }),
      to: NetworkPeer.managedPods('ns2', { app: 'b' }),
      ports: [FlowPort.tcp(9093), FlowPort.udp(9094)],
    });
    const objects = objectsOf(chart);
    expect(objects).toMatchSnapshot();
    const egress = only(objects, 'NetworkPolicy', 'a-to-b-egress');
    expect(egress.metadata.namespace).toBe('ns1');
    expect(egress.spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ns2' } }, podSelector: { matchLabels: { app: 'b' } } }]);
    const ingress = only(objects, 'NetworkPolicy', 'a-to-b-ingress');
    expect(ingress.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9093 }, { protocol: 'UDP', port: 9094 }]);
  });

  it('writes only our side for external peers and CIDRs, keeping exceptions inside each CIDR', () => {
    const chart = testChart();
    new NetworkFlow(chart, 'f', {
      name: 'out',
      from: NetworkPeer.managedPods('ns', { app: 'a' }),
      to: NetworkPeer.cidrs(['0.0.0.0/0', '192.168.0.0/16'], ['10.0.0.0/8', '192.168.1.0/24']),
      ports: [FlowPort.tcp(443)],
    });
    const objects = objectsOf(chart);
    expect(objects).toHaveLength(1);
    expect(objects[0].spec.egress[0].to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.1.0/24'] } },
      { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } },
    ]);
  });

  it("allows every port only when told 'any'", () => {
    const chart = testChart();
    new NetworkFlow(chart, 'f', { name: 'scrape', from: NetworkPeer.managedPods('ns', { app: 'p' }), to: NetworkPeer.anyPod(), ports: 'any' });
    expect(objectsOf(chart)[0].spec.egress[0]).toEqual({ to: [{ namespaceSelector: {}, podSelector: {} }] });
  });

  it.each([
    [{ ports: [] }, "NetworkFlow \"x\": 'ports' is empty; list the destination ports of the flow, or pass 'any' where they cannot be known"],
    [{ from: NetworkPeer.anyPod(), to: NetworkPeer.cidrs(['10.0.0.0/8']) }, 'NetworkFlow "x": neither end is pods of a namespace this stack manages'],
  ])('refuses %j', (overrides, message) => {
    expect(() => new NetworkFlow(testChart(), 'f', { name: 'x', from: NetworkPeer.managedPods('ns', {}), to: NetworkPeer.managedPods('ns', {}), ports: [FlowPort.tcp(1)], ...overrides })).toThrow(message);
  });

  it('refuses an empty CIDR list', () => {
    expect(() => NetworkPeer.cidrs([])).toThrow('NetworkPeer.cidrs needs at least one CIDR');
  });

  it('knows which CIDRs contain which', () => {
    expect(cidrContains('0.0.0.0/0', '10.0.0.0/8')).toBe(true);
    expect(cidrContains('10.0.0.0/16', '10.1.0.0/24')).toBe(false);
    expect(cidrContains('10.0.0.0/8', '10.0.0.0/8')).toBe(false);
  });
});

describe('MonitoringNamespace', () => {
  it('enforces restricted and denies all traffic by default', () => {
    const chart = testChart();
    new MonitoringNamespace(chart, 'ns', { name: 'monitoring' });
    const objects = objectsOf(chart);
    expect(objects).toMatchSnapshot();
    expect(only(objects, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(only(objects, 'NetworkPolicy').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('refuses a weaker level without a reason', () => {
    expect(() => new MonitoringNamespace(testChart(), 'ns', { name: 'x', podSecurity: 'privileged' })).toThrow(
      `MonitoringNamespace "x": podSecurity 'privileged' needs a 'podSecurityReason' saying why 'restricted' is not enough`,
    );
  });
});

describe('EncryptedStorageClass', () => {
  it('encrypts with the given key, binds on first consumer, retains', () => {
    const chart = testChart();
    new EncryptedStorageClass(chart, 'sc', { name: 'gp3', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' });
    const sc = only(objectsOf(chart), 'StorageClass');
    expect(sc).toMatchSnapshot();
    expect(sc).toMatchObject({
      provisioner: 'ebs.csi.aws.com',
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
      parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/abc', iops: '3000', throughput: '125' },
    });
  });

  it('tags provisioned volumes in the EBS CSI driver\'s form', () => {
    const chart = testChart();
    new EncryptedStorageClass(chart, 'sc', { name: 'gp3', volumeTags: { 'monitoring.backup': 'daily', team: 'sre' } });
    expect(only(objectsOf(chart), 'StorageClass').parameters).toMatchObject({ tagSpecification_1: 'monitoring.backup=daily', tagSpecification_2: 'team=sre' });
    expect(() => new EncryptedStorageClass(testChart(), 'sc', { name: 'gp3', volumeTags: { 'a=b': 'c' } })).toThrow('EncryptedStorageClass: volume tag "a=b=c" cannot be passed to the EBS CSI driver');
  });
});
