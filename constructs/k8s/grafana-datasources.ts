/**
 * Renders Grafana's data source provisioning file (`datasources.yaml`).
 * Pure. The data sources link to each other: exemplars and log lines carry
 * a trace ID that opens the trace in Jaeger, and a span opens the logs that
 * carry its trace ID.
 *
 * Grafana expands `$VAR` and `${VAR}` in provisioning files, so the `${...}`
 * of its own link variables is written `$${...}`.
 *
 * @see https://grafana.com/docs/grafana/latest/administration/provisioning/#data-sources
 */

/** Stable UIDs: links between data sources and dashboards refer to them. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', loki: 'loki', jaeger: 'jaeger', alertmanager: 'alertmanager' } as const;

/** The structured-metadata field (and log field) carrying the trace ID. */
export const TRACE_ID_FIELD = 'trace_id';

export interface GrafanaDatasourceSettings {
  /** The ClientIP-affine Prometheus Service, or Thanos Query. */
  readonly prometheus: { readonly url: string; readonly flavour: 'prometheus' | 'thanos'; readonly scrapeInterval: string };
  readonly loki: { readonly url: string };
  readonly jaeger: { readonly url: string };
  readonly alertmanager: { readonly url: string };
  /**
   * The `cluster` label every log stream carries (the collector's external
   * label): the trace-to-logs query needs one stream matcher.
   */
  readonly clusterName: string;
}

/** The provisioning document as a plain object. */
export function renderGrafanaDatasources(settings: GrafanaDatasourceSettings): Record<string, unknown> {
  const { prometheus, loki, jaeger, alertmanager } = settings;
  return {
    apiVersion: 1,
    datasources: [
      {
        name: prometheus.flavour === 'thanos' ? 'Prometheus (Thanos Query)' : 'Prometheus',
        uid: DATASOURCE_UIDS.prometheus,
        type: 'prometheus',
        access: 'proxy',
        url: prometheus.url,
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: 'POST',
          timeInterval: prometheus.scrapeInterval,
          prometheusType: prometheus.flavour === 'thanos' ? 'Thanos' : 'Prometheus',
          exemplarTraceIdDestinations: [{ name: TRACE_ID_FIELD, datasourceUid: DATASOURCE_UIDS.jaeger, urlDisplayLabel: 'View trace' }],
        },
      },
      {
        name: 'Loki',
        uid: DATASOURCE_UIDS.loki,
        type: 'loki',
        access: 'proxy',
        url: loki.url,
        editable: false,
        jsonData: {
          maxLines: 1000,
          timeout: 300,
          derivedFields: [
            // The collector keeps the trace ID as structured metadata: the reliable link.
            { name: 'TraceID', matcherType: 'label', matcherRegex: TRACE_ID_FIELD, datasourceUid: DATASOURCE_UIDS.jaeger, url: '$${__value.raw}', urlDisplayLabel: 'View trace' },
            // Lines written as logfmt or text (`trace_id=abc123`), which the JSON stage does not parse.
            { name: 'TraceID in line', matcherType: 'regex', matcherRegex: `${TRACE_ID_FIELD}[=:]"?(\\w+)`, datasourceUid: DATASOURCE_UIDS.jaeger, url: '$${__value.raw}', urlDisplayLabel: 'View trace' },
          ],
        },
      },
      {
        name: 'Jaeger',
        uid: DATASOURCE_UIDS.jaeger,
        type: 'jaeger',
        access: 'proxy',
        url: jaeger.url,
        editable: false,
        jsonData: {
          nodeGraph: { enabled: true },
          tracesToLogsV2: {
            datasourceUid: DATASOURCE_UIDS.loki,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            customQuery: true,
            query: `{cluster="${settings.clusterName}"} | ${TRACE_ID_FIELD}="$\${__trace.traceId}"`,
          },
          tracesToMetrics: { datasourceUid: DATASOURCE_UIDS.prometheus },
        },
      },
      {
        name: 'Alertmanager',
        uid: DATASOURCE_UIDS.alertmanager,
        type: 'alertmanager',
        access: 'proxy',
        url: alertmanager.url,
        editable: false,
        // Prometheus's Alertmanager; Grafana's own alerts stay in Grafana's embedded one.
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
}
