/**
 * Every allowed network flow of the stack, in one chart so the whole
 * picture can be reviewed in one file. The namespaces deny everything by
 * default; each flow below writes the egress and ingress policies it needs.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import type { Alertmanager } from '../constructs/k8s/alertmanager';
import type { Grafana } from '../constructs/k8s/grafana';
import type { Jaeger } from '../constructs/k8s/jaeger';
import type { KubeStateMetrics } from '../constructs/k8s/kube-state-metrics';
import { PART_OF } from '../constructs/k8s/lib/labels';
import type { LogCollector } from '../constructs/k8s/log-collector';
import type { Loki } from '../constructs/k8s/loki';
import { NetworkFlow, type NetworkFlowProps } from '../constructs/k8s/network-flow';
import { FlowPort, NetworkPeer } from '../constructs/k8s/network-peer';
import type { NodeExporter } from '../constructs/k8s/node-exporter';
import type { Prometheus } from '../constructs/k8s/prometheus';
import type { Pushgateway } from '../constructs/k8s/pushgateway';

/** The workloads whose flows this chart writes. */
export interface StackWorkloads {
  readonly prometheus: Prometheus;
  readonly alertmanager: Alertmanager;
  readonly pushgateway: Pushgateway;
  readonly kubeStateMetrics: KubeStateMetrics;
  readonly nodeExporter: NodeExporter;
  readonly grafana?: Grafana;
  readonly loki?: Loki;
  /** Absent when `loki.collector.enabled` is off. */
  readonly logCollector?: LogCollector;
  readonly jaeger?: Jaeger;
}

const KUBELET_PORT = 10250;
const DNS_PORT = 53;

export class NetworkPoliciesChart extends Chart {
  /** The flows, by name. */
  readonly flows = new Map<string, NetworkFlow>();

  constructor(scope: Construct, id: string, config: MonitoringConfig, workloads: StackWorkloads) {
    super(scope, id, { disableResourceNameHashes: true });
    const { prometheus, alertmanager, pushgateway, kubeStateMetrics, nodeExporter } = workloads;
    const pods = (w: { namespace: string; podLabels: Record<string, string> }) => NetworkPeer.managedPods(w.namespace, w.podLabels);
    const network = config.network;

    this.addFlow({
      name: 'dns',
      from: NetworkPeer.managedPods(config.namespaces.monitoring, {}),
      to: NetworkPeer.externalPods(network.dns.namespace, network.dns.podLabels),
      ports: [FlowPort.udp(DNS_PORT), FlowPort.tcp(DNS_PORT)],
    });

    // Scraping the stack's own components (Prometheus scrapes its peer replica and itself too).
    const sidecar = prometheus.thanosSidecar;
    this.addFlow({ name: 'prometheus-to-prometheus', from: pods(prometheus), to: pods(prometheus), ports: [FlowPort.tcp(prometheus.port), ...(sidecar ? [FlowPort.tcp(sidecar.httpPort)] : [])] });
    if (sidecar) {
      // The Thanos sidecar uploads blocks to S3 and exchanges its IRSA token at STS, both on 443.
      this.addFlow({ name: 'prometheus-to-object-storage', from: pods(prometheus), to: NetworkPeer.cidrs(config.aws.prometheusBlocks.egressCidrs, config.aws.prometheusBlocks.egressExcept), ports: [FlowPort.tcp(443)] });
    }
    this.addFlow({ name: 'prometheus-to-alertmanager', from: pods(prometheus), to: pods(alertmanager), ports: [FlowPort.tcp(alertmanager.port)] });
    this.addFlow({ name: 'prometheus-to-pushgateway', from: pods(prometheus), to: pods(pushgateway), ports: [FlowPort.tcp(pushgateway.port)] });
    this.addFlow({
      name: 'prometheus-to-kube-state-metrics',
      from: pods(prometheus),
      to: pods(kubeStateMetrics),
      ports: [FlowPort.tcp(kubeStateMetrics.port), FlowPort.tcp(kubeStateMetrics.telemetryPort)],
    });
    // hostNetwork pods are not selected by NetworkPolicy: node-exporter and the kubelet are reached by node address.
    this.addFlow({
      name: 'prometheus-to-nodes',
      from: pods(prometheus),
      to: NetworkPeer.cidrs(network.nodeCidrs),
      ports: [FlowPort.tcp(nodeExporter.port), FlowPort.tcp(KUBELET_PORT)],
    });
    this.addFlow({ name: 'prometheus-to-apiserver', from: pods(prometheus), to: NetworkPeer.cidrs(network.apiServerCidrs), ports: [FlowPort.tcp(network.apiServerPort)] });
    // Annotated targets can be any pod on any port; their own namespaces decide whether to admit the scrape.
    this.addFlow({ name: 'prometheus-to-annotated-pods', from: pods(prometheus), to: NetworkPeer.anyPod(), ports: 'any' });
    this.addFlow({
      name: 'kube-state-metrics-to-apiserver',
      from: pods(kubeStateMetrics),
      to: NetworkPeer.cidrs(network.apiServerCidrs),
      ports: [FlowPort.tcp(network.apiServerPort)],
    });

    if (alertmanager.replicas > 1) {
      this.addFlow({
        name: 'alertmanager-gossip',
        from: pods(alertmanager),
        to: pods(alertmanager),
        ports: [FlowPort.tcp(alertmanager.clusterPort), FlowPort.udp(alertmanager.clusterPort)],
      });
    }
    this.addFlow({
      name: 'alertmanager-to-receivers',
      from: pods(alertmanager),
      to: NetworkPeer.cidrs(network.notificationEgress.cidrs, network.notificationEgress.except),
      ports: network.notificationEgress.ports.map((port) => FlowPort.tcp(port)),
    });

    if (network.lambdaCidrs.length > 0) {
      this.addFlow({ name: 'lambdas-to-pushgateway', from: NetworkPeer.cidrs(network.lambdaCidrs), to: pods(pushgateway), ports: [FlowPort.tcp(pushgateway.port)] });
      // Through the internal load balancers: the SLA report and the anomaly check query Prometheus, alerts and silence exports reach Alertmanager.
      if (network.lambdaEndpoints.enabled) {
        this.addFlow({ name: 'lambdas-to-prometheus', from: NetworkPeer.cidrs(network.lambdaCidrs), to: pods(prometheus), ports: [FlowPort.tcp(prometheus.port)] });
        this.addFlow({ name: 'lambdas-to-alertmanager', from: NetworkPeer.cidrs(network.lambdaCidrs), to: pods(alertmanager), ports: [FlowPort.tcp(alertmanager.port)] });
      }
    }

    const ingress = NetworkPeer.externalPods(network.ingressController.namespace, network.ingressController.podLabels);
    this.addFlow({ name: 'ingress-to-prometheus', from: ingress, to: pods(prometheus), ports: [FlowPort.tcp(prometheus.port)] });
    this.addFlow({ name: 'ingress-to-alertmanager', from: ingress, to: pods(alertmanager), ports: [FlowPort.tcp(alertmanager.port)] });

    this.addLogsTracesAndDashboardsFlows(config, workloads, ingress);
  }

  /**
   * Grafana, Loki with its collector, and Jaeger: the UIs behind the ingress
   * controller, Grafana to its data sources and database, applications in
   * any namespace to Loki's push API and Jaeger's OTLP ports, Loki and
   * Jaeger to their storage, and Prometheus scraping each of them.
   */
  private addLogsTracesAndDashboardsFlows(config: MonitoringConfig, workloads: StackWorkloads, ingress: NetworkPeer): void {
    const { prometheus, alertmanager, grafana, loki, logCollector, jaeger } = workloads;
    const pods = (w: { namespace: string; podLabels: Record<string, string> }) => NetworkPeer.managedPods(w.namespace, w.podLabels);
    const network = config.network;

    if (grafana) {
      const thanos = config.grafana.thanosQuery;
      if (thanos.enabled) {
        this.addFlow({ name: 'grafana-to-thanos-query', from: pods(grafana), to: NetworkPeer.managedPods(grafana.namespace, thanos.podLabels), ports: [FlowPort.tcp(thanos.port)] });
      } else {
        this.addFlow({ name: 'grafana-to-prometheus', from: pods(grafana), to: pods(prometheus), ports: [FlowPort.tcp(prometheus.port)] });
      }
      this.addFlow({ name: 'grafana-to-alertmanager', from: pods(grafana), to: pods(alertmanager), ports: [FlowPort.tcp(alertmanager.port)] });
      if (loki) this.addFlow({ name: 'grafana-to-loki', from: pods(grafana), to: pods(loki), ports: [FlowPort.tcp(loki.port)] });
      if (jaeger) this.addFlow({ name: 'grafana-to-jaeger-query', from: pods(grafana), to: NetworkPeer.managedPods(jaeger.namespace, jaeger.queryPodLabels), ports: [FlowPort.tcp(jaeger.queryPort)] });
      const database = grafana.database;
      if (database.type === 'postgres') {
        const cidrs = config.grafana.database.postgres?.cidrs ?? [];
        this.addFlow({ name: 'grafana-to-database', from: pods(grafana), to: NetworkPeer.cidrs(cidrs), ports: [FlowPort.tcp(database.port ?? 5432)] });
      }
      if (grafana.replicas > 1) {
        this.addFlow({ name: 'grafana-gossip', from: pods(grafana), to: pods(grafana), ports: [FlowPort.tcp(grafana.alertingPort), FlowPort.udp(grafana.alertingPort)] });
      }
      this.addFlow({ name: 'prometheus-to-grafana', from: pods(prometheus), to: pods(grafana), ports: [FlowPort.tcp(grafana.port)] });
      this.addFlow({ name: 'ingress-to-grafana', from: ingress, to: pods(grafana), ports: [FlowPort.tcp(grafana.port)] });
    }

    if (loki) {
      // Replicas talk gRPC to each other (distributor to ingesters, frontend to queriers), gossip the ring, and reach the compactor over HTTP.
      const ringPorts = loki.replicas > 1 ? [FlowPort.tcp(loki.memberlistPort)] : [];
      this.addFlow({ name: 'loki-to-loki', from: pods(loki), to: pods(loki), ports: [FlowPort.tcp(loki.port), FlowPort.tcp(loki.grpcPort), ...ringPorts] });
      if (loki.storage.type === 's3') {
        const s3 = config.loki.storage.s3;
        this.addFlow({ name: 'loki-to-object-storage', from: pods(loki), to: NetworkPeer.cidrs(s3.egressCidrs, s3.egressExcept), ports: [FlowPort.tcp(443)] });
      }
      // Applications anywhere may push logs; only pods, not the world (no ipBlock).
      this.addFlow({ name: 'applications-to-loki', from: NetworkPeer.anyPod(), to: pods(loki), ports: [FlowPort.tcp(loki.port)] });
      this.addFlow({ name: 'prometheus-to-loki', from: pods(prometheus), to: pods(loki), ports: [FlowPort.tcp(loki.port)] });
    }

    if (logCollector) {
      this.addFlow({
        name: 'log-collector-dns',
        from: NetworkPeer.managedPods(logCollector.namespace, {}),
        to: NetworkPeer.externalPods(network.dns.namespace, network.dns.podLabels),
        ports: [FlowPort.udp(DNS_PORT), FlowPort.tcp(DNS_PORT)],
      });
      this.addFlow({ name: 'log-collector-to-apiserver', from: pods(logCollector), to: NetworkPeer.cidrs(network.apiServerCidrs), ports: [FlowPort.tcp(network.apiServerPort)] });
      if (loki) this.addFlow({ name: 'log-collector-to-loki', from: pods(logCollector), to: pods(loki), ports: [FlowPort.tcp(loki.port)] });
      this.addFlow({ name: 'prometheus-to-log-collector', from: pods(prometheus), to: pods(logCollector), ports: [FlowPort.tcp(logCollector.port)] });
    }

    if (jaeger) {
      this.addFlow({
        name: 'applications-to-jaeger-otlp',
        from: NetworkPeer.anyPod(),
        to: NetworkPeer.managedPods(jaeger.namespace, jaeger.collectorPodLabels),
        ports: [FlowPort.tcp(jaeger.otlpGrpcPort), FlowPort.tcp(jaeger.otlpHttpPort)],
      });
      const search = config.jaeger.storage.elasticsearch;
      if (jaeger.storageType !== 'badger' && search) {
        // Collectors, query and the index cleaner all talk to the cluster.
        this.addFlow({ name: 'jaeger-to-storage', from: pods(jaeger), to: NetworkPeer.cidrs(search.cidrs), ports: urlPorts(search.urls).map((port) => FlowPort.tcp(port)) });
      }
      this.addFlow({ name: 'prometheus-to-jaeger', from: pods(prometheus), to: pods(jaeger), ports: [FlowPort.tcp(jaeger.metricsPort)] });
      this.addFlow({ name: 'ingress-to-jaeger', from: ingress, to: NetworkPeer.managedPods(jaeger.namespace, jaeger.queryPodLabels), ports: [FlowPort.tcp(jaeger.queryPort)] });
    }
  }

  /** Add a flow; a second flow of the same name is refused (policy names would collide). */
  addFlow(props: Omit<NetworkFlowProps, 'labels'>): NetworkFlow {
    if (this.flows.has(props.name)) throw new Error(`NetworkPoliciesChart: flow "${props.name}" is already defined; give each flow a unique name`);
    const flow = new NetworkFlow(this, props.name, { ...props, labels: { 'app.kubernetes.io/part-of': PART_OF } });
    this.flows.set(props.name, flow);
    return flow;
  }
}

/** The TCP ports of URLs: explicit, or the scheme's default. */
function urlPorts(urls: readonly string[]): number[] {
  const ports = urls.map((url) => {
    const parsed = new URL(url);
    return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  });
  return [...new Set(ports)];
}
