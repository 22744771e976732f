/**
 * Every Kubernetes policy rule passes on both profiles, and every rule is
 * shown to catch a bad object: a rule that cannot fail is not a rule.
 */
import { K8S_RULES } from '../../policy/k8s';
import type { K8sObject } from '../../policy/k8s/model';
import { evaluate, formatViolations } from '../../policy/types';
import { findObject, synthProfile } from '../helpers/synth';

type Mutation = (objects: K8sObject[]) => void;

const sts = (objects: K8sObject[], name: string): any => findObject(objects, 'StatefulSet', name);
const container = (objects: K8sObject[], name: string): any => sts(objects, name).spec.template.spec.containers[0];
const configMapData = (objects: K8sObject[], name: string): any => findObject(objects, 'ConfigMap', name).data;
const remove = (objects: K8sObject[], predicate: (o: any) => boolean) => {
  for (let i = objects.length - 1; i >= 0; i--) if (predicate(objects[i])) objects.splice(i, 1);
};
const editYaml = (objects: K8sObject[], configMap: string, key: string, edit: (text: string) => string) => {
  const data = configMapData(objects, configMap);
  data[key] = edit(data[key]);
};

/** For each rule, one way to break the output that the rule must catch. */
const MUTATIONS: Record<string, Mutation> = {
  'images-pinned': (o) => (container(o, 'prometheus').image = 'quay.io/prometheus/prometheus:latest'),
  'resources-set': (o) => delete container(o, 'alertmanager').resources.limits,
  'probes-set': (o) => delete container(o, 'pushgateway').readinessProbe,
  'run-as-non-root': (o) => {
    container(o, 'prometheus').securityContext.runAsUser = 0;
  },
  'no-privilege-escalation': (o) => (container(o, 'prometheus').securityContext.allowPrivilegeEscalation = true),
  'capabilities-dropped': (o) => (container(o, 'prometheus').securityContext.capabilities = { add: ['NET_ADMIN'], drop: ['ALL'] }),
  'read-only-root-filesystem': (o) => (container(o, 'alertmanager').securityContext.readOnlyRootFilesystem = false),
  'seccomp-runtime-default': (o) => {
    delete container(o, 'prometheus').securityContext.seccompProfile;
    delete sts(o, 'prometheus').spec.template.spec.securityContext.seccompProfile;
  },
  'own-service-account': (o) => (sts(o, 'pushgateway').spec.template.spec.serviceAccountName = 'alertmanager'),
  'token-only-where-needed': (o) => (sts(o, 'alertmanager').spec.template.spec.automountServiceAccountToken = true),
  'host-access-only-in-privileged-namespace': (o) => (sts(o, 'pushgateway').spec.template.spec.hostNetwork = true),
  'pod-security-enforced': (o) => (findObject(o, 'Namespace', 'monitoring').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'),
  'topology-spread': (o) => delete sts(o, 'prometheus').spec.template.spec.topologySpreadConstraints,
  'disruption-budget': (o) => remove(o, (x) => x.kind === 'PodDisruptionBudget' && x.metadata.name === 'alertmanager'),
  'stable-names': (o) => (findObject(o, 'ConfigMap', 'prometheus-rules').metadata.name = 'prometheus-rules-c8a1b2c3'),
  'recommended-labels': (o) => delete sts(o, 'prometheus').spec.template.metadata.labels['app.kubernetes.io/version'],
  'own-volume-per-replica': (o) => sts(o, 'prometheus').spec.template.spec.volumes.push({ name: 'shared', persistentVolumeClaim: { claimName: 'shared-data' } }),
  'config-changes-roll': (o) => editYaml(o, 'prometheus-config', 'prometheus.yml', (t) => t.replace('scrape_interval: 30s', 'scrape_interval: 15s')),
  'configmap-size': (o) => (configMapData(o, 'prometheus-rules')['huge.rules.yml'] = 'x'.repeat(1024 * 1024)),
  'default-deny': (o) => remove(o, (x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'default-deny' && x.metadata.namespace === 'monitoring'),
  'dns-egress': (o) => remove(o, (x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'dns-egress'),
  'load-balancers-internal': (o) => (findObject(o, 'Service', 'prometheus-lambda').spec.loadBalancerSourceRanges = ['0.0.0.0/0']),
  'served-ports-reachable': (o) => remove(o, (x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'prometheus-to-kube-state-metrics-ingress'),
  'stateful-components-own-volumes': (o) => (sts(o, 'alertmanager').spec.volumeClaimTemplates[0].spec.accessModes = ['ReadWriteMany']),
  'replica-label-dropped-from-alerts': (o) => editYaml(o, 'prometheus-config', 'prometheus.yml', (t) => t.replace(/alert_relabel_configs:\n\s+- action: labeldrop\n\s+regex: replica\n/, 'alert_relabel_configs: []\n')),
  'alerts-to-every-alertmanager': (o) =>
    editYaml(o, 'prometheus-config', 'prometheus.yml', (t) => t.replace('alertmanagers:\n', 'alertmanagers:\n    - static_configs:\n        - targets: ["pushgateway:9093"]\n')),
  'no-managed-control-plane-jobs': (o) => editYaml(o, 'prometheus-config', 'prometheus.yml', (t) => t.replace('scrape_configs:\n', 'scrape_configs:\n  - job_name: kube-scheduler\n    static_configs: [{ targets: ["10.0.0.1:10259"] }]\n')),
  'retention-fits-volume': (o) => {
    const args: string[] = container(o, 'prometheus').args;
    args[args.findIndex((a) => a.startsWith('--storage.tsdb.retention.size='))] = '--storage.tsdb.retention.size=49GB';
  },
  'prometheus-client-affinity': (o) => delete findObject(o, 'Service', 'prometheus').spec.sessionAffinity,
  'alertmanager-clustered': (o) => (container(o, 'alertmanager').args = container(o, 'alertmanager').args.filter((a: string) => !a.includes('alertmanager-1'))),
  'storage-encrypted': (o) => (findObject(o, 'StorageClass', 'monitoring-gp3').parameters.encrypted = 'false'),
  'no-secret-objects': (o) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'monitoring' }, stringData: { token: 'x' } } as any),
  'no-credential-patterns': (o) => (configMapData(o, 'alertmanager-config')['note'] = 'https://hooks.slack.com/services/T000/B000/XXXXXXXX'),
  'credentials-from-files': (o) => editYaml(o, 'alertmanager-config', 'alertmanager.yml', (t) => t.replace(/routing_key_file: .*/, 'routing_key: 0123456789abcdef')),
  'object-storage-via-irsa': (o) => delete findObject(o, 'ServiceAccount', 'prometheus').metadata.annotations['eks.amazonaws.com/role-arn'],
  'loki-ha-topology': (o) => (sts(o, 'loki').spec.replicas = 3),
  'grafana-replicas-database': (o) => (findObject(o, 'Deployment', 'grafana').spec.replicas = 2),
  'grafana-credentials-from-files': (o) => editYaml(o, 'grafana-config', 'grafana.ini', (t) => t.replace(/admin_password = .*/, 'admin_password = admin')),
  'jaeger-storage-topology': (o) => (sts(o, 'jaeger').spec.replicas = 2),
  'dashboard-one-per-configmap': (o) => (configMapData(o, 'grafana-dashboard-stack-overview')['second.json'] = JSON.stringify({ title: 'Second', panels: [] })),
  'ui-auth-at-ingress': (o) => {
    const annotations = findObject(o, 'Ingress', 'prometheus').metadata.annotations;
    for (const key of Object.keys(annotations)) if (key.includes('/auth-')) delete annotations[key];
  },
  'ingress-tls': (o) => delete findObject(o, 'Ingress', 'grafana').spec.tls,
  'ingress-backends-exist': (o) => (findObject(o, 'Ingress', 'jaeger').spec.rules[0].http.paths[0].backend.service.name = 'jaeger'),
};

describe.each(['default', 'production'] as const)('%s profile', (profile) => {
  it.each(K8S_RULES.map((rule) => [rule.id, rule] as const))('complies with %s', (_id, rule) => {
    const violations = rule.check({ objects: synthProfile(profile) });
    expect(formatViolations(violations)).toBe('');
  });
});

describe('each rule catches a bad object', () => {
  it('every rule has a mutation that breaks it', () => {
    expect(K8S_RULES.map((r) => r.id).filter((id) => !MUTATIONS[id])).toEqual([]);
    expect(Object.keys(MUTATIONS).filter((id) => !K8S_RULES.some((r) => r.id === id))).toEqual([]);
  });

  it.each(K8S_RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
    const objects = synthProfile('default');
    MUTATIONS[id](objects);
    const violations = rule.check({ objects });
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.rule === id && v.subject && v.message)).toBe(true);
  });

  it('rule ids are unique', () => {
    expect(new Set(K8S_RULES.map((r) => r.id)).size).toBe(K8S_RULES.length);
    expect(evaluate(K8S_RULES, { objects: synthProfile('production') })).toEqual([]);
  });
});
