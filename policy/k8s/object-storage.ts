/**
 * Object storage from pods: credentials come from IRSA, never from a
 * file, and what is written is encrypted with the customer key.
 */
import { parse } from 'yaml';
import type { PolicyRule, Violation } from '../types';
import { configFiles, type Json, type K8sOutput, objectRef, ofKind, workloads } from './model';

type K8sRule = PolicyRule<K8sOutput>;

const STATIC_KEYS = ['access_key', 'secret_key', 'session_token', 'access_key_id', 'secret_access_key'];
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

export const objectStorageViaIrsa: K8sRule = {
  id: 'object-storage-via-irsa',
  description:
    'Every Thanos objstore.yml uses S3 with SSE-KMS and no static credentials, and every pod that mounts it runs as a ServiceAccount annotated with an IRSA role (eks.amazonaws.com/role-arn).',
  check: (output) =>
    configFiles(output, /^objstore\.yml$/).flatMap(({ configMap, key, content }): Violation[] => {
      const subject = `${objectRef(configMap)} ${key}`;
      const doc = (parse(content) ?? {}) as Json;
      const violations: Violation[] = [];
      const inline = STATIC_KEYS.filter((k) => typeof doc.config?.[k] === 'string' && doc.config[k] !== '');
      if (inline.length > 0) violations.push({ rule: 'object-storage-via-irsa', subject, message: `static credentials (${inline.join(', ')}); use the pod's IRSA role` });
      if (doc.type !== 'S3' || doc.config?.sse_config?.type !== 'SSE-KMS' || !doc.config?.sse_config?.kms_key_id) {
        violations.push({ rule: 'object-storage-via-irsa', subject, message: 'objects are not encrypted with SSE-KMS and a key (config.sse_config)' });
      }
      const accounts = ofKind(output, 'ServiceAccount');
      for (const w of workloads(output)) {
        const mounts = (w.podSpec.volumes ?? []).some((v: Json) => v.configMap?.name === configMap.metadata.name) && w.namespace === configMap.metadata.namespace;
        if (!mounts) continue;
        const name = w.podSpec.serviceAccountName ?? 'default';
        const account = accounts.find((a) => a.metadata.name === name && a.metadata.namespace === w.namespace);
        if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(account?.metadata?.annotations?.[IRSA_ANNOTATION] ?? '')) {
          violations.push({ rule: 'object-storage-via-irsa', subject: w.ref, message: `mounts ${configMap.metadata.name} but ServiceAccount ${name} has no ${IRSA_ANNOTATION} annotation` });
        }
      }
      return violations;
    }),
};

export const OBJECT_STORAGE_RULES: readonly K8sRule[] = [objectStorageViaIrsa];
