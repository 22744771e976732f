/**
 * Views over synthesized Kubernetes objects that the rules share: the
 * workloads, their pod templates and containers, and lookups by kind.
 */
import type { K8sObject } from '../../scripts/lib/manifests';
import { objectRef } from '../../scripts/lib/manifests';

export type { K8sObject };
export { objectRef };

/** What the Kubernetes rules look at: every object of one synthesis. */
export interface K8sOutput {
  readonly objects: readonly K8sObject[];
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

/** A workload with its pod template, the unit most rules reason about. */
export interface Workload {
  readonly object: K8sObject;
  readonly ref: string;
  readonly kind: (typeof WORKLOAD_KINDS)[number];
  readonly namespace: string;
  /** Desired replicas; DaemonSets count as one per node and report `undefined`. */
  readonly replicas: number | undefined;
  readonly podLabels: Record<string, string>;
  readonly podSpec: Json;
  readonly podMetadata: Json;
  readonly containers: Json[];
  readonly initContainers: Json[];
}

/** Every Deployment, StatefulSet and DaemonSet. */
export function workloads(output: K8sOutput): Workload[] {
  return output.objects
    .filter((o): o is K8sObject => (WORKLOAD_KINDS as readonly string[]).includes(o.kind))
    .map((object) => {
      const spec = (object as Json).spec ?? {};
      const template = spec.template ?? {};
      return {
        object,
        ref: objectRef(object),
        kind: object.kind as Workload['kind'],
        namespace: object.metadata.namespace ?? 'default',
        replicas: object.kind === 'DaemonSet' ? undefined : (spec.replicas ?? 1),
        podLabels: template.metadata?.labels ?? {},
        podSpec: template.spec ?? {},
        podMetadata: template.metadata ?? {},
        containers: template.spec?.containers ?? [],
        initContainers: template.spec?.initContainers ?? [],
      };
    });
}

/** Objects of a kind. */
export function ofKind(output: K8sOutput, kind: string): Json[] {
  return output.objects.filter((o) => o.kind === kind);
}

/** True when every label of `selector` is on `labels` (an empty selector matches everything). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** The data of a ConfigMap key, located by the file name it holds. */
export function configFiles(output: K8sOutput, keyPattern: RegExp): Array<{ configMap: Json; key: string; content: string }> {
  return ofKind(output, 'ConfigMap').flatMap((configMap) =>
    Object.entries((configMap.data ?? {}) as Record<string, string>)
      .filter(([key]) => keyPattern.test(key))
      .map(([key, content]) => ({ configMap, key, content })),
  );
}
