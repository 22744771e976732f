/**
 * Every allowed network flow of the stack, in one chart so the whole
 * picture can be reviewed in one file. The namespaces deny everything by
 * default; each flow below writes the egress and ingress policies it needs.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import type { Alertmanager } from '../constructs/k8s/alertmanager';
import type { KubeStateMetrics } from '../constructs/k8s/kube-state-metrics';
import { PART_OF } from '../constructs/k8s/lib/labels';
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
    this.addFlow({ name: 'prometheus-to-prometheus', from: pods(prometheus), to: pods(prometheus), ports: [FlowPort.tcp(prometheus.port)] });
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
    }

    const ingress = NetworkPeer.externalPods(network.ingressController.namespace, network.ingressController.podLabels);
    this.addFlow({ name: 'ingress-to-prometheus', from: ingress, to: pods(prometheus), ports: [FlowPort.tcp(prometheus.port)] });
    this.addFlow({ name: 'ingress-to-alertmanager', from: ingress, to: pods(alertmanager), ports: [FlowPort.tcp(alertmanager.port)] });
  }

  /** Add a flow; a second flow of the same name is refused (policy names would collide). */
  addFlow(props: Omit<NetworkFlowProps, 'labels'>): NetworkFlow {
    if (this.flows.has(props.name)) throw new Error(`NetworkPoliciesChart: flow "${props.name}" is already defined; give each flow a unique name`);
    const flow = new NetworkFlow(this, props.name, { ...props, labels: { 'app.kubernetes.io/part-of': PART_OF } });
    this.flows.set(props.name, flow);
    return flow;
  }
}
