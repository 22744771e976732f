/** No secret value in synthesized output, ever: secrets are referenced, never rendered. */
import { parse } from 'yaml';
import type { PolicyRule, Violation } from '../types';
import { configFiles, type Json, type K8sOutput, objectRef, ofKind } from './model';

type K8sRule = PolicyRule<K8sOutput>;

/** Shapes of credentials that must never appear in output. */
const SECRET_PATTERNS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'Slack webhook URL', pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/]+/ },
  { name: 'AWS access key ID', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'bearer token', pattern: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}/ },
  { name: 'Grafana service-account token', pattern: /\bglsa_[A-Za-z0-9_]{20,}/ },
];

/** Alertmanager settings that hold a credential inline; each has a `*_file` twin to use instead. */
const INLINE_CREDENTIAL_KEYS = ['api_url', 'slack_api_url', 'routing_key', 'service_key', 'auth_password', 'smtp_auth_password', 'password', 'credentials', 'bearer_token', 'api_key', 'client_secret'];

export const noSecretObjects: K8sRule = {
  id: 'no-secret-objects',
  description: 'The output contains no Secret with data: users create Secrets themselves and the stack references them.',
  check: (output) =>
    ofKind(output, 'Secret')
      .filter((s) => Object.keys(s.data ?? {}).length + Object.keys(s.stringData ?? {}).length > 0)
      .map((s) => ({ rule: 'no-secret-objects', subject: objectRef(s), message: 'a Secret with values is synthesized; reference a user-created Secret instead' })),
};

export const noCredentialPatterns: K8sRule = {
  id: 'no-credential-patterns',
  description: 'No string anywhere in the output looks like a credential (Slack webhook, AWS key, private key, bearer token).',
  check: (output) =>
    output.objects.flatMap((object) => {
      const text = JSON.stringify(object);
      return SECRET_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ name }) => ({ rule: 'no-credential-patterns', subject: objectRef(object), message: `contains what looks like a ${name}` }));
    }),
};

function inlineCredentials(node: Json, path: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => inlineCredentials(item, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(INLINE_CREDENTIAL_KEYS.includes(key) && typeof value === 'string' && value !== '' ? [`${path}.${key}`] : []),
    ...inlineCredentials(value, `${path}.${key}`),
  ]);
}

export const credentialsFromFiles: K8sRule = {
  id: 'credentials-from-files',
  description: 'Alertmanager and Prometheus configuration take every credential from a mounted file (`*_file`), never inline.',
  check: (output) =>
    configFiles(output, /^(alertmanager|prometheus)\.yml$/).flatMap(({ configMap, key, content }): Violation[] =>
      inlineCredentials(parse(content), key).map((path) => ({ rule: 'credentials-from-files', subject: `${objectRef(configMap)}`, message: `${path} is inline; use its *_file form with a Secret key` })),
    ),
};

export const SECRET_RULES: readonly K8sRule[] = [noSecretObjects, noCredentialPatterns, credentialsFromFiles];
