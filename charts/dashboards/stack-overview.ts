/**
 * The stack's own health on one screen: is every component up, are logs
 * and traces flowing in, is Prometheus growing, are notifications failing.
 * Built from small typed objects until the dashboard library replaces
 * these types; the JSON is what Grafana's file provider loads.
 */
import { DATASOURCE_UIDS } from '../../constructs/k8s/grafana-datasources';

/** The folder the stack's own dashboards live in. */
export const STACK_FOLDER = 'Monitoring stack';

interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat?: string;
  readonly datasource: { readonly type: 'prometheus'; readonly uid: string };
}

interface Panel {
  readonly id: number;
  readonly type: 'stat' | 'timeseries';
  readonly title: string;
  readonly description: string;
  readonly gridPos: GridPos;
  readonly datasource: { readonly type: 'prometheus'; readonly uid: string };
  readonly targets: readonly Target[];
  readonly fieldConfig: { readonly defaults: Record<string, unknown>; readonly overrides: readonly unknown[] };
  readonly options?: Record<string, unknown>;
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly editable: boolean;
  readonly refresh: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly timezone: string;
  readonly panels: readonly Panel[];
}

/** The `service` label of each component Prometheus scrapes (the scrape jobs set it from the app name). */
export const STACK_COMPONENTS = ['prometheus', 'alertmanager', 'pushgateway', 'kube-state-metrics', 'node-exporter', 'grafana', 'loki', 'jaeger', 'alloy'];

const PROMETHEUS = { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus } as const;

function target(refId: string, expr: string, legendFormat?: string): Target {
  return { refId, expr, legendFormat, datasource: PROMETHEUS };
}

function timeseries(id: number, title: string, description: string, gridPos: GridPos, unit: string, targets: Target[]): Panel {
  return {
    id,
    type: 'timeseries',
    title,
    description,
    gridPos,
    datasource: PROMETHEUS,
    targets,
    fieldConfig: { defaults: { unit, custom: { lineWidth: 1, fillOpacity: 10 } }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
  };
}

/** The dashboard JSON model. */
export function stackOverviewDashboard(): Dashboard {
  const services = STACK_COMPONENTS.join('|');
  return {
    uid: 'monitoring-stack-overview',
    title: 'Monitoring stack overview',
    tags: ['monitoring-stack'],
    schemaVersion: 39,
    editable: false,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    panels: [
      {
        id: 1,
        type: 'stat',
        title: 'Targets down',
        description: 'Scrape targets of the stack\'s own components that are down. Anything above 0 means part of the monitoring is blind.',
        gridPos: { x: 0, y: 0, w: 6, h: 6 },
        datasource: PROMETHEUS,
        targets: [target('A', `count(up{service=~"${services}"} == 0) or vector(0)`)],
        fieldConfig: {
          defaults: { unit: 'short', thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 1 }] } },
          overrides: [],
        },
        options: { colorMode: 'background', graphMode: 'none', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } },
      },
      timeseries(2, 'Targets up by component', 'Scrape targets that answer, per component.', { x: 6, y: 0, w: 18, h: 6 }, 'short', [
        target('A', `sum by (service) (up{service=~"${services}"})`, '{{service}}'),
      ]),
      timeseries(3, 'Log ingestion', 'Bytes per second Loki\'s distributors receive, and what the collectors drop.', { x: 0, y: 6, w: 12, h: 8 }, 'Bps', [
        target('A', 'sum(rate(loki_distributor_bytes_received_total[$__rate_interval]))', 'received'),
        target('B', 'sum(rate(loki_write_dropped_bytes_total[$__rate_interval]))', 'dropped by collectors'),
      ]),
      timeseries(4, 'Spans', 'Spans the Jaeger collectors accept and refuse per second.', { x: 12, y: 6, w: 12, h: 8 }, 'short', [
        target('A', 'sum(rate(otelcol_receiver_accepted_spans_total[$__rate_interval]))', 'accepted'),
        target('B', 'sum(rate(otelcol_receiver_refused_spans_total[$__rate_interval]))', 'refused'),
      ]),
      timeseries(5, 'Prometheus head series', 'Active series per replica; both replicas scrape the same targets, so the lines should overlap.', { x: 0, y: 14, w: 12, h: 8 }, 'short', [
        target('A', 'max by (pod) (prometheus_tsdb_head_series)', '{{pod}}'),
      ]),
      timeseries(6, 'Failed notifications', 'Alertmanager notifications that failed, per integration.', { x: 12, y: 14, w: 12, h: 8 }, 'short', [
        target('A', 'sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))', '{{integration}}'),
      ]),
    ],
  };
}
