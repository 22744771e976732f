import { IngressAuth, UiIngress, type UiIngressProps } from '../../../constructs/k8s/ingress';
import { objectsOf, only, testChart } from './harness';

const props: UiIngressProps = {
  namespace: 'monitoring',
  name: 'prometheus',
  host: 'prometheus.monitoring.example.com',
  serviceName: 'prometheus',
  servicePort: 9090,
  requiresAuth: true,
  auth: IngressAuth.basic('monitoring-basic-auth'),
  tls: { issuer: 'letsencrypt-prod' },
};

function ingressOf(overrides: Partial<UiIngressProps> = {}): any {
  const chart = testChart();
  new UiIngress(chart, 'ui', { ...props, ...overrides });
  return only(objectsOf(chart), 'Ingress');
}

describe('UiIngress', () => {
  it('matches the snapshot of its defaults', () => {
    expect(ingressOf()).toMatchSnapshot();
  });

  it('serves one host over TLS from cert-manager through the NGINX class, with timeouts and body size', () => {
    const ingress = ingressOf();
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['prometheus.monitoring.example.com'], secretName: 'prometheus-tls' }],
      rules: [{ host: 'prometheus.monitoring.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'prometheus', port: { number: 9090 } } } }] } }],
    });
    expect(ingress.metadata.annotations).toMatchObject({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '300',
      'nginx.ingress.kubernetes.io/proxy-connect-timeout': '15',
      'nginx.ingress.kubernetes.io/proxy-body-size': '16m',
    });
    expect(ingressOf({ tls: { issuer: 'internal-ca', issuerKind: 'Issuer' } }).metadata.annotations['cert-manager.io/issuer']).toBe('internal-ca');
  });

  it('puts basic auth from an htpasswd Secret in front', () => {
    expect(ingressOf().metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/auth-type': 'basic',
      'nginx.ingress.kubernetes.io/auth-secret': 'monitoring-basic-auth',
      'nginx.ingress.kubernetes.io/auth-realm': 'Monitoring',
    });
  });

  it('or an external OAuth2 proxy that sends users back where they were', () => {
    const auth = IngressAuth.oauth2('https://oauth2.example.com/oauth2/auth', 'https://oauth2.example.com/oauth2/start', ['X-Auth-Request-User']);
    expect(ingressOf({ auth }).metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2.example.com/oauth2/auth',
      'nginx.ingress.kubernetes.io/auth-signin': 'https://oauth2.example.com/oauth2/start?rd=https://$host$escaped_request_uri',
      'nginx.ingress.kubernetes.io/auth-response-headers': 'X-Auth-Request-User',
    });
  });

  it('keeps a browser on one replica when asked', () => {
    expect(ingressOf({ stickySessions: true }).metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/session-cookie-name': 'prometheus-replica' });
    expect(ingressOf().metadata.annotations['nginx.ingress.kubernetes.io/affinity']).toBeUndefined();
  });

  it('exposes a UI with its own login without a layer in front', () => {
    const annotations = ingressOf({ name: 'grafana', requiresAuth: false, auth: IngressAuth.none() }).metadata.annotations;
    expect(Object.keys(annotations).filter((k) => k.includes('/auth-'))).toEqual([]);
  });

  it.each([
    [{ auth: IngressAuth.none() }, 'UiIngress "prometheus": the UI has no login of its own, so exposing it with IngressAuth.none() would open it to anyone who can reach the ingress. Use IngressAuth.basic(...) or IngressAuth.oauth2(...)'],
    [{ host: 'Prometheus_Host' }, 'UiIngress "prometheus": host "Prometheus_Host" is not a DNS name such as "grafana.monitoring.example.com"'],
  ])('refuses %j', (overrides, message) => {
    expect(() => ingressOf(overrides as Partial<UiIngressProps>)).toThrow(message);
  });

  it('refuses an OAuth2 URL without TLS', () => {
    expect(() => IngressAuth.oauth2('http://oauth2/auth', 'https://oauth2/start')).toThrow('IngressAuth.oauth2: "http://oauth2/auth" must be an https URL');
  });
});
