/** A report with every kind of outcome, built by the real code over the in-memory source. */
import { resolveConfig } from '../../../config';
import { definitionsFromConfig, type ReportDefinitions } from '../../../lambdas/sla-report/definitions';
import type { SlaReport } from '../../../lambdas/sla-report/model';
import { reportPeriods } from '../../../lambdas/sla-report/periods';
import { PrometheusQueryError } from '../../../lambdas/sla-report/prometheus-source';
import { buildReport } from '../../../lambdas/sla-report/report';
import { availabilityData, FakeSource } from './fake-source';

export const AS_OF = Date.parse('2024-03-04T00:00:00Z');
const DAY = 86_400_000;

export function fixtureDefinitions(): ReportDefinitions {
  return definitionsFromConfig(
    resolveConfig(
      {
        cluster: { name: 'fixture' },
        slos: [
          {
            name: 'api-availability',
            description: 'API requests <answered> without 5xx & "quickly"',
            service: 'api',
            team: 'payments',
            objective: 99.9,
            sli: { kind: 'availability', good: { metric: 'http_requests_total', matchers: ['service="api"', 'code!~"5.."'] }, total: { metric: 'http_requests_total', matchers: ['service="api"'] } },
          },
          { name: 'api-latency', service: 'api', objective: 99, sli: { kind: 'latency', histogram: 'http_request_duration_seconds', matchers: ['service="api"'], threshold: '0.5' } },
          { name: 'batch-success', service: 'batch', objective: 95, sli: { kind: 'availability', good: { metric: 'batch_runs_total', matchers: ['outcome="ok"'] }, total: { metric: 'batch_runs_total' } } },
        ],
        slas: [],
      },
      'fixture',
    ),
  );
}

/** The burst of 5% errors: two hours, ending 10 minutes before `asOf` (the page and ticket conditions hold at `asOf`). */
export const BURST: readonly [number, number] = [AS_OF - 130 * 60_000, AS_OF - 10 * 60_000];

/** Four days of traffic, one bad request in 4 minutes, and the burst. */
export function fixtureSource(): FakeSource {
  const burst = (t: number) => (t >= BURST[0] && t < BURST[1] ? 50 : t % 240_000 < 60_000 ? 1 : 0);
  const source = new FakeSource(availabilityData({ from: AS_OF - 4 * DAY, to: AS_OF + 600_000, name: 'api-availability', perMinute: 1000, badPerMinute: burst }));
  source.failures.push({ pattern: /slo="api-latency"/, error: () => new PrometheusQueryError('{slo="api-latency"}', 'refused (422): execution: query timed out in expression evaluation') });
  return source;
}

export async function fixtureReport(): Promise<SlaReport> {
  return buildReport(fixtureDefinitions(), fixtureSource(), {
    asOf: AS_OF,
    periods: reportPeriods(['last-24h', 'month-to-date', 'last-7d'], AS_OF, 'UTC'),
    timeZone: 'UTC',
    minCoverage: 0.9,
    schedule: 'daily',
    prometheusUrl: 'http://user:secret@prometheus.internal:9090',
    now: () => AS_OF + 60_000,
  });
}
