/**
 * The dashboards as provisioned: built with the Foundation SDK, read-only,
 * on the provisioned Prometheus data source, one per folder role, one per
 * SLO, and small enough for one ConfigMap each.
 */
import { DASHBOARD_FOLDERS, dashboardsFor } from '../../../charts/dashboards';
import { dashboardQueries } from '../../../charts/dashboards/queries';
import { loadProfile } from '../../../config';
import { MAX_DASHBOARD_BYTES } from '../../../constructs/k8s/grafana';
import { DATASOURCE_UIDS } from '../../../constructs/k8s/grafana-datasources';
import { configWith, findObject, synthProfile } from '../../helpers/synth';

const config = loadProfile('default');
const dashboards = dashboardsFor(config);

describe('dashboards', () => {
  it('has the overviews, Kubernetes, every stack component, and one per SLO', () => {
    expect(dashboards.map((d) => [d.folder, d.name])).toEqual([
      [DASHBOARD_FOLDERS.overview, 'executive-overview'],
      [DASHBOARD_FOLDERS.overview, 'operations'],
      [DASHBOARD_FOLDERS.kubernetes, 'kubernetes-cluster'],
      [DASHBOARD_FOLDERS.kubernetes, 'kubernetes-nodes'],
      [DASHBOARD_FOLDERS.stack, 'stack-prometheus'],
      [DASHBOARD_FOLDERS.stack, 'stack-alertmanager'],
      [DASHBOARD_FOLDERS.stack, 'stack-loki'],
      [DASHBOARD_FOLDERS.stack, 'stack-jaeger'],
      [DASHBOARD_FOLDERS.slos, 'slo-api-availability'],
      [DASHBOARD_FOLDERS.slos, 'slo-api-latency'],
    ]);
    const slos = configWith({ slos: [] });
    expect(dashboardsFor(slos).filter((d) => d.folder === DASHBOARD_FOLDERS.slos)).toEqual([]);
  });

  it.each(dashboards.map((d) => [d.name, d] as const))('%s: uid = name, read-only, Prometheus panels with queries, under the ConfigMap limit', (name, { dashboard }) => {
    expect(dashboard.uid).toBe(name);
    expect(dashboard.editable).toBe(false);
    const panels = (dashboard.panels ?? []).filter((p) => p.type !== 'row') as Array<{ datasource?: { uid?: string }; targets?: unknown[] }>;
    expect(panels.length).toBeGreaterThan(3);
    for (const panel of panels) {
      expect(panel.datasource?.uid).toBe(DATASOURCE_UIDS.prometheus);
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    expect(Buffer.byteLength(JSON.stringify(dashboard))).toBeLessThan(MAX_DASHBOARD_BYTES);
    expect(dashboardQueries(dashboard).length).toBeGreaterThanOrEqual(panels.length);
  });

  it('reads the SLO panels from the SLO recording rules and the HTTP metrics from the configuration', () => {
    const queries = dashboardQueries(dashboards.find((d) => d.name === 'slo-api-availability')!.dashboard).map((q) => q.raw);
    expect(queries).toContain('sum(sum_over_time(slo:sli_good:increase5m{slo="api-availability"}[30d])) / sum(sum_over_time(slo:sli_total:increase5m{slo="api-availability"}[30d]))');
    expect(queries).toContain('slo:sli_error:ratio_rate1h{slo="api-availability"} / 0.001');
    const renamed = dashboardsFor(configWith({ alerting: { http: { requestsTotal: 'requests_total', statusCodeLabel: 'status' } } }));
    const operations = dashboardQueries(renamed.find((d) => d.name === 'operations')!.dashboard).map((q) => q.raw).join('\n');
    expect(operations).toContain('rate(requests_total{service=~"$service", status=~"5.."}[$__rate_interval])');
    expect(operations).not.toContain('http_requests_total');
  });

  it('shows the alert thresholds of the configuration on the operations panels', () => {
    const operations = dashboardsFor(configWith({ alerting: { rules: { ServiceErrorRatioCritical: { threshold: 0.2 } } } })).find((d) => d.name === 'operations')!.dashboard;
    const errors = (operations.panels ?? []).find((p) => (p as { title?: string }).title === 'Server-error ratio') as { fieldConfig: { defaults: { thresholds: { steps: Array<{ value: number | null }> } } } };
    expect(errors.fieldConfig.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, 0.05, 0.2]);
  });
});

describe('provisioning', () => {
  it('gives every dashboard its own ConfigMap in its folder, through the Grafana construct', () => {
    const objects = synthProfile('default');
    for (const { folder, name } of dashboards) {
      const configMap = findObject(objects, 'ConfigMap', `grafana-dashboard-${name}`);
      expect(configMap.metadata.annotations['monitoring-stack/grafana-folder']).toBe(folder);
      expect(JSON.parse(configMap.data[`${name}.json`])).toMatchObject({ uid: name, editable: false });
    }
  });
});
