/** Reading synthesized manifests back: every YAML document of every file in an output folder. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as synthesized. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** An object and the file it came from. */
export interface ManifestEntry {
  readonly file: string;
  readonly object: K8sObject;
}

/** Every object of every `*.yaml` file in `dir`, in file order. */
export function readManifests(dir: string): ManifestEntry[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  if (files.length === 0) throw new Error(`no manifests in ${dir}; run \`npm run synth\` first`);
  return files.flatMap((file) => parseManifestText(readFileSync(join(dir, file), 'utf8')).map((object) => ({ file, object })));
}

/** The objects of one multi-document YAML text; a parse error names the document. */
export function parseManifestText(text: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`document ${index}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    return value ? [value as K8sObject] : [];
  });
}

/** `Kind/namespace/name`, how errors refer to an object. */
export function objectRef(object: K8sObject): string {
  return `${object.kind}/${object.metadata.namespace ? object.metadata.namespace + '/' : ''}${object.metadata.name}`;
}
