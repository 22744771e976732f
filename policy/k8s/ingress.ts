/**
 * Rules for what the stack exposes: every Ingress is HTTPS with a
 * cert-manager certificate, routes to a Service that exists, and UIs
 * without a login of their own are never reachable without an
 * authentication layer at the ingress controller.
 */
import type { PolicyRule, Violation } from '../types';
import { type Json, type K8sOutput, objectRef, ofKind, selects, workloads } from './model';

type K8sRule = PolicyRule<K8sOutput>;

const NGINX = 'nginx.ingress.kubernetes.io';
/** Apps (`app.kubernetes.io/name`) whose UI has no login: Prometheus, Alertmanager, Jaeger. */
export const APPS_WITHOUT_LOGIN = ['prometheus', 'alertmanager', 'jaeger'];

/** Every backend (Service name and port) an Ingress routes to. */
function backends(ingress: Json): Array<{ service: string; port: number | string | undefined }> {
  const rules: Json[] = ingress.spec?.rules ?? [];
  const paths = rules.flatMap((r) => r.http?.paths ?? []);
  const all = [...paths.map((p: Json) => p.backend), ...(ingress.spec?.defaultBackend ? [ingress.spec.defaultBackend] : [])];
  return all.filter((b) => b?.service).map((b) => ({ service: b.service.name, port: b.service.port?.number ?? b.service.port?.name }));
}

/** The app names of the pods a Service in a namespace selects. */
function appsBehind(output: K8sOutput, namespace: string, serviceName: string): string[] {
  const service = ofKind(output, 'Service').find((s) => s.metadata.name === serviceName && s.metadata.namespace === namespace);
  const selector = service?.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return workloads(output)
    .filter((w) => w.namespace === namespace && selects(selector, w.podLabels))
    .map((w) => w.podLabels['app.kubernetes.io/name'])
    .filter(Boolean);
}

function hasAuthLayer(annotations: Record<string, string>): boolean {
  const basic = ['basic', 'digest'].includes(annotations[`${NGINX}/auth-type`]) && Boolean(annotations[`${NGINX}/auth-secret`]);
  const external = /^https:\/\//.test(annotations[`${NGINX}/auth-url`] ?? '');
  return basic || external;
}

export const uiAuthAtIngress: K8sRule = {
  id: 'ui-auth-at-ingress',
  description:
    'An Ingress routing to Prometheus, Alertmanager or Jaeger (UIs with no login of their own) carries an authentication layer: basic auth from a Secret (auth-type + auth-secret) or an external auth URL over https (auth-url).',
  check: (output) =>
    ofKind(output, 'Ingress').flatMap((ingress): Violation[] => {
      const namespace = ingress.metadata.namespace ?? 'default';
      const exposed = [...new Set(backends(ingress).flatMap((b) => appsBehind(output, namespace, b.service)))].filter((app) => APPS_WITHOUT_LOGIN.includes(app));
      if (exposed.length === 0 || hasAuthLayer(ingress.metadata.annotations ?? {})) return [];
      return [{ rule: 'ui-auth-at-ingress', subject: objectRef(ingress), message: `exposes ${exposed.join(', ')} without an authentication layer; add basic auth (auth-type, auth-secret) or an external auth-url` }];
    }),
};

export const ingressTls: K8sRule = {
  id: 'ingress-tls',
  description: 'Every Ingress names its class, serves each of its hosts over TLS from a Secret that cert-manager fills (cluster-issuer or issuer annotation), and does not turn the HTTPS redirect off.',
  check: (output) =>
    ofKind(output, 'Ingress').flatMap((ingress): Violation[] => {
      const subject = objectRef(ingress);
      const annotations: Record<string, string> = ingress.metadata.annotations ?? {};
      const violations: Violation[] = [];
      const add = (message: string) => violations.push({ rule: 'ingress-tls', subject, message });
      if (!ingress.spec?.ingressClassName) add('no ingressClassName; an unclassed Ingress may be served by any controller, or none');
      const tls: Json[] = ingress.spec?.tls ?? [];
      const covered = new Set(tls.filter((t) => t.secretName).flatMap((t) => t.hosts ?? []));
      for (const rule of ingress.spec?.rules ?? []) {
        if (!rule.host) add('a rule without a host cannot be matched to a certificate');
        else if (!covered.has(rule.host)) add(`host ${rule.host} has no TLS entry with a secretName`);
      }
      if (!annotations['cert-manager.io/cluster-issuer'] && !annotations['cert-manager.io/issuer']) add('no cert-manager.io/cluster-issuer or cert-manager.io/issuer annotation; nothing issues or renews the certificate');
      if (annotations[`${NGINX}/ssl-redirect`] === 'false' || annotations[`${NGINX}/force-ssl-redirect`] === 'false') add('the HTTPS redirect is turned off; logins would cross the network in clear');
      return violations;
    }),
};

export const ingressBackendsExist: K8sRule = {
  id: 'ingress-backends-exist',
  description: 'Every Ingress backend names a Service of the same namespace and one of its ports, so the host does not answer 503 from the first request.',
  check: (output) =>
    ofKind(output, 'Ingress').flatMap((ingress) => {
      const namespace = ingress.metadata.namespace ?? 'default';
      return backends(ingress).flatMap((backend): Violation[] => {
        const service = ofKind(output, 'Service').find((s) => s.metadata.name === backend.service && s.metadata.namespace === namespace);
        if (!service) return [{ rule: 'ingress-backends-exist', subject: objectRef(ingress), message: `backend Service ${namespace}/${backend.service} does not exist` }];
        const ports: Json[] = service.spec?.ports ?? [];
        const found = ports.some((p) => p.port === backend.port || p.name === backend.port);
        return found ? [] : [{ rule: 'ingress-backends-exist', subject: objectRef(ingress), message: `Service ${backend.service} has no port ${backend.port}` }];
      });
    }),
};

export const INGRESS_RULES: readonly K8sRule[] = [uiAuthAtIngress, ingressTls, ingressBackendsExist];
