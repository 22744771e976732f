/**
 * Validation of objects against the Kubernetes OpenAPI schemas, offline,
 * with the schemas packaged in `kubernetes-models`. Field names cannot be
 * misspelt in our code (the cdk8s L1 classes are typed and drop unknown
 * props), so the schema check catches wrong types, missing required fields
 * and invalid enum values.
 */
import { type K8sObject, objectRef } from './manifests';

type Validatable = { validate(): void };
type ModelClass = new (data: object) => Validatable;

/** The kubernetes-models module path of an apiVersion (`apps/v1`, `v1` for the core group). */
function modulePath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

function loadModel(apiVersion: string, kind: string): ModelClass | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(modulePath(apiVersion, kind));
    return module[kind] as ModelClass | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Problems of one object against its schema; an empty list means valid.
 * An apiVersion/kind without a schema is itself a problem: a CRD must
 * bring its own validator rather than pass unchecked.
 */
export function validateAgainstSchema(object: K8sObject): string[] {
  if (!object || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
    return ['not a Kubernetes object: apiVersion and kind are required'];
  }
  const Model = loadModel(object.apiVersion, object.kind);
  if (!Model) return [`${objectRef(object)}: no schema for ${object.apiVersion} ${object.kind}; is the apiVersion right?`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${objectRef(object)}: ${(error as Error).message}`];
  }
}
