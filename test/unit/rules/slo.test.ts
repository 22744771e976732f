/** The SLO contract the rules, dashboards and the SLA report share (config/slo.ts). */
import { ruleFilesFor } from '../../../charts/rules';
import { loadProfile } from '../../../config';
import {
  BURN_RATE_ALERTS,
  bucketMatcher,
  SLO_GOOD_COUNT_RECORD,
  SLO_INEXACT_COUNT_RECORD,
  SLO_TOTAL_COUNT_RECORD,
  SLO_WINDOWS,
  sliRateQueries,
  sloBurnRateQuery,
  sloComplianceQuery,
  sloErrorBudget,
  sloErrorBudgetRemainingQuery,
  sloErrorRatioRecord,
  sloEventCountQueries,
  sliStepCountQueries,
} from '../../../config/slo';
import { configWith } from '../../helpers/synth';

const [availability, latency] = loadProfile('default').slos;

describe('SLO definitions', () => {
  it('ships an availability and a latency example over the conventional HTTP metrics', () => {
    expect(availability).toMatchObject({ name: 'api-availability', objective: 99.9, window: '30d', sli: { kind: 'availability', total: { metric: 'http_requests_total' } } });
    expect(latency).toMatchObject({ name: 'api-latency', objective: 99, sli: { kind: 'latency', histogram: 'http_request_duration_seconds', threshold: '0.5' } });
  });

  it('names the recording rules per window and the count records', () => {
    expect(SLO_WINDOWS.map(sloErrorRatioRecord)).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
    ]);
    expect([SLO_GOOD_COUNT_RECORD, SLO_TOTAL_COUNT_RECORD]).toEqual(['slo:sli_good:increase5m', 'slo:sli_total:increase5m']);
  });

  it('gives the SLA report exact counts over the SLO window', () => {
    expect(sloEventCountQueries(availability)).toEqual({
      good: 'sum(sum_over_time(slo:sli_good:increase5m{slo="api-availability"}[30d]))',
      total: 'sum(sum_over_time(slo:sli_total:increase5m{slo="api-availability"}[30d]))',
    });
    expect(sloComplianceQuery(availability, '7d')).toBe('sum(sum_over_time(slo:sli_good:increase5m{slo="api-availability"}[7d])) / sum(sum_over_time(slo:sli_total:increase5m{slo="api-availability"}[7d]))');
    expect(sloErrorBudgetRemainingQuery(availability)).toContain('/ 0.001)');
    expect(sloBurnRateQuery(latency, '1h')).toBe('slo:sli_error:ratio_rate1h{slo="api-latency"} / 0.01');
  });

  it('computes the error budget without float noise', () => {
    expect(sloErrorBudget({ objective: 99.9 })).toBe(0.001);
    expect(sloErrorBudget({ objective: 99.95 })).toBe(0.0005);
  });

  it('pages at 14.4x (1h, 5m) and 6x (6h, 30m), tickets at 3x (1d, 2h) and 1x (3d, 6h)', () => {
    expect(BURN_RATE_ALERTS.map((a) => [a.alert, a.severity, a.conditions.map((c) => [c.factor, c.longWindow, c.shortWindow])])).toEqual([
      ['SloErrorBudgetBurnPage', 'critical', [[14.4, '1h', '5m'], [6, '6h', '30m']]],
      ['SloErrorBudgetBurnTicket', 'warning', [[3, '1d', '2h'], [1, '3d', '6h']]],
    ]);
  });

  it('reads latency from the threshold bucket, matching Prometheus 2 and 3 forms of whole numbers', () => {
    expect(bucketMatcher('0.5')).toBe('le="0.5"');
    expect(bucketMatcher('1')).toBe('le=~"1(\\\\.0)?"');
    expect(sliRateQueries(latency, '5m')).toEqual({
      good: 'sum(rate(http_request_duration_seconds_bucket{service="api", le="0.5"}[5m]))',
      total: 'sum(rate(http_request_duration_seconds_count{service="api"}[5m]))',
    });
  });

  it('records every window per SLO with its slo and service labels, and counts in a 5-minute group', () => {
    const slo = ruleFilesFor(loadProfile('default')).find((f) => f.fileName === 'slo.rules.yml')!;
    const [ratios, counts] = slo.groups;
    expect(ratios.rules.filter((r) => r.kind === 'record')).toHaveLength(2 * SLO_WINDOWS.length);
    expect(ratios.rules.find((r) => r.name === 'slo:sli_error:ratio_rate1h')).toMatchObject({ labels: { slo: 'api-availability', service: 'api' } });
    expect(counts).toMatchObject({ name: 'slo-counts', interval: '5m' });
    // Per SLO: good, total, and the series whose step count is inexact (the SLA report recounts those steps); then the SLAs' step counts.
    const perSlo = [SLO_GOOD_COUNT_RECORD, SLO_TOTAL_COUNT_RECORD, SLO_INEXACT_COUNT_RECORD];
    expect(counts.rules.map((r) => r.name)).toEqual([...perSlo, ...perSlo, 'sla:uptime_up:samples5m', 'sla:uptime_scrapes:samples5m', 'sla:throughput_events:increase5m', 'sla:throughput_inexact_series:count5m']);
  });

  it('counts each step exactly where the data allows: no extrapolation, resets and gaps flagged', () => {
    const { good, total, inexact } = sliStepCountQueries(availability);
    const selector = 'http_requests_total{service="api"}';
    expect(total).toBe(`sum(((${selector} - ${selector} offset 5m) unless resets(${selector}[10m]) > 0) or increase(${selector}[5m]) or 0 * present_over_time(${selector}[5m]))`);
    expect(good).toMatch(/^\(sum\(.*\) or vector\(0\)\)$/);
    expect(inexact).toContain(`count(present_over_time(${selector}[5m]) unless ((${selector} - ${selector} offset 5m) unless resets(${selector}[10m]) > 0))`);
    // A latency SLO without its threshold bucket records no good count (no data), never zero good events.
    expect(sliStepCountQueries(latency).good).not.toContain('vector(0)');
  });

  it('pages the SLO\'s own team when it names one', () => {
    const config = configWith({ slos: [{ ...availability, team: 'payments' }] });
    const page = ruleFilesFor(config).flatMap((f) => f.groups.flatMap((g) => g.rules)).find((r) => r.name === 'SloErrorBudgetBurnPage');
    expect(page).toMatchObject({ team: 'payments', severity: 'critical' });
  });

  it('generates no SLO rules without SLOs and SLAs (the SLAs\' step counts share the file)', () => {
    expect(ruleFilesFor(configWith({ slos: [], slas: [] })).map((f) => f.fileName)).not.toContain('slo.rules.yml');
    const slasOnly = ruleFilesFor(configWith({ slos: [] })).find((f) => f.fileName === 'slo.rules.yml')!;
    expect(slasOnly.groups.map((g) => g.name)).toEqual(['slo-counts']);
  });
});
