/** Synthesizing in-process for tests, cached per configuration. */
import { buildK8sApp } from '../../charts/app';
import { loadProfile, type MonitoringConfig, resolveConfig } from '../../config';
import { type K8sObject, parseManifestText } from '../../scripts/lib/manifests';

const cache = new Map<string, K8sObject[]>();

/** Every object of a full k8s synth of a built-in profile. */
export function synthProfile(profile: 'default' | 'production'): K8sObject[] {
  if (!cache.has(profile)) cache.set(profile, synthConfig(loadProfile(profile)));
  // Callers may mutate what they get (policy mutation tests): hand out a deep copy.
  return structuredClone(cache.get(profile)!);
}

/** Every object of a full k8s synth of a configuration. */
export function synthConfig(config: MonitoringConfig): K8sObject[] {
  return parseManifestText(buildK8sApp(config, '/tmp/unused-outdir').synthYaml());
}

/** A configuration from a partial input over the defaults. */
export function configWith(input: unknown): MonitoringConfig {
  return resolveConfig(input, 'test');
}

/** The one object of a kind and name; fails loudly when absent. */
export function findObject(objects: K8sObject[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not in output; have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}
