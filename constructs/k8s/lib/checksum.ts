/** Content hashes that make a pod template change when its configuration does. */
import { createHash } from 'node:crypto';

/**
 * The annotation that rolls a workload when its configuration changes.
 * ConfigMap updates reach mounted files eventually but the binaries only
 * read them at start; a changed hash on the pod template rolls the pods,
 * one at a time under the disruption budget.
 */
export function configChecksumAnnotation(...contents: string[]): Record<string, string> {
  const hash = createHash('sha256');
  for (const content of contents) hash.update(content).update('\0');
  return { 'checksum/config': hash.digest('hex') };
}
