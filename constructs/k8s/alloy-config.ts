/**
 * Renders the log collector's configuration (Grafana Alloy syntax) from
 * typed settings. Pure.
 *
 * The pipeline, per node: discover the pods scheduled on this node, turn
 * their Kubernetes metadata into a few low-cardinality labels, tail their
 * files under /var/log/pods, parse the CRI line format, parse JSON bodies
 * and keep the trace ID as structured metadata (not a label: a label per
 * trace would create a stream per trace), then push to Loki.
 *
 * @see https://grafana.com/docs/alloy/latest/reference/components/ (discovery.kubernetes, discovery.relabel, local.file_match, loki.source.file, loki.process, loki.write)
 */
import { type AlloyBlock, expr, printAlloy } from './lib/alloy-syntax';

/** The env var with the node the collector pod runs on (from `spec.nodeName`). */
export const NODE_NAME_ENV = 'NODE_NAME';
/** Where the kubelet keeps pod logs: `/var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log`. */
export const POD_LOGS_DIR = '/var/log/pods';
/** The structured-metadata key of the trace ID (the Grafana Loki data source links it to Jaeger). */
export const TRACE_ID_KEY = 'trace_id';

export interface AlloyConfigSettings {
  /** Loki's push endpoint, e.g. `http://loki.monitoring.svc:3100/loki/api/v1/push`. */
  readonly lokiPushUrl: string;
  /** The `cluster` label on every stream (the trace-to-logs query matches on it). */
  readonly clusterName: string;
  /** JSON fields that may carry the trace ID, first found wins. */
  readonly traceIdFields: readonly string[];
}

/** Pod metadata that becomes stream labels; each is bounded by the number of workloads, not requests. */
const POD_LABELS: ReadonlyArray<{ source: string; target: string }> = [
  { source: '__meta_kubernetes_namespace', target: 'namespace' },
  { source: '__meta_kubernetes_pod_name', target: 'pod' },
  { source: '__meta_kubernetes_pod_container_name', target: 'container' },
  { source: '__meta_kubernetes_pod_node_name', target: 'node' },
  { source: '__meta_kubernetes_pod_label_app_kubernetes_io_name', target: 'app' },
  { source: '__meta_kubernetes_pod_label_app_kubernetes_io_component', target: 'component' },
];

/** The configuration as blocks. */
export function renderAlloyConfig(settings: AlloyConfigSettings): AlloyBlock[] {
  if (settings.traceIdFields.length === 0) throw new Error('renderAlloyConfig: traceIdFields is empty; name at least one JSON field that carries the trace ID');
  return [
    { name: 'logging', attributes: { level: 'info', format: 'json' } },
    {
      name: 'discovery.kubernetes',
      label: 'pods',
      attributes: { role: 'pod' },
      // Only this node's pods: each collector tails the files on its own node.
      blocks: [{ name: 'selectors', attributes: { role: 'pod', field: expr(`"spec.nodeName=" + sys.env("${NODE_NAME_ENV}")`) } }],
    },
    {
      name: 'discovery.relabel',
      label: 'pod_logs',
      attributes: { targets: expr('discovery.kubernetes.pods.targets') },
      blocks: [
        // Pods that have not started have no log files yet.
        { name: 'rule', attributes: { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' } },
        ...POD_LABELS.map(({ source, target }) => ({ name: 'rule', attributes: { source_labels: [source], target_label: target } })),
        // Legacy `app` label where app.kubernetes.io/name is absent.
        { name: 'rule', attributes: { source_labels: ['app', '__meta_kubernetes_pod_label_app'], separator: ';', regex: ';(.+)', target_label: 'app' } },
        {
          name: 'rule',
          attributes: {
            source_labels: ['__meta_kubernetes_pod_uid', '__meta_kubernetes_pod_container_name'],
            separator: '/',
            target_label: '__path__',
            replacement: `${POD_LOGS_DIR}/*$1/*.log`,
          },
        },
      ],
    },
    { name: 'local.file_match', label: 'pod_logs', attributes: { path_targets: expr('discovery.relabel.pod_logs.output') } },
    {
      name: 'loki.source.file',
      label: 'pod_logs',
      attributes: { targets: expr('local.file_match.pod_logs.targets'), forward_to: [expr('loki.process.pod_logs.receiver')] },
    },
    {
      name: 'loki.process',
      label: 'pod_logs',
      attributes: { forward_to: [expr('loki.write.default.receiver')] },
      blocks: [
        // containerd writes `<time> <stream> <P|F> <line>`: keep the line, its time and stream, join partial lines.
        { name: 'stage.cri', attributes: {} },
        // Lines that are not JSON pass through unchanged.
        { name: 'stage.json', attributes: { expressions: { [TRACE_ID_KEY]: settings.traceIdFields.join(' || ') } } },
        { name: 'stage.structured_metadata', attributes: { values: { [TRACE_ID_KEY]: '' } } },
      ],
    },
    {
      name: 'loki.write',
      label: 'default',
      attributes: { external_labels: { cluster: settings.clusterName } },
      blocks: [{ name: 'endpoint', attributes: { url: settings.lokiPushUrl } }],
    },
  ];
}

/** The configuration file's text. */
export function alloyConfigText(settings: AlloyConfigSettings): string {
  return printAlloy(renderAlloyConfig(settings));
}
