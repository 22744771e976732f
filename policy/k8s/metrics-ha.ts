/**
 * The HA rules specific to Prometheus and Alertmanager, read from the
 * rendered objects and configuration files, not from our intentions.
 */
import { parse } from 'yaml';
import { prometheusSizeToBytes, quantityToBytes } from '../../config/units';
import type { PolicyRule, Violation } from '../types';
import { configFiles, type Json, type K8sOutput, ofKind, selects, type Workload, workloads } from './model';

type K8sRule = PolicyRule<K8sOutput>;

const NAME_LABEL = 'app.kubernetes.io/name';

function byAppName(output: K8sOutput, name: string): Workload[] {
  return workloads(output).filter((w) => w.podLabels[NAME_LABEL] === name);
}

function argValue(args: string[] | undefined, flag: string): string | undefined {
  const arg = (args ?? []).find((a) => a.startsWith(`--${flag}=`));
  return arg?.slice(flag.length + 3);
}

function prometheusConfigs(output: K8sOutput): Array<{ subject: string; config: Json }> {
  return configFiles(output, /^prometheus\.yml$/).map(({ configMap, key, content }) => ({
    subject: `ConfigMap/${configMap.metadata.namespace}/${configMap.metadata.name} ${key}`,
    config: parse(content),
  }));
}

export const statefulComponentsHaveOwnVolumes: K8sRule = {
  id: 'stateful-components-own-volumes',
  description: 'Prometheus, Alertmanager and the Pushgateway are StatefulSets whose replicas each get their own volume from volumeClaimTemplates (never shared, never EFS/NFS).',
  check: (output) =>
    ['prometheus', 'alertmanager', 'pushgateway'].flatMap((name): Violation[] =>
      byAppName(output, name).flatMap((w): Violation[] => {
        if (w.kind !== 'StatefulSet') return [{ rule: 'stateful-components-own-volumes', subject: w.ref, message: `${name} must be a StatefulSet, not a ${w.kind}` }];
        const templates = ((w.object as Json).spec.volumeClaimTemplates ?? []) as Json[];
        const mounted = w.containers.flatMap((c: Json) => (c.volumeMounts ?? []).map((m: Json) => m.name));
        if (!templates.some((t) => mounted.includes(t.metadata.name))) {
          return [{ rule: 'stateful-components-own-volumes', subject: w.ref, message: 'no volumeClaimTemplate is mounted; each replica needs its own volume' }];
        }
        return templates
          .filter((t) => (t.spec.accessModes ?? []).some((m: string) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod'))
          .map((t) => ({ rule: 'stateful-components-own-volumes', subject: `${w.ref} claim ${t.metadata.name}`, message: `access modes ${t.spec.accessModes.join(', ')} imply shared storage` }));
      }),
    ),
};

export const replicaLabelDroppedFromAlerts: K8sRule = {
  id: 'replica-label-dropped-from-alerts',
  description: 'Prometheus external labels carry cluster, environment and a per-pod replica label, and the replica label is dropped from alerts so Alertmanager deduplicates the HA pair.',
  check: (output) =>
    prometheusConfigs(output).flatMap(({ subject, config }): Violation[] => {
      const labels = config.global?.external_labels ?? {};
      const violations: Violation[] = [];
      for (const label of ['cluster', 'environment', 'replica']) {
        if (!labels[label]) violations.push({ rule: 'replica-label-dropped-from-alerts', subject, message: `external label ${label} is missing` });
      }
      if (labels.replica && !/\$\{?\w+\}?/.test(labels.replica)) {
        violations.push({ rule: 'replica-label-dropped-from-alerts', subject, message: `replica label "${labels.replica}" is the same on every pod; expand it from the pod name` });
      }
      const drops = (config.alerting?.alert_relabel_configs ?? []).some((r: Json) => r.action === 'labeldrop' && new RegExp(`^(?:${r.regex})$`).test('replica'));
      if (!drops) violations.push({ rule: 'replica-label-dropped-from-alerts', subject, message: 'alert_relabel_configs does not drop the replica label; each alert would arrive twice' });
      return violations;
    }),
};

export const alertsToEveryAlertmanager: K8sRule = {
  id: 'alerts-to-every-alertmanager',
  description: 'Prometheus sends alerts to every Alertmanager pod (per-pod discovery or pod DNS names), never through one load-balanced ClusterIP Service.',
  check: (output) => {
    const clusterIpServices = new Set(
      ofKind(output, 'Service')
        .filter((s) => s.spec?.clusterIP !== 'None')
        .flatMap((s) => [s.metadata.name, `${s.metadata.name}.${s.metadata.namespace}`, `${s.metadata.name}.${s.metadata.namespace}.svc`]),
    );
    return prometheusConfigs(output).flatMap(({ subject, config }): Violation[] => {
      const groups: Json[] = config.alerting?.alertmanagers ?? [];
      if (groups.length === 0) return [{ rule: 'alerts-to-every-alertmanager', subject, message: 'no alertmanagers configured; alerts go nowhere' }];
      return groups.flatMap((group, i): Violation[] => {
        const sd: Json[] = group.kubernetes_sd_configs ?? [];
        const badRole = sd.filter((s) => !['pod', 'endpoints', 'endpointslice'].includes(s.role));
        const targets: string[] = (group.static_configs ?? []).flatMap((s: Json) => s.targets ?? []);
        const viaService = targets.filter((t) => clusterIpServices.has(t.split(':')[0]));
        return [
          ...badRole.map((s) => ({ rule: 'alerts-to-every-alertmanager', subject: `${subject} alertmanagers[${i}]`, message: `discovery role ${s.role} does not give one target per pod` })),
          ...viaService.map((t) => ({ rule: 'alerts-to-every-alertmanager', subject: `${subject} alertmanagers[${i}]`, message: `target ${t} is a ClusterIP Service; each alert would reach only one peer` })),
        ];
      });
    });
  },
};

/** Jobs for control-plane components that EKS manages and does not expose: they would only ever be "down". */
const MANAGED_CONTROL_PLANE = /kube-scheduler|kube-controller-manager|controller-manager|scheduler|etcd/;

export const noManagedControlPlaneJobs: K8sRule = {
  id: 'no-managed-control-plane-jobs',
  description: 'No scrape jobs for the managed control plane (scheduler, controller-manager, etcd): on EKS they are unreachable and only produce false "down" alerts.',
  check: (output) =>
    prometheusConfigs(output).flatMap(({ subject, config }) =>
      (config.scrape_configs ?? [])
        .filter((job: Json) => MANAGED_CONTROL_PLANE.test(job.job_name) || MANAGED_CONTROL_PLANE.test(JSON.stringify(job.relabel_configs ?? [])))
        .map((job: Json) => ({ rule: 'no-managed-control-plane-jobs', subject: `${subject} job ${job.job_name}`, message: 'scrapes a managed control-plane component' })),
    ),
};

export const retentionFitsVolume: K8sRule = {
  id: 'retention-fits-volume',
  description: 'Prometheus retains by time and by size, and the size is at most 85% of its volume so compaction never fills the disk.',
  check: (output) =>
    byAppName(output, 'prometheus').flatMap((w): Violation[] => {
      const container = w.containers.find((c: Json) => c.name === 'prometheus');
      const time = argValue(container?.args, 'storage.tsdb.retention.time');
      const size = argValue(container?.args, 'storage.tsdb.retention.size');
      const claim = ((w.object as Json).spec.volumeClaimTemplates ?? [])[0];
      const volume = claim?.spec?.resources?.requests?.storage;
      if (!time || !size) return [{ rule: 'retention-fits-volume', subject: w.ref, message: `retention by ${!time ? 'time' : 'size'} is not set` }];
      if (!volume) return [{ rule: 'retention-fits-volume', subject: w.ref, message: 'no volume to size retention against' }];
      return prometheusSizeToBytes(size) > quantityToBytes(String(volume)) * 0.85
        ? [{ rule: 'retention-fits-volume', subject: w.ref, message: `retention size ${size} exceeds 85% of the ${volume} volume` }]
        : [];
    }),
};

/** Whether a Service keeps each client on one backend, by the mechanism that applies to its type. */
function isSticky(service: Json): boolean {
  const annotations = service.metadata.annotations ?? {};
  if (service.spec.type === 'LoadBalancer' && annotations['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'] === 'ip') {
    return /stickiness\.enabled=true/.test(annotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes'] ?? '') && /stickiness\.type=source_ip/.test(annotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes'] ?? '');
  }
  return service.spec.sessionAffinity === 'ClientIP';
}

export const prometheusClientAffinity: K8sRule = {
  id: 'prometheus-client-affinity',
  description: 'Every Service that balances Prometheus replicas keeps a client on one replica, so graphs and reports do not flip between replicas with slightly different data: sessionAffinity ClientIP, or source-IP stickiness on an NLB with IP targets (which bypasses kube-proxy and its affinity).',
  check: (output) => {
    const pods = byAppName(output, 'prometheus');
    if (pods.length === 0) return [];
    return ofKind(output, 'Service')
      .filter((s) => s.spec?.clusterIP !== 'None' && pods.some((w) => w.namespace === s.metadata.namespace && Object.keys(s.spec?.selector ?? {}).length > 0 && selects(s.spec.selector, w.podLabels)))
      .filter((s) => !isSticky(s))
      .map((s) => ({ rule: 'prometheus-client-affinity', subject: `Service/${s.metadata.namespace}/${s.metadata.name}`, message: s.spec.type === 'LoadBalancer' ? 'load-balances Prometheus replicas without source-IP stickiness on the load balancer' : 'load-balances Prometheus replicas without sessionAffinity: ClientIP' }));
  },
};

export const alertmanagerClustered: K8sRule = {
  id: 'alertmanager-clustered',
  description: 'Replicated Alertmanager pods are peers: --cluster.peer names every replica by its stable DNS name, the headless Service publishes 9094 over TCP and UDP, and NetworkPolicy admits gossip on both.',
  check: (output) => {
    const policies = ofKind(output, 'NetworkPolicy');
    return byAppName(output, 'alertmanager')
      .filter((w) => (w.replicas ?? 0) > 1)
      .flatMap((w): Violation[] => {
        const violations: Violation[] = [];
        const add = (message: string) => violations.push({ rule: 'alertmanager-clustered', subject: w.ref, message });
        const service = (w.object as Json).spec.serviceName;
        const args: string[] = w.containers.find((c: Json) => c.name === 'alertmanager')?.args ?? [];
        const peers = args.filter((a) => a.startsWith('--cluster.peer=')).map((a) => a.slice('--cluster.peer='.length));
        for (let i = 0; i < (w.replicas ?? 0); i++) {
          const expected = `${w.object.metadata.name}-${i}.${service}`;
          if (!peers.some((p) => p.startsWith(expected + '.') || p.startsWith(expected + ':'))) add(`--cluster.peer for ${expected} is missing`);
        }
        const headless = ofKind(output, 'Service').find((s) => s.metadata.name === service && s.metadata.namespace === w.namespace);
        if (!headless || headless.spec.clusterIP !== 'None') add(`governing Service ${service} is missing or not headless`);
        for (const protocol of ['TCP', 'UDP']) {
          if (!(headless?.spec.ports ?? []).some((p: Json) => p.port === 9094 && (p.protocol ?? 'TCP') === protocol)) add(`Service ${service} does not publish 9094/${protocol}`);
          const admitted = policies.some(
            (p) =>
              p.metadata.namespace === w.namespace &&
              (p.spec.policyTypes ?? []).includes('Ingress') &&
              selects(p.spec.podSelector?.matchLabels, w.podLabels) &&
              (p.spec.ingress ?? []).some((r: Json) => (r.ports ?? []).some((port: Json) => port.port === 9094 && port.protocol === protocol)),
          );
          if (!admitted) add(`no NetworkPolicy admits gossip on 9094/${protocol}`);
        }
        return violations;
      });
  },
};

export const storageEncrypted: K8sRule = {
  id: 'storage-encrypted',
  description: 'Every StorageClass encrypts its volumes and binds them only when the pod is scheduled (WaitForFirstConsumer), so a zonal EBS volume lands in the pod\'s zone.',
  check: (output) =>
    ofKind(output, 'StorageClass').flatMap((sc): Violation[] => {
      const subject = `StorageClass/${sc.metadata.name}`;
      const violations: Violation[] = [];
      if (sc.parameters?.encrypted !== 'true') violations.push({ rule: 'storage-encrypted', subject, message: 'parameters.encrypted is not "true"' });
      if (sc.volumeBindingMode !== 'WaitForFirstConsumer') violations.push({ rule: 'storage-encrypted', subject, message: `volumeBindingMode is ${sc.volumeBindingMode ?? 'Immediate'}` });
      return violations;
    }),
};

export const METRICS_HA_RULES: readonly K8sRule[] = [
  statefulComponentsHaveOwnVolumes,
  replicaLabelDroppedFromAlerts,
  alertsToEveryAlertmanager,
  noManagedControlPlaneJobs,
  retentionFitsVolume,
  prometheusClientAffinity,
  alertmanagerClustered,
  storageEncrypted,
];
