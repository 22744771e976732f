/**
 * Every PromQL query of every dashboard panel (and of every variable) is
 * checked by the real promtool: the queries, with Grafana's variables
 * substituted, become recording rules of one file per dashboard, which
 * `promtool check rules` parses and type-checks.
 */
import { dashboardsFor } from '../../charts/dashboards';
import { type DashboardQuery, dashboardQueries } from '../../charts/dashboards/queries';
import { toYaml } from '../../constructs/k8s/lib/yaml';
import { loadProfile } from '../../config';
import { checkRules } from '../../scripts/lib/prometheus-tools';
import { configWith } from '../helpers/synth';

/** A rule file holding each query as a recording rule. */
function queriesAsRules(queries: readonly DashboardQuery[]): string {
  return toYaml({ groups: [{ name: 'dashboard-queries', rules: queries.map((query, i) => ({ record: `dashboard:query_${i}:check`, expr: query.promql })) }] });
}

describe.each([
  ['default profile', loadProfile('default')],
  ['production profile', loadProfile('production')],
  ['a latency SLO on a whole-second bucket and no SLOs\' availability', configWith({ slos: [{ name: 'checkout-latency', service: 'checkout', objective: 95, sli: { kind: 'latency', histogram: 'http_request_duration_seconds', threshold: '1' } }] })],
])('%s', (_name, config) => {
  it.each(dashboardsFor(config).map((d) => [d.name, d] as const))('%s: every query passes promtool', (_dashboard, definition) => {
    const queries = dashboardQueries(definition.dashboard);
    expect(queries.length).toBeGreaterThan(0);
    const result = checkRules(`${definition.name}.rules.yml`, queriesAsRules(queries));
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });
});

describe('the check itself', () => {
  it('fails on a PromQL syntax error', () => {
    const result = checkRules('broken.rules.yml', queriesAsRules([{ where: 'x', raw: 'sum(rate(up[5m])', promql: 'sum(rate(up[5m])' }]));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/unclosed left parenthesis|parse error/);
  });

  it('fails on a variable the dashboard does not define', () => {
    const model = { title: 'D', panels: [{ title: 'P', targets: [{ expr: 'up{service=~"$servce"}' }] }], templating: { list: [{ name: 'service', type: 'query', definition: 'label_values(up, service)' }] } };
    expect(() => dashboardQueries(model)).toThrow('D / P / query 1: uses $servce, which the dashboard does not define');
  });

  it('substitutes Grafana\'s interval and range variables with durations', () => {
    const model = { title: 'D', panels: [{ title: 'P', targets: [{ expr: 'rate(up[$__rate_interval]) + count_over_time(up[${__range}])' }] }] };
    expect(dashboardQueries(model)[0].promql).toBe('rate(up[5m]) + count_over_time(up[1d])');
  });
});
