import { KubeStateMetrics } from '../../../constructs/k8s/kube-state-metrics';
import { NodeExporter } from '../../../constructs/k8s/node-exporter';
import { Pushgateway } from '../../../constructs/k8s/pushgateway';
import { objectsOf, only, testChart } from './harness';

function nodeExporter() {
  const chart = testChart();
  new NodeExporter(chart, 'ne', { namespace: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.9.1', priorityClassName: 'monitoring-node-critical' });
  return objectsOf(chart);
}

describe('NodeExporter', () => {
  it('matches the snapshot of its defaults', () => {
    expect(nodeExporter()).toMatchSnapshot();
  });

  it('runs on every node, on the host network and PID namespace, with read-only host mounts', () => {
    const objects = nodeExporter();
    const pod = only(objects, 'DaemonSet').spec.template.spec;
    expect(pod).toMatchObject({ hostNetwork: true, hostPID: true, priorityClassName: 'monitoring-node-critical', tolerations: [{ operator: 'Exists' }] });
    const mounts = pod.containers[0].volumeMounts;
    expect(mounts.every((m: any) => m.readOnly === true)).toBe(true);
    expect(mounts.find((m: any) => m.name === 'root')).toMatchObject({ mountPath: '/host/root', mountPropagation: 'HostToContainer' });
    expect(pod.containers[0].securityContext).toMatchObject({ runAsUser: 65534, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(only(objects, 'PriorityClass').value).toBeGreaterThan(0);
  });
});

describe('KubeStateMetrics', () => {
  const chart = testChart();
  new KubeStateMetrics(chart, 'ksm', { namespace: 'monitoring', image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0' });
  const objects = objectsOf(chart);

  it('matches the snapshot of its defaults', () => {
    expect(objects).toMatchSnapshot();
  });

  it('is one replica replaced by Recreate, so series are never exported twice', () => {
    expect(only(objects, 'Deployment').spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
  });

  it('may only list and watch', () => {
    const verbs = new Set(only(objects, 'ClusterRole').rules.flatMap((r: any) => r.verbs));
    expect([...verbs].sort()).toEqual(['list', 'watch']);
  });
});

describe('Pushgateway', () => {
  const chart = testChart();
  new Pushgateway(chart, 'pg', { namespace: 'monitoring', image: 'quay.io/prometheus/pushgateway:v1.11.1', storageClassName: 'sc' });
  const objects = objectsOf(chart);

  it('matches the snapshot of its defaults', () => {
    expect(objects).toMatchSnapshot();
  });

  it('persists pushed metrics on its own volume', () => {
    const sts = only(objects, 'StatefulSet');
    expect(sts.spec.template.spec.containers[0].args).toContain('--persistence.file=/data/pushgateway.db');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
  });
});
