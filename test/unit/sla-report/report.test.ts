/**
 * Building the report over an in-memory source: the figures of a known
 * history, one objective failing without hiding the others, data that
 * cannot be right marking its objective failed, and an unavailable
 * source failing the whole build. The JSON validates against the
 * published schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { reportPeriods } from '../../../lambdas/sla-report/periods';
import { PrometheusUnavailableError } from '../../../lambdas/sla-report/prometheus-source';
import { buildReport, fetchRecords } from '../../../lambdas/sla-report/report';
import { availabilityData, FakeSource } from './fake-source';
import { AS_OF, BURST, fixtureDefinitions, fixtureReport, fixtureSource } from './fixtures';

const DAY = 86_400_000;
const options = (overrides = {}) => ({ asOf: AS_OF, periods: reportPeriods(['last-24h'], AS_OF, 'UTC'), timeZone: 'UTC', minCoverage: 0.9, schedule: null, prometheusUrl: 'http://p:9090', ...overrides });

describe('buildReport', () => {
  it('computes the figures of a known history exactly, cut at the period boundaries from raw samples', async () => {
    const report = await fixtureReport();
    const api = report.objectives.find((o) => o.name === 'api-availability')!;
    const day = api.periods.find((p) => p.period === 'last-24h')!;
    // 1440 minutes of 1000 requests; one bad request every 4 minutes except during the burst (120 minutes of 50).
    const bad = 120 * 50 + Array.from({ length: 1440 }, (_, i) => AS_OF - DAY + 7_123 + i * 60_000).filter((t) => !(t >= BURST[0] && t < BURST[1]) && t % 240_000 < 60_000).length;
    expect(day).toMatchObject({ status: 'missed', total: 1_440_000, bad, good: 1_440_000 - bad, exact: true, coverage: 1, reason: null });
    expect(day.sli).toBe((1_440_000 - bad) / 1_440_000);
    expect(day.budget.consumedShare).toBeCloseTo(bad / 1440, 12);
    expect(day.episodes.map((e) => e.severity)).toEqual(['page', 'ticket']);
    expect(api.burningNow).toEqual({ page: true, ticket: true });
    expect(report.summary).toMatchObject({ objectives: 3, failed: ['api-latency'], burningFast: ['api-availability'] });
  });

  it('marks one objective failed with the reason and reports the others', async () => {
    const report = await fixtureReport();
    expect(report.objectives.map((o) => [o.name, o.state])).toEqual([
      ['api-availability', 'ok'],
      ['api-latency', 'failed'],
      ['batch-success', 'ok'],
    ]);
    expect(report.objectives[1]).toMatchObject({ error: 'Prometheus query "{slo=\\"api-latency\\"}": refused (422): execution: query timed out in expression evaluation', periods: [], burnRates: null });
  });

  it('reports no data as no data: zero coverage is never met', async () => {
    const batch = (await fixtureReport()).objectives.find((o) => o.name === 'batch-success')!;
    expect(batch.periods.map((p) => [p.period, p.status, p.coverage, p.sli])).toEqual([
      ['last-24h', 'no-data', 0, null],
      ['month-to-date', 'no-data', 0, null],
      ['last-7d', 'no-data', 0, null],
    ]);
    expect(batch.periods[0].reason).toBe('data covers 0% of the period, less than the 90% required');
  });

  it('reports an empty period (month to date at the start of a month) as no data', async () => {
    const start = Date.parse('2024-03-01T00:00:00Z');
    const report = await buildReport(fixtureDefinitions(), fixtureSource(), options({ asOf: start, periods: reportPeriods(['month-to-date'], start, 'UTC') }));
    expect(report.objectives[0].periods[0]).toMatchObject({ status: 'no-data', reason: 'the period is empty: it starts at the report time', coverage: 0 });
  });

  it('reads the URL without credentials into the report', async () => {
    expect((await fixtureReport()).source.prometheusUrl).toBe('http://prometheus.internal:9090/');
  });

  it('fails the whole build when Prometheus is unavailable', async () => {
    const source = fixtureSource();
    source.failures.unshift({ pattern: /slo="batch-success"/, error: () => new PrometheusUnavailableError('q', new Error('503')) });
    await expect(buildReport(fixtureDefinitions(), source, options())).rejects.toThrow(PrometheusUnavailableError);
  });

  it('marks an objective failed when two series answer for one record, or the inexact-series record is missing', async () => {
    const definitions = { ...fixtureDefinitions(), objectives: fixtureDefinitions().objectives.slice(0, 1) };
    const data = availabilityData({ from: AS_OF - 2 * DAY, to: AS_OF, name: 'api-availability', perMinute: 100, badPerMinute: () => 0 });
    const twice = new FakeSource([...data, { labels: { ...data[3].labels, replica: 'b' }, samples: data[3].samples }]);
    const [doubled] = (await buildReport(definitions, twice, options())).objectives;
    expect(doubled.error).toMatch(/^the slo:sli_total:increase5m record has more than one series for slo="api-availability" .* another rule records the same name and labels$/);
    const old = new FakeSource(data.filter((s) => s.labels.__name__ !== 'slo:sli_inexact_series:count5m'));
    const [outdated] = (await buildReport(definitions, old, options())).objectives;
    expect(outdated.error).toBe('the slo:sli_total:increase5m records exist but not the inexact-series record; the rules predate this report: deploy the current slo.rules.yml');
  });

  it('notes a boundary step whose raw recount disagrees with its record', async () => {
    const definitions = { ...fixtureDefinitions(), objectives: fixtureDefinitions().objectives.slice(0, 1) };
    const data = availabilityData({ from: AS_OF - 2 * DAY, to: AS_OF + 600_000, name: 'api-availability', perMinute: 100, badPerMinute: () => 0 });
    data[3] = { ...data[3], samples: data[3].samples.map(([t, v]) => [t, v + 1] as [number, number]) };
    const [objective] = (await buildReport(definitions, new FakeSource(data), options())).objectives;
    expect(objective.periods[0].notes.some((n) => /counts 500\/500 from raw samples but 500\/501 recorded/.test(n))).toBe(true);
  });

  it('reads the records in 7-day chunks and keeps each step once', async () => {
    const data = availabilityData({ from: AS_OF - 15 * DAY, to: AS_OF, name: 'api-availability', perMinute: 10, badPerMinute: () => 0 });
    const source = new FakeSource(data);
    const records = await fetchRecords(fixtureDefinitions().objectives[0], source, AS_OF - 15 * DAY, AS_OF);
    expect(source.queries).toHaveLength(3);
    expect(records).toHaveLength(data[3].samples.length);
    expect(new Set(records.map((r) => r.t)).size).toBe(records.length);
  });

  it('validates against the published JSON Schema, which refuses what the model does not allow', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'sla-report.schema.json'), 'utf8')));
    const report = JSON.parse(JSON.stringify(await fixtureReport()));
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    for (const mutate of [
      (r: any) => (r.schemaVersion = '2.0'),
      (r: any) => (r.objectives[0].periods[0].status = 'compliant'),
      (r: any) => (r.objectives[0].periods[0].unexpected = 1),
      (r: any) => delete r.objectives[0].periods[0].coverage,
      (r: any) => (r.asOf = '2024-03-04'),
      (r: any) => (r.objectives[0].periods[0].coverage = 1.5),
    ]) {
      const copy = structuredClone(report);
      mutate(copy);
      expect(validate(copy)).toBe(false);
    }
  });
});
