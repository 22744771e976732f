/**
 * Security rules for every workload: the Pod Security `restricted` level
 * and our own pinning and least-privilege rules.
 */
import type { PolicyRule, Violation } from '../types';
import { type Json, type K8sOutput, ofKind, type Workload, workloads } from './model';

type K8sRule = PolicyRule<K8sOutput>;

/** Every container of every workload, init containers included. */
function eachContainer(output: K8sOutput, rule: string, check: (c: Json, w: Workload) => string | undefined): Violation[] {
  return workloads(output).flatMap((w) =>
    [...w.initContainers, ...w.containers].flatMap((c) => {
      const message = check(c, w);
      return message ? [{ rule, subject: `${w.ref} container ${c.name}`, message }] : [];
    }),
  );
}

/** A container setting, falling back to the pod's security context where Kubernetes does. */
function effective(c: Json, w: Workload, field: string): unknown {
  return c.securityContext?.[field] ?? w.podSpec.securityContext?.[field];
}

export const imagesPinned: K8sRule = {
  id: 'images-pinned',
  description: 'Every image names an explicit version tag or digest, never `latest`, so all replicas run the same binary and a rollout is reproducible.',
  check: (output) =>
    eachContainer(output, 'images-pinned', (c) => {
      const image: string = c.image ?? '';
      if (image.includes('@sha256:')) return undefined;
      const last = image.split('/').pop() ?? '';
      if (!last.includes(':')) return `image "${image}" has no tag; pin a version`;
      if (last.endsWith(':latest')) return `image "${image}" uses "latest"; pin a version`;
      return undefined;
    }),
};

export const resourcesSet: K8sRule = {
  id: 'resources-set',
  description: 'Every container requests and limits CPU and memory, so the scheduler can place it and it cannot starve its node.',
  check: (output) =>
    eachContainer(output, 'resources-set', (c) => {
      const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter((path) => {
        const [section, resource] = path.split('.');
        return c.resources?.[section]?.[resource] === undefined;
      });
      return missing.length > 0 ? `missing resources ${missing.join(', ')}` : undefined;
    }),
};

export const probesSet: K8sRule = {
  id: 'probes-set',
  description: 'Every long-running container has a liveness and a readiness probe, so Kubernetes restarts a hung process and keeps traffic from an unready one.',
  check: (output) =>
    workloads(output).flatMap((w) =>
      w.containers.flatMap((c: Json) => {
        const missing = ['livenessProbe', 'readinessProbe'].filter((probe) => !c[probe]);
        return missing.length > 0 ? [{ rule: 'probes-set', subject: `${w.ref} container ${c.name}`, message: `missing ${missing.join(' and ')}` }] : [];
      }),
    ),
};

export const runAsNonRoot: K8sRule = {
  id: 'run-as-non-root',
  description: 'Every container runs as a numeric non-root user (runAsNonRoot with a name-only USER fails at start, so the UID is explicit).',
  check: (output) =>
    eachContainer(output, 'run-as-non-root', (c, w) => {
      if (effective(c, w, 'runAsNonRoot') !== true) return 'runAsNonRoot is not true';
      const uid = effective(c, w, 'runAsUser');
      if (typeof uid !== 'number') return 'runAsUser is not set to a numeric UID';
      if (uid === 0) return 'runAsUser is 0 (root)';
      return undefined;
    }),
};

export const noPrivilegeEscalation: K8sRule = {
  id: 'no-privilege-escalation',
  description: 'Every container sets allowPrivilegeEscalation: false and is not privileged.',
  check: (output) =>
    eachContainer(output, 'no-privilege-escalation', (c) => {
      if (c.securityContext?.privileged === true) return 'privileged is true';
      return c.securityContext?.allowPrivilegeEscalation === false ? undefined : 'allowPrivilegeEscalation is not false';
    }),
};

export const capabilitiesDropped: K8sRule = {
  id: 'capabilities-dropped',
  description: 'Every container drops ALL capabilities and adds none.',
  check: (output) =>
    eachContainer(output, 'capabilities-dropped', (c) => {
      const caps = c.securityContext?.capabilities ?? {};
      if (!(caps.drop ?? []).includes('ALL')) return 'capabilities.drop does not include ALL';
      if ((caps.add ?? []).length > 0) return `capabilities.add grants ${caps.add.join(', ')}`;
      return undefined;
    }),
};

export const readOnlyRootFilesystem: K8sRule = {
  id: 'read-only-root-filesystem',
  description: 'Every container has a read-only root filesystem; writable paths are explicit volumes.',
  check: (output) => eachContainer(output, 'read-only-root-filesystem', (c) => (c.securityContext?.readOnlyRootFilesystem === true ? undefined : 'readOnlyRootFilesystem is not true')),
};

export const seccompRuntimeDefault: K8sRule = {
  id: 'seccomp-runtime-default',
  description: 'Every container runs under the RuntimeDefault seccomp profile (set on the pod or the container).',
  check: (output) =>
    eachContainer(output, 'seccomp-runtime-default', (c, w) => {
      const profile = (c.securityContext?.seccompProfile ?? w.podSpec.securityContext?.seccompProfile)?.type;
      return profile === 'RuntimeDefault' || profile === 'Localhost' ? undefined : 'seccompProfile is not RuntimeDefault';
    }),
};

export const ownServiceAccount: K8sRule = {
  id: 'own-service-account',
  description: 'Each workload runs under its own ServiceAccount (never `default`, never shared), which exists in its namespace.',
  check: (output) => {
    const accounts = new Set(ofKind(output, 'ServiceAccount').map((sa) => `${sa.metadata.namespace}/${sa.metadata.name}`));
    const users = new Map<string, string[]>();
    const violations: Violation[] = [];
    for (const w of workloads(output)) {
      const name = w.podSpec.serviceAccountName;
      if (!name || name === 'default') {
        violations.push({ rule: 'own-service-account', subject: w.ref, message: 'runs as the default ServiceAccount; give it its own' });
        continue;
      }
      const key = `${w.namespace}/${name}`;
      if (!accounts.has(key)) violations.push({ rule: 'own-service-account', subject: w.ref, message: `ServiceAccount ${key} is not defined` });
      users.set(key, [...(users.get(key) ?? []), w.ref]);
    }
    for (const [key, refs] of users) {
      if (refs.length > 1) violations.push({ rule: 'own-service-account', subject: key, message: `shared by ${refs.join(', ')}` });
    }
    return violations;
  },
};

export const tokenOnlyWhereNeeded: K8sRule = {
  id: 'token-only-where-needed',
  description: 'A workload mounts its API token only when its ServiceAccount is bound to a Role or ClusterRole, i.e. when it calls the API; others set automountServiceAccountToken: false.',
  check: (output) => {
    const bound = new Set(
      [...ofKind(output, 'RoleBinding'), ...ofKind(output, 'ClusterRoleBinding')].flatMap((b: Json) =>
        (b.subjects ?? []).filter((s: Json) => s.kind === 'ServiceAccount').map((s: Json) => `${s.namespace}/${s.name}`),
      ),
    );
    const accounts = new Map(ofKind(output, 'ServiceAccount').map((sa) => [`${sa.metadata.namespace}/${sa.metadata.name}`, sa]));
    return workloads(output).flatMap((w) => {
      const key = `${w.namespace}/${w.podSpec.serviceAccountName ?? 'default'}`;
      // Kubernetes mounts the token unless the pod or its ServiceAccount says otherwise.
      const mounted = w.podSpec.automountServiceAccountToken ?? accounts.get(key)?.automountServiceAccountToken ?? true;
      if (mounted && !bound.has(key)) {
        return [{ rule: 'token-only-where-needed', subject: w.ref, message: `mounts an API token but ${key} has no role binding; set automountServiceAccountToken: false` }];
      }
      return [];
    });
  },
};

export const hostAccessOnlyInPrivilegedNamespace: K8sRule = {
  id: 'host-access-only-in-privileged-namespace',
  description: 'hostNetwork, hostPID, hostIPC and hostPath are used only in a namespace whose Pod Security level is `privileged` and says why.',
  check: (output) => {
    const levels = new Map(ofKind(output, 'Namespace').map((ns) => [ns.metadata.name, ns.metadata.labels?.['pod-security.kubernetes.io/enforce']]));
    return workloads(output).flatMap((w) => {
      const uses = [
        w.podSpec.hostNetwork ? 'hostNetwork' : undefined,
        w.podSpec.hostPID ? 'hostPID' : undefined,
        w.podSpec.hostIPC ? 'hostIPC' : undefined,
        (w.podSpec.volumes ?? []).some((v: Json) => v.hostPath) ? 'hostPath' : undefined,
      ].filter(Boolean);
      if (uses.length === 0 || levels.get(w.namespace) === 'privileged') return [];
      return [{ rule: 'host-access-only-in-privileged-namespace', subject: w.ref, message: `uses ${uses.join(', ')} in namespace ${w.namespace}, which is not privileged` }];
    });
  },
};

export const podSecurityEnforced: K8sRule = {
  id: 'pod-security-enforced',
  description: 'Every namespace enforces Pod Security `restricted`; the one exception (`privileged`) carries a reason and holds only workloads that need host access.',
  check: (output) =>
    ofKind(output, 'Namespace').flatMap((ns) => {
      const level = ns.metadata.labels?.['pod-security.kubernetes.io/enforce'];
      const subject = `Namespace/${ns.metadata.name}`;
      if (level === 'restricted') return [];
      if (level !== 'privileged') return [{ rule: 'pod-security-enforced', subject, message: `enforce level is ${level ?? 'unset'}; use restricted` }];
      const reason = ns.metadata.annotations?.['monitoring-stack/pod-security-reason'];
      if (!reason) return [{ rule: 'pod-security-enforced', subject, message: 'privileged without a monitoring-stack/pod-security-reason annotation' }];
      const tenants = workloads(output).filter((w) => w.namespace === ns.metadata.name);
      return tenants
        .filter((w) => !w.podSpec.hostNetwork && !w.podSpec.hostPID && !(w.podSpec.volumes ?? []).some((v: Json) => v.hostPath))
        .map((w) => ({ rule: 'pod-security-enforced', subject: w.ref, message: `needs no host access but runs in privileged namespace ${ns.metadata.name}; move it to a restricted one` }));
    }),
};

export const WORKLOAD_SECURITY_RULES: readonly K8sRule[] = [
  imagesPinned,
  resourcesSet,
  probesSet,
  runAsNonRoot,
  noPrivilegeEscalation,
  capabilitiesDropped,
  readOnlyRootFilesystem,
  seccompRuntimeDefault,
  ownServiceAccount,
  tokenOnlyWhereNeeded,
  hostAccessOnlyInPrivilegedNamespace,
  podSecurityEnforced,
];
