/** Placement and sizing shared by the workloads: spread, resources, disruption budgets. */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Resources } from '../../../config/sections/common';

/**
 * Spread replicas over nodes (hard: two replicas of an HA pair on one node
 * are not HA) and over zones (soft: a single-zone cluster still schedules).
 */
export function topologySpread(selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  return [
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } },
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
  ];
}

/** Config resources as the Kubernetes type. */
export function resourceRequirements(resources: Resources): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(resources.requests.cpu), memory: k8s.Quantity.fromString(resources.requests.memory) },
    limits: { cpu: k8s.Quantity.fromString(resources.limits.cpu), memory: k8s.Quantity.fromString(resources.limits.memory) },
  };
}

/**
 * A PodDisruptionBudget allowing one voluntary eviction at a time, or none
 * at all when the workload has a single replica (a budget on one replica
 * would block node drains forever).
 */
export function addDisruptionBudget(scope: Construct, name: string, namespace: string, selector: Record<string, string>, replicas: number, labels: Record<string, string>): ApiObject | undefined {
  if (replicas < 2) return undefined;
  return new k8s.KubePodDisruptionBudget(scope, 'pdb', {
    metadata: { name, namespace, labels },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
  });
}

/** A volume claim template for one replica's own volume. */
export function volumeClaimTemplate(name: string, storageClassName: string, size: string, labels: Record<string, string>): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name, labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(size) } },
    },
  };
}

/** An HTTP GET probe on a named container port. */
export function httpProbe(path: string, port: string, periodSeconds: number, failureThreshold: number): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString(port) },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  };
}
