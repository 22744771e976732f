/**
 * The recommended `app.kubernetes.io/*` labels. Selectors use only `name`
 * and `instance`, which never change over a workload's life; `version` is
 * on the objects but not in selectors, which are immutable.
 */

/** The product these components are part of. */
export const PART_OF = 'monitoring-stack';

/** Labels that identify one component: stable, safe in selectors. */
export function selectorLabels(name: string, instance: string = name): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': instance };
}

/** All recommended labels of a component's objects. */
export function componentLabels(name: string, component: string, image: string, instance: string = name): Record<string, string> {
  return {
    ...selectorLabels(name, instance),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/version': versionOf(image),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** The tag of an image, as a label value (`v3.5.0`); a digest is shortened. */
export function versionOf(image: string): string {
  if (image.includes('@')) return image.split('@')[1].replace(':', '-').slice(0, 63);
  const last = image.split('/').pop() ?? image;
  return last.includes(':') ? last.slice(last.lastIndexOf(':') + 1).slice(0, 63) : 'unknown';
}
