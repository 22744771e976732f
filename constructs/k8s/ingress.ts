/**
 * One UI on its own host through the NGINX ingress controller: HTTPS only,
 * a certificate from cert-manager (the issuer annotation; no Certificate
 * object to keep in sync), proxy timeouts long enough for slow queries, and
 * for UIs without a login of their own, an authentication layer at the
 * edge: basic auth from an htpasswd Secret, or an external OAuth2 proxy.
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
 * @see https://cert-manager.io/docs/usage/ingress/
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PART_OF } from './lib/labels';

const NGINX = 'nginx.ingress.kubernetes.io';

/** The authentication layer the ingress controller enforces before proxying. */
export class IngressAuth {
  /** Basic auth against an htpasswd file: the key `auth` of a Secret in the Ingress's namespace. */
  static basic(secretName: string, realm: string = 'Monitoring'): IngressAuth {
    return new IngressAuth('basic', { [`${NGINX}/auth-type`]: 'basic', [`${NGINX}/auth-secret`]: secretName, [`${NGINX}/auth-realm`]: realm });
  }
  /**
   * Every request is checked against `authUrl` (e.g. oauth2-proxy's
   * `/oauth2/auth`); unauthenticated users are sent to `signinUrl`.
   */
  static oauth2(authUrl: string, signinUrl: string, responseHeaders: readonly string[] = []): IngressAuth {
    for (const url of [authUrl, signinUrl]) {
      if (!url.startsWith('https://')) throw new Error(`IngressAuth.oauth2: "${url}" must be an https URL; credentials and cookies would otherwise cross the network in clear`);
    }
    return new IngressAuth('oauth2', {
      [`${NGINX}/auth-url`]: authUrl,
      // `rd` brings the user back to the page they asked for after login.
      [`${NGINX}/auth-signin`]: `${signinUrl}${signinUrl.includes('?') ? '&' : '?'}rd=https://$host$escaped_request_uri`,
      ...(responseHeaders.length > 0 ? { [`${NGINX}/auth-response-headers`]: responseHeaders.join(',') } : {}),
    });
  }
  /** No layer: only for UIs with their own login (Grafana). */
  static none(): IngressAuth {
    return new IngressAuth('none', {});
  }
  private constructor(
    readonly kind: 'basic' | 'oauth2' | 'none',
    readonly annotations: Readonly<Record<string, string>>,
  ) {}
}

export interface UiIngressProps {
  readonly namespace: string;
  /** The UI's name: names the Ingress and its TLS Secret. */
  readonly name: string;
  /** Fully qualified host, e.g. `grafana.monitoring.example.com`. */
  readonly host: string;
  /** The backend Service and port. */
  readonly serviceName: string;
  readonly servicePort: number;
  /** The UI has no login of its own, so `auth` must not be `none`. */
  readonly requiresAuth: boolean;
  readonly auth: IngressAuth;
  /** cert-manager issuer. */
  readonly tls: { readonly issuer: string; /** @default 'ClusterIssuer' */ readonly issuerKind?: 'ClusterIssuer' | 'Issuer' };
  /** @default 'nginx' */
  readonly className?: string;
  /** @default - connect 15s, read and send 300s, body 16m */
  readonly proxy?: { readonly connectTimeoutSeconds: number; readonly readTimeoutSeconds: number; readonly sendTimeoutSeconds: number; readonly bodySize: string };
  /**
   * Keep a browser on one backend pod (a cookie), for replicas whose data
   * differs slightly (Prometheus), so graphs do not flip between them.
   * @default false
   */
  readonly stickySessions?: boolean;
}

export class UiIngress extends Construct {
  readonly host: string;
  readonly tlsSecretName: string;

  constructor(scope: Construct, id: string, props: UiIngressProps) {
    super(scope, id);
    if (props.requiresAuth && props.auth.kind === 'none') {
      throw new Error(`UiIngress "${props.name}": the UI has no login of its own, so exposing it with IngressAuth.none() would open it to anyone who can reach the ingress. Use IngressAuth.basic(...) or IngressAuth.oauth2(...)`);
    }
    if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/.test(props.host)) {
      throw new Error(`UiIngress "${props.name}": host "${props.host}" is not a DNS name such as "grafana.monitoring.example.com"`);
    }
    this.host = props.host;
    this.tlsSecretName = `${props.name}-tls`;
    const proxy = props.proxy ?? { connectTimeoutSeconds: 15, readTimeoutSeconds: 300, sendTimeoutSeconds: 300, bodySize: '16m' };
    const issuerAnnotation = (props.tls.issuerKind ?? 'ClusterIssuer') === 'ClusterIssuer' ? 'cert-manager.io/cluster-issuer' : 'cert-manager.io/issuer';

    new k8s.KubeIngress(this, 'ingress', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/component': 'ingress', 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'cdk8s' },
        annotations: {
          [issuerAnnotation]: props.tls.issuer,
          [`${NGINX}/ssl-redirect`]: 'true',
          [`${NGINX}/force-ssl-redirect`]: 'true',
          [`${NGINX}/proxy-connect-timeout`]: String(proxy.connectTimeoutSeconds),
          [`${NGINX}/proxy-read-timeout`]: String(proxy.readTimeoutSeconds),
          [`${NGINX}/proxy-send-timeout`]: String(proxy.sendTimeoutSeconds),
          [`${NGINX}/proxy-body-size`]: proxy.bodySize,
          ...(props.stickySessions
            ? { [`${NGINX}/affinity`]: 'cookie', [`${NGINX}/session-cookie-name`]: `${props.name}-replica`, [`${NGINX}/session-cookie-secure`]: 'true', [`${NGINX}/session-cookie-max-age`]: '10800' }
            : {}),
          ...props.auth.annotations,
        },
      },
      spec: {
        ingressClassName: props.className ?? 'nginx',
        tls: [{ hosts: [props.host], secretName: this.tlsSecretName }],
        rules: [
          {
            host: props.host,
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: props.serviceName, port: { number: props.servicePort } } } }],
            },
          },
        ],
      },
    });
  }
}
