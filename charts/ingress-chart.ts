/**
 * One Ingress per UI under the configured domain, with cert-manager TLS.
 * Prometheus, Alertmanager and Jaeger have no login of their own: their
 * Ingresses carry the configured authentication layer, and `UiIngress`
 * refuses to expose them without one.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { type UiName, UIS_WITHOUT_LOGIN } from '../config/sections/ingress';
import { Alertmanager, ALERTMANAGER_PORT } from '../constructs/k8s/alertmanager';
import { Grafana, GRAFANA_PORT } from '../constructs/k8s/grafana';
import { IngressAuth, UiIngress } from '../constructs/k8s/ingress';
import { Jaeger } from '../constructs/k8s/jaeger';
import { JAEGER_UI_PORT } from '../constructs/k8s/jaeger-config';
import { Prometheus, PROMETHEUS_PORT } from '../constructs/k8s/prometheus';

/** The Service and port behind each UI. */
const BACKENDS: Record<UiName, { serviceName: string; port: number }> = {
  grafana: { serviceName: Grafana.NAME, port: GRAFANA_PORT },
  prometheus: { serviceName: Prometheus.NAME, port: PROMETHEUS_PORT },
  alertmanager: { serviceName: Alertmanager.NAME, port: ALERTMANAGER_PORT },
  jaeger: { serviceName: `${Jaeger.NAME}-query`, port: JAEGER_UI_PORT },
};

export class IngressChart extends Chart {
  readonly ingresses = new Map<UiName, UiIngress>();

  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const { ingress } = config;
    if (!ingress.enabled) return;
    const auth = edgeAuth(config);
    for (const ui of Object.keys(BACKENDS) as UiName[]) {
      if (!ingress.expose[ui]) continue;
      const requiresAuth = UIS_WITHOUT_LOGIN.includes(ui);
      this.ingresses.set(
        ui,
        new UiIngress(this, ui, {
          namespace: config.namespaces.monitoring,
          name: ui,
          host: `${ui}.${config.cluster.domain}`,
          serviceName: BACKENDS[ui].serviceName,
          servicePort: BACKENDS[ui].port,
          requiresAuth,
          // Grafana has its own login; a second layer in front would break its API clients and the backup Lambda.
          auth: requiresAuth ? auth : IngressAuth.none(),
          tls: ingress.tls,
          className: ingress.className,
          proxy: ingress.proxy,
          // Prometheus replicas differ slightly; a browser stays on one.
          stickySessions: ui === 'prometheus',
        }),
      );
    }
  }
}

function edgeAuth(config: MonitoringConfig): IngressAuth {
  const { auth } = config.ingress;
  if (auth.type === 'basic') return IngressAuth.basic(auth.basic.secretName, auth.basic.realm);
  if (auth.type === 'oauth2') {
    if (!auth.oauth2) throw new Error('ingress.auth.oauth2 is missing; checkUiAuth refuses such a configuration before synthesis');
    return IngressAuth.oauth2(auth.oauth2.authUrl, auth.oauth2.signinUrl, auth.oauth2.responseHeaders);
  }
  return IngressAuth.none();
}
