/**
 * How the UIs are exposed: one host per UI under `cluster.domain`, through
 * the NGINX ingress controller, with TLS certificates from cert-manager.
 * Prometheus, Alertmanager and Jaeger have no login of their own, so their
 * Ingresses always carry an authentication layer (basic auth or an external
 * OAuth2 proxy); `checkUiAuth` refuses exposing them without one.
 */
import { z } from 'zod';
import { K8sName, shown } from './common';

const HttpsUrl = z.url({ protocol: /^https$/, error: (i) => `${shown(i.input)} is not an https URL such as "https://oauth2.monitoring.example.com/oauth2/auth"` });
const HeaderName = z.string().regex(/^[A-Za-z0-9-]+$/, { error: (i) => `${shown(i.input)} is not an HTTP header name` });

/** The UIs the stack can expose. */
export const UI_NAMES = ['grafana', 'prometheus', 'alertmanager', 'jaeger'] as const;
export type UiName = (typeof UI_NAMES)[number];
/** UIs without a login of their own: never exposed without an authentication layer. */
export const UIS_WITHOUT_LOGIN: readonly UiName[] = ['prometheus', 'alertmanager', 'jaeger'];

export const IngressSection = z.strictObject({
  /** Create the Ingresses. */
  enabled: z.boolean().default(true),
  /** IngressClass of the NGINX ingress controller. */
  className: K8sName.default('nginx'),
  tls: z
    .strictObject({
      /** cert-manager issuer of the certificates. */
      issuer: K8sName.default('letsencrypt-prod'),
      /** `ClusterIssuer` (any namespace) or `Issuer` (in the monitoring namespace). */
      issuerKind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer'),
    })
    .prefault({}),
  proxy: z
    .strictObject({
      /** NGINX accepts at most 75 seconds. */
      connectTimeoutSeconds: z.number().int().min(1).max(75).default(15),
      /** Long enough for a slow PromQL or LogQL query. */
      readTimeoutSeconds: z.number().int().min(1).max(3600).default(300),
      sendTimeoutSeconds: z.number().int().min(1).max(3600).default(300),
      /** Largest request body (dashboard imports, silences). */
      bodySize: z.string().regex(/^\d+[kKmMgG]?$/, { error: (i) => `${shown(i.input)} is not an NGINX size such as "16m"` }).default('16m'),
    })
    .prefault({}),
  /** The authentication layer in front of the UIs without a login. */
  auth: z
    .strictObject({
      type: z.enum(['basic', 'oauth2', 'none']).default('basic'),
      basic: z
        .strictObject({
          /** Secret with an htpasswd file under the key `auth`, created by the user in the monitoring namespace. */
          secretName: K8sName.default('monitoring-basic-auth'),
          realm: z.string().regex(/^[^"\n]+$/).default('Monitoring'),
        })
        .prefault({}),
      /** Required when `type` is `oauth2`: an oauth2-proxy (or compatible) in front of the UIs. */
      oauth2: z
        .strictObject({
          /** Called for every request; 2xx lets it through. */
          authUrl: HttpsUrl,
          /** Where unauthenticated users are sent to log in. */
          signinUrl: HttpsUrl,
          /** Headers of the auth response passed to the UI. */
          responseHeaders: z.array(HeaderName).default(['X-Auth-Request-User', 'X-Auth-Request-Email']),
        })
        .optional(),
    })
    .prefault({}),
  /** Which UIs get an Ingress. */
  expose: z
    .strictObject({
      grafana: z.boolean().default(true),
      prometheus: z.boolean().default(true),
      alertmanager: z.boolean().default(true),
      jaeger: z.boolean().default(true),
    })
    .prefault({}),
});
export type IngressSection = z.infer<typeof IngressSection>;
