/**
 * Internal load balancers through which the Lambdas reach Prometheus (the
 * SLA report and anomaly check query it), every Alertmanager pod (anomaly
 * alerts must reach each peer; the backup exports silences) and the
 * Pushgateway (every Lambda pushes its job metrics).
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { ENDPOINT_PORTS, lambdaEndpoints } from '../config/endpoints';
import type { Alertmanager } from '../constructs/k8s/alertmanager';
import { InternalLoadBalancer } from '../constructs/k8s/internal-load-balancer';
import { PART_OF } from '../constructs/k8s/lib/labels';
import type { Prometheus } from '../constructs/k8s/prometheus';
import type { Pushgateway } from '../constructs/k8s/pushgateway';

export interface LambdaEndpointTargets {
  readonly prometheus: Prometheus;
  readonly alertmanager: Alertmanager;
  readonly pushgateway: Pushgateway;
}

export class LambdaEndpointsChart extends Chart {
  readonly loadBalancers: InternalLoadBalancer[] = [];

  constructor(scope: Construct, id: string, config: MonitoringConfig, targets: LambdaEndpointTargets) {
    super(scope, id, { disableResourceNameHashes: true });
    const endpoints = lambdaEndpoints(config);
    const common = { namespace: config.namespaces.monitoring, sourceRanges: config.network.lambdaCidrs, labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': 'lambda-endpoint' } };
    this.loadBalancers.push(
      new InternalLoadBalancer(this, 'prometheus', {
        ...common,
        name: 'prometheus-lambda',
        selector: targets.prometheus.podLabels,
        port: ENDPOINT_PORTS.prometheus,
        targetPort: 'web',
        hostname: endpoints.prometheusHost,
        sticky: true,
      }),
      ...endpoints.alertmanagerHosts.map(
        (hostname, i) =>
          new InternalLoadBalancer(this, `alertmanager-${i}`, {
            ...common,
            name: `alertmanager-${i}-lambda`,
            // One pod each: an alert posted through a balancer would reach one peer only, and alerts are not gossiped.
            selector: { ...targets.alertmanager.podLabels, 'statefulset.kubernetes.io/pod-name': `alertmanager-${i}` },
            port: ENDPOINT_PORTS.alertmanager,
            targetPort: 'web',
            hostname,
          }),
      ),
      new InternalLoadBalancer(this, 'pushgateway', {
        ...common,
        name: 'pushgateway-lambda',
        selector: targets.pushgateway.podLabels,
        port: ENDPOINT_PORTS.pushgateway,
        targetPort: 'web',
        hostname: endpoints.pushgatewayHost,
      }),
    );
  }
}
