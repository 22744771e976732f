/** Availability rules: what makes replicas actually survive a node, a zone or a rollout. */
import { configChecksumAnnotation } from '../../constructs/k8s/lib/checksum';
import type { PolicyRule, Violation } from '../types';
import { type Json, type K8sOutput, ofKind, selects, workloads } from './model';

type K8sRule = PolicyRule<K8sOutput>;

export const topologySpread: K8sRule = {
  id: 'topology-spread',
  description: 'A workload with more than one replica spreads them over nodes and zones (topologySpreadConstraints on kubernetes.io/hostname and topology.kubernetes.io/zone).',
  check: (output) =>
    workloads(output)
      .filter((w) => (w.replicas ?? 0) > 1)
      .flatMap((w) => {
        const keys = (w.podSpec.topologySpreadConstraints ?? [])
          .filter((c: Json) => selects(c.labelSelector?.matchLabels, w.podLabels) && Object.keys(c.labelSelector?.matchLabels ?? {}).length > 0)
          .map((c: Json) => c.topologyKey);
        const missing = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].filter((key) => !keys.includes(key));
        return missing.length > 0 ? [{ rule: 'topology-spread', subject: w.ref, message: `${w.replicas} replicas but no spread over ${missing.join(' and ')}` }] : [];
      }),
};

export const disruptionBudget: K8sRule = {
  id: 'disruption-budget',
  description: 'A Deployment or StatefulSet with more than one replica has a PodDisruptionBudget selecting its pods that allows at least one and at most replicas-1 evictions.',
  check: (output) => {
    const budgets = ofKind(output, 'PodDisruptionBudget');
    return workloads(output)
      .filter((w) => (w.replicas ?? 0) > 1)
      .flatMap((w): Violation[] => {
        const pdb = budgets.find((b) => b.metadata.namespace === w.namespace && selects(b.spec?.selector?.matchLabels, w.podLabels));
        if (!pdb) return [{ rule: 'disruption-budget', subject: w.ref, message: `${w.replicas} replicas and no PodDisruptionBudget; a node drain could evict them all` }];
        const maxUnavailable = pdb.spec.maxUnavailable;
        if (typeof maxUnavailable === 'number' && (maxUnavailable < 1 || maxUnavailable >= (w.replicas ?? 0))) {
          return [{ rule: 'disruption-budget', subject: w.ref, message: `PodDisruptionBudget maxUnavailable ${maxUnavailable} must be between 1 and ${(w.replicas ?? 0) - 1}` }];
        }
        return [];
      });
  },
};

/** The suffix cdk8s appends to names unless told not to (`-c8` and six hex digits). */
const CDK8S_HASH = /-c8[0-9a-f]{6}$/;

export const stableNames: K8sRule = {
  id: 'stable-names',
  description: 'Names are human and stable (no cdk8s hash suffix): other components and people address them by DNS name.',
  check: (output) =>
    output.objects
      .filter((o) => CDK8S_HASH.test(o.metadata.name))
      .map((o) => ({ rule: 'stable-names', subject: `${o.kind}/${o.metadata.name}`, message: 'name carries a generated hash; set metadata.name or disableResourceNameHashes' })),
};

const RECOMMENDED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];

export const recommendedLabels: K8sRule = {
  id: 'recommended-labels',
  description: 'Workloads and their pods carry the app.kubernetes.io/* recommended labels (name, instance, version, component, part-of, managed-by).',
  check: (output) =>
    workloads(output).flatMap((w) => {
      const missing = (labels: Record<string, string> | undefined) => RECOMMENDED_LABELS.filter((label) => !labels?.[label]);
      const onObject = missing(w.object.metadata.labels);
      const onPods = missing(w.podLabels);
      const violations: Violation[] = [];
      if (onObject.length > 0) violations.push({ rule: 'recommended-labels', subject: w.ref, message: `missing labels ${onObject.join(', ')}` });
      if (onPods.length > 0) violations.push({ rule: 'recommended-labels', subject: `${w.ref} pod template`, message: `missing labels ${onPods.join(', ')}` });
      return violations;
    }),
};

export const ownVolumePerReplica: K8sRule = {
  id: 'own-volume-per-replica',
  description: 'A replicated stateful workload gives each replica its own volume (volumeClaimTemplates); a PVC shared by replicas corrupts a TSDB and is unsupported by Prometheus.',
  check: (output) =>
    workloads(output)
      .filter((w) => (w.replicas ?? 0) > 1 || w.kind === 'DaemonSet')
      .flatMap((w) =>
        (w.podSpec.volumes ?? [])
          .filter((v: Json) => v.persistentVolumeClaim)
          .map((v: Json) => ({ rule: 'own-volume-per-replica', subject: `${w.ref} volume ${v.name}`, message: `replicas share PVC ${v.persistentVolumeClaim.claimName}; use volumeClaimTemplates` })),
      ),
};

export const configChangesRoll: K8sRule = {
  id: 'config-changes-roll',
  description: 'A workload that mounts one of its ConfigMaps carries a checksum/config annotation equal to the hash of their content, so a configuration change rolls the pods.',
  check: (output) => {
    const configMaps = new Map(ofKind(output, 'ConfigMap').map((cm) => [`${cm.metadata.namespace}/${cm.metadata.name}`, cm]));
    return workloads(output).flatMap((w): Violation[] => {
      const mounted = (w.podSpec.volumes ?? [])
        .filter((v: Json) => v.configMap && configMaps.has(`${w.namespace}/${v.configMap.name}`))
        .map((v: Json) => configMaps.get(`${w.namespace}/${v.configMap.name}`));
      if (mounted.length === 0) return [];
      const annotation = w.podMetadata.annotations?.['checksum/config'];
      if (!annotation) return [{ rule: 'config-changes-roll', subject: w.ref, message: 'mounts ConfigMaps but has no checksum/config annotation; a config change would not reach the pods' }];
      // The constructs hash every mounted ConfigMap in volume order, each one's keys sorted.
      const contents = mounted.flatMap((cm: Json) => Object.keys(cm.data ?? {}).sort().map((key) => cm.data[key]));
      return configChecksumAnnotation(...contents)['checksum/config'] === annotation
        ? []
        : [{ rule: 'config-changes-roll', subject: w.ref, message: 'checksum/config does not match the mounted ConfigMaps; it is stale or covers other content' }];
    });
  },
};

export const configMapSize: K8sRule = {
  id: 'configmap-size',
  description: 'Every ConfigMap stays below 1 MiB, the API server limit (dashboards get one ConfigMap each for this reason).',
  check: (output) =>
    ofKind(output, 'ConfigMap')
      .map((cm) => ({ cm, bytes: Buffer.byteLength(JSON.stringify(cm.data ?? {}) + JSON.stringify(cm.binaryData ?? {})) }))
      .filter(({ bytes }) => bytes >= 1024 * 1024 * 0.95)
      .map(({ cm, bytes }) => ({ rule: 'configmap-size', subject: `ConfigMap/${cm.metadata.namespace}/${cm.metadata.name}`, message: `${bytes} bytes is at or near the 1 MiB limit; split it` })),
};

export const WORKLOAD_AVAILABILITY_RULES: readonly K8sRule[] = [topologySpread, disruptionBudget, stableNames, recommendedLabels, ownVolumePerReplica, configChangesRoll, configMapSize];
