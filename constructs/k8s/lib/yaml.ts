/** One YAML style for every configuration file the stack renders. */
import { stringify } from 'yaml';

/** YAML for a configuration file: no line folding (PromQL stays on one line), no anchors. */
export function toYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}
