import { alloyConfigText, renderAlloyConfig, type AlloyConfigSettings } from '../../../constructs/k8s/alloy-config';
import { type AlloyBlock, AlloyExpression, expr, printAlloy, unresolvedReferences } from '../../../constructs/k8s/lib/alloy-syntax';
import { LogCollector } from '../../../constructs/k8s/log-collector';
import { objectsOf, only, testChart } from './harness';

const settings: AlloyConfigSettings = { lokiPushUrl: 'http://loki.monitoring.svc:3100/loki/api/v1/push', clusterName: 'dev', traceIdFields: ['trace_id', 'traceId'] };
const ALLOY_NAMESPACES = ['discovery', 'local', 'loki', 'prometheus', 'otelcol'];

function synth() {
  const chart = testChart();
  const collector = new LogCollector(chart, 'collector', { namespace: 'monitoring-log-collector', image: 'docker.io/grafana/alloy:v1.17.0', config: settings });
  return { collector, objects: objectsOf(chart) };
}

describe('LogCollector', () => {
  it('matches the snapshot of its defaults', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  it('tails /var/log/pods read-only on every node, as the non-root alloy user with the root group only', () => {
    const pod = only(synth().objects, 'DaemonSet').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'pod-logs')).toEqual({ name: 'pod-logs', hostPath: { path: '/var/log/pods', type: 'Directory' } });
    expect(pod.containers[0].volumeMounts.find((m: any) => m.name === 'pod-logs')).toMatchObject({ mountPath: '/var/log/pods', readOnly: true });
    expect(pod.securityContext).toMatchObject({ runAsUser: 473, runAsGroup: 473, runAsNonRoot: true, supplementalGroups: [0] });
    expect(pod.containers[0].securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.containers[0].env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  });

  it('may list and watch pods, nothing else', () => {
    const { objects } = synth();
    expect(only(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'alloy', namespace: 'monitoring-log-collector' }]);
  });
});

describe('the collector configuration', () => {
  const blocks = renderAlloyConfig(settings);
  const text = alloyConfigText(settings);

  it('wires discovery to files to processing to Loki, with every reference resolved', () => {
    expect(blocks.filter((b) => b.label).map((b) => `${b.name}.${b.label}`)).toEqual([
      'discovery.kubernetes.pods',
      'discovery.relabel.pod_logs',
      'local.file_match.pod_logs',
      'loki.source.file.pod_logs',
      'loki.process.pod_logs',
      'loki.write.default',
    ]);
    expect(unresolvedReferences(blocks, ALLOY_NAMESPACES)).toEqual([]);
  });

  it('keeps only this node\'s pods and maps Kubernetes metadata to labels', () => {
    expect(text).toContain('field = "spec.nodeName=" + sys.env("NODE_NAME")');
    for (const label of ['namespace', 'pod', 'container', 'node', 'app', 'component']) expect(text).toContain(`target_label = "${label}"`);
    expect(text).toContain('replacement = "/var/log/pods/*$1/*.log"');
  });

  it('parses CRI lines and JSON bodies, keeping the trace ID as structured metadata, not a label', () => {
    const process = blocks.find((b) => b.name === 'loki.process')!;
    expect(process.blocks!.map((b) => b.name)).toEqual(['stage.cri', 'stage.json', 'stage.structured_metadata']);
    expect(text).toContain('trace_id = "trace_id || traceId"');
    expect(process.blocks!.some((b) => b.name === 'stage.labels')).toBe(false);
    expect(text).toContain('cluster = "dev"');
    expect(text).toContain('url = "http://loki.monitoring.svc:3100/loki/api/v1/push"');
  });

  it('matches the snapshot of the rendered file', () => {
    expect(text).toMatchSnapshot();
  });

  it('refuses an empty trace ID field list', () => {
    expect(() => renderAlloyConfig({ ...settings, traceIdFields: [] })).toThrow('renderAlloyConfig: traceIdFields is empty; name at least one JSON field that carries the trace ID');
  });
});

describe('Alloy syntax', () => {
  it('prints blocks, labels, attributes, lists, objects and expressions', () => {
    expect(
      printAlloy([
        { name: 'a.b', label: 'x', attributes: { s: 'q"uote', n: 3, t: true, l: ['a', expr('c.d.e.f')], o: { plain: 1, 'needs.quotes': 'v' } }, blocks: [{ name: 'inner', attributes: {} }] },
      ]),
    ).toBe(
      'a.b "x" {\n  s = "q\\"uote"\n  n = 3\n  t = true\n  l = ["a", c.d.e.f]\n  o = {\n    plain = 1,\n    "needs.quotes" = "v",\n  }\n\n  inner { }\n}\n',
    );
  });

  it('finds references to components that are not defined', () => {
    const blocks: AlloyBlock[] = [{ name: 'loki.write', label: 'default', attributes: {} }, { name: 'loki.process', label: 'p', attributes: { forward_to: [expr('loki.write.defualt.receiver')] } }];
    expect(unresolvedReferences(blocks, ALLOY_NAMESPACES)).toEqual(['loki.write.defualt.receiver']);
  });

  it.each([
    [() => printAlloy([{ name: 'bad name' }]), 'Alloy block name "bad name" is not a dotted identifier'],
    [() => printAlloy([{ name: 'a', label: 'with-dash' }]), 'Alloy block label "with-dash" must be an identifier'],
    [() => printAlloy([{ name: 'a', attributes: { 'not-ok': 1 } }]), 'Alloy attribute "not-ok" in a is not an identifier'],
    [() => printAlloy([{ name: 'a', attributes: { n: Number.NaN } }]), 'Alloy number NaN is not finite'],
    [() => new AlloyExpression(' '), 'AlloyExpression: an expression cannot be empty'],
  ])('refuses what Alloy would not parse (%#)', (fn, message) => {
    expect(fn).toThrow(message);
  });
});
