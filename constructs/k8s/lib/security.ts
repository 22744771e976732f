/**
 * Security contexts that satisfy the Pod Security `restricted` level:
 * non-root with a numeric user (images whose USER is a name fail
 * `runAsNonRoot`), no privilege escalation, no capabilities, read-only root
 * filesystem, seccomp RuntimeDefault.
 */
import { k8s } from 'cdk8s-plus-28';

/** The numeric `nobody` user the Prometheus-family images run as. */
export const NOBODY = 65534;

/** Pod-level context: numeric non-root user, group ownership of volumes, seccomp. */
export function restrictedPodSecurityContext(uid: number = NOBODY): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    // Only chown a volume when its root has the wrong owner: large TSDB volumes otherwise delay every restart.
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level context: nothing beyond what the process needs. */
export function restrictedContainerSecurityContext(uid: number = NOBODY): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
