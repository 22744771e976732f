/**
 * The addresses the Lambdas use to reach the stack's in-cluster APIs,
 * derived once so the Kubernetes side (the load balancers' DNS names) and
 * the AWS side (the Lambdas' settings) agree.
 */
import type { MonitoringConfig } from './schema';

/** Ports of the APIs, as the Services publish them. */
export const ENDPOINT_PORTS = { prometheus: 9090, alertmanager: 9093, pushgateway: 9091 } as const;

export interface LambdaEndpoints {
  /** True when the stack creates the internal load balancers. */
  readonly enabled: boolean;
  readonly privateDomain: string;
  readonly prometheusHost: string;
  /** One host per Alertmanager replica: `alertmanager-0.<domain>`, ... */
  readonly alertmanagerHosts: readonly string[];
  readonly pushgatewayHost: string;
  readonly prometheusUrl: string;
  readonly alertmanagerUrls: readonly string[];
  readonly pushgatewayUrl: string;
}

/** The Lambdas' endpoints of a configuration. */
export function lambdaEndpoints(config: MonitoringConfig): LambdaEndpoints {
  const settings = config.network.lambdaEndpoints;
  const domain = settings.privateDomain ?? `internal.${config.cluster.domain}`;
  const alertmanagerHosts = Array.from({ length: config.alertmanager.replicas }, (_, i) => `alertmanager-${i}.${domain}`);
  const url = (host: string, port: number) => `http://${host}:${port}`;
  return {
    enabled: settings.enabled,
    privateDomain: domain,
    prometheusHost: `prometheus.${domain}`,
    alertmanagerHosts,
    pushgatewayHost: `pushgateway.${domain}`,
    prometheusUrl: url(`prometheus.${domain}`, ENDPOINT_PORTS.prometheus),
    alertmanagerUrls: alertmanagerHosts.map((host) => url(host, ENDPOINT_PORTS.alertmanager)),
    pushgatewayUrl: url(`pushgateway.${domain}`, ENDPOINT_PORTS.pushgateway),
  };
}
