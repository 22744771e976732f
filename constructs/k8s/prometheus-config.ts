/**
 * Renders `prometheus.yml` from typed settings. Pure: the same settings
 * always give the same document, which the tests check with `promtool`.
 *
 * Compatibility: the document must load in the Prometheus we ship (3.x) and
 * pass the `promtool` the tests run (Debian's 2.42), so it keeps to the
 * configuration both accept. Every target address carries its port, as
 * Prometheus 3 no longer adds default ports.
 */

/** In-pod paths of the service account credentials Kubernetes mounts. */
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where the per-pod replica name comes from: the env var set from `metadata.name`. */
export const REPLICA_ENV = 'POD_NAME';

/** Label carrying the replica; dropped before alerts leave, so the HA pair's alerts deduplicate. */
export const REPLICA_LABEL = 'replica';

/** A component Prometheus scrapes by pod discovery in the stack's namespace. */
export interface PodScrapeTarget {
  /** Job name, also the value of the `job` label. */
  readonly job: string;
  /** Value of `app.kubernetes.io/name` on the pods. */
  readonly appName: string;
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Named container port that serves metrics. */
  readonly portName: string;
  /** Keep the target's own labels on conflict (Pushgateway, kube-state-metrics). */
  readonly honorLabels?: boolean;
}

export interface PrometheusConfigSettings {
  readonly clusterName: string;
  readonly environment: string;
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
  readonly evaluationInterval: string;
  /** Extra external labels. */
  readonly externalLabels?: Record<string, string>;
  /** Glob of rule files inside the pod. */
  readonly ruleFilesGlob: string;
  /** The Alertmanager pods alerts go to, each one directly. */
  readonly alertmanager: { readonly namespace: string; readonly appName: string; readonly portName: string };
  /** Components of the stack scraped by pod discovery. */
  readonly podTargets: readonly PodScrapeTarget[];
  /** node-exporter's namespace; its hostNetwork pods listen on the node address. */
  readonly nodeExporter: { readonly namespace: string; readonly appName: string; readonly portName: string };
  /** Verify the kubelet's serving certificate (see `prometheus.kubeletTlsVerify`). */
  readonly kubeletTlsVerify: boolean;
}

type Relabel = Record<string, unknown>;

/** The `prometheus.yml` document as a plain object. */
export function renderPrometheusConfig(settings: PrometheusConfigSettings): Record<string, unknown> {
  return {
    global: {
      scrape_interval: settings.scrapeInterval,
      scrape_timeout: settings.scrapeTimeout,
      evaluation_interval: settings.evaluationInterval,
      external_labels: {
        ...settings.externalLabels,
        cluster: settings.clusterName,
        environment: settings.environment,
        // Expanded from the pod's environment at start, so each replica is told apart in shipped blocks and remote storage.
        [REPLICA_LABEL]: `\${${REPLICA_ENV}}`,
      },
    },
    rule_files: [settings.ruleFilesGlob],
    alerting: {
      // Both replicas fire the same alerts; without their replica label they are identical and Alertmanager deduplicates them.
      alert_relabel_configs: [{ action: 'labeldrop', regex: REPLICA_LABEL }],
      alertmanagers: [
        {
          api_version: 'v2',
          timeout: '10s',
          // Every Alertmanager pod is a target: a load-balanced Service would deliver each alert to one peer only.
          kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [settings.alertmanager.namespace] } }],
          relabel_configs: [
            keepLabel('__meta_kubernetes_pod_label_app_kubernetes_io_name', settings.alertmanager.appName),
            keepLabel('__meta_kubernetes_pod_container_port_name', settings.alertmanager.portName),
            dropNotRunning(),
          ],
        },
      ],
    },
    scrape_configs: [
      ...settings.podTargets.map(podJob),
      apiServerJob(),
      kubeletJob('kubelet', '/metrics', settings.kubeletTlsVerify),
      kubeletJob('cadvisor', '/metrics/cadvisor', settings.kubeletTlsVerify),
      nodeExporterJob(settings.nodeExporter),
      annotatedPodsJob(),
      annotatedServicesJob(),
    ],
  };
}

function keepLabel(sourceLabel: string, value: string): Relabel {
  return { action: 'keep', source_labels: [sourceLabel], regex: escapeRegex(value) };
}

function dropNotRunning(): Relabel {
  return { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed' };
}

/** `namespace`, `pod` and `node` labels on pod-discovered targets. */
function podIdentityLabels(): Relabel[] {
  return [
    { action: 'replace', source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { action: 'replace', source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { action: 'replace', source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
  ];
}

function podJob(target: PodScrapeTarget): Record<string, unknown> {
  return {
    job_name: target.job,
    ...(target.honorLabels ? { honor_labels: true } : {}),
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [target.namespace] } }],
    relabel_configs: [
      keepLabel('__meta_kubernetes_pod_label_app_kubernetes_io_name', target.appName),
      keepLabel('__meta_kubernetes_pod_container_port_name', target.portName),
      dropNotRunning(),
      ...podIdentityLabels(),
      { action: 'replace', target_label: 'service', replacement: target.appName },
    ],
  };
}

function serviceAccountAuth(): Record<string, unknown> {
  return { authorization: { type: 'Bearer', credentials_file: `${SA_DIR}/token` } };
}

function apiServerJob(): Record<string, unknown> {
  return {
    job_name: 'apiserver',
    scheme: 'https',
    ...serviceAccountAuth(),
    tls_config: { ca_file: `${SA_DIR}/ca.crt` },
    kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: ['default'] } }],
    relabel_configs: [
      {
        action: 'keep',
        source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'],
        regex: 'kubernetes;https',
      },
      { action: 'replace', target_label: 'service', replacement: 'apiserver' },
    ],
  };
}

/**
 * The kubelet and its cAdvisor, scraped directly on each node's kubelet
 * port (the node role's address) rather than proxied through the API
 * server, which would put every scrape of every node on the control plane.
 */
function kubeletJob(job: string, metricsPath: string, verifyTls: boolean): Record<string, unknown> {
  return {
    job_name: job,
    scheme: 'https',
    metrics_path: metricsPath,
    ...serviceAccountAuth(),
    tls_config: { ca_file: `${SA_DIR}/ca.crt`, insecure_skip_verify: !verifyTls },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [
      { action: 'replace', source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' },
      { action: 'replace', source_labels: ['__meta_kubernetes_node_name'], target_label: 'instance' },
      { action: 'replace', target_label: 'service', replacement: 'kubelet' },
    ],
  };
}

/**
 * node-exporter runs on the host network, so its pod IP is the node's IP.
 * Scraping its pods (not every node) skips nodes that cannot run it, such as
 * Fargate, instead of reporting them down.
 */
function nodeExporterJob(nodeExporter: PrometheusConfigSettings['nodeExporter']): Record<string, unknown> {
  return {
    job_name: 'node-exporter',
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [nodeExporter.namespace] } }],
    relabel_configs: [
      keepLabel('__meta_kubernetes_pod_label_app_kubernetes_io_name', nodeExporter.appName),
      keepLabel('__meta_kubernetes_pod_container_port_name', nodeExporter.portName),
      dropNotRunning(),
      { action: 'replace', source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
      { action: 'replace', source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'instance' },
      { action: 'replace', target_label: 'service', replacement: 'node-exporter' },
    ],
  };
}

/** Relabelling that turns `prometheus.io/scheme|path|port` annotations into the scrape URL. */
function annotationRelabels(kind: 'pod' | 'service'): Relabel[] {
  const annotation = (name: string) => `__meta_kubernetes_${kind}_annotation_prometheus_io_${name}`;
  const present = (name: string) => `__meta_kubernetes_${kind}_annotationpresent_prometheus_io_${name}`;
  return [
    { action: 'keep', source_labels: [annotation('scrape')], regex: 'true' },
    { action: 'replace', source_labels: [annotation('scheme')], target_label: '__scheme__', regex: '(https?)' },
    { action: 'replace', source_labels: [annotation('path')], target_label: '__metrics_path__', regex: '(.+)' },
    {
      action: 'replace',
      source_labels: ['__address__', annotation('port')],
      regex: '(.+?)(?::\\d+)?;(\\d+)',
      replacement: '$1:$2',
      target_label: '__address__',
    },
    // Without a port annotation, a target address without a port cannot be scraped: drop it rather than guess.
    { action: 'drop', source_labels: [present('port'), '__address__'], regex: ';[^:]+' },
  ];
}

/** Pods annotated `prometheus.io/scrape: "true"` in any namespace. */
function annotatedPodsJob(): Record<string, unknown> {
  return {
    job_name: 'kubernetes-pods',
    kubernetes_sd_configs: [{ role: 'pod' }],
    relabel_configs: [
      ...annotationRelabels('pod'),
      dropNotRunning(),
      ...podIdentityLabels(),
      { action: 'replace', source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      // `service` is what alerts group and route by: the app's name label, or its legacy `app` label.
      {
        action: 'replace',
        source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name', '__meta_kubernetes_pod_label_app'],
        regex: ';*([^;]+);*.*',
        target_label: 'service',
      },
    ],
  };
}

/** Service endpoints whose Service is annotated `prometheus.io/scrape: "true"`. */
function annotatedServicesJob(): Record<string, unknown> {
  return {
    job_name: 'kubernetes-service-endpoints',
    kubernetes_sd_configs: [{ role: 'endpoints' }],
    relabel_configs: [
      ...annotationRelabels('service'),
      { action: 'replace', source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { action: 'replace', source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
      { action: 'replace', source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { action: 'replace', source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
    ],
  };
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
