/**
 * Synthetic data for the SLA report benchmark: N availability SLOs, each
 * over its own service's request counter scraped every minute, and the
 * 5-minute step records the rules would write for it. Values are
 * computed, not stored, so the benchmark measures the report's memory,
 * not the fixture's.
 */
import { resolveConfig } from '../config';
import { definitionsFromConfig, type ReportDefinitions } from '../lambdas/sla-report/definitions';
import { type MatrixSeries, type MetricsSource, seriesKey } from '../lambdas/sla-report/prometheus-source';

export const MINUTE = 60_000;
export const STEP = 300_000;
/** Tick offset of the rule group (any value not on a minute). */
export const PHASE = 92_442;

export interface BenchScenario {
  readonly slos: number;
  /** First scrape (epoch ms) and end of the data. */
  readonly from: number;
  readonly to: number;
}

const perMinute = (slo: number) => 1000 + slo;
const offset = (slo: number) => 1_000 + ((slo * 7_919) % 58_000);

/** Cumulative good and total of SLO `slo` at its `minute`-th scrape. */
function cumulative(slo: number, minute: number): { good: number; total: number } {
  const total = perMinute(slo) * (minute + 1);
  // 5 bad requests in every minute m with (m + slo) divisible by 97: count those minutes in 0..minute.
  const badMinutes = Math.floor((minute + slo) / 97) - Math.floor((slo - 1) / 97);
  return { good: total - 5 * badMinutes, total };
}

/** Index of the last scrape at or before `t` (or -1). */
function lastScrape(scenario: BenchScenario, slo: number, t: number): number {
  const minute = Math.floor((t - scenario.from - offset(slo)) / MINUTE);
  return Math.min(minute, Math.floor((scenario.to - scenario.from - offset(slo)) / MINUTE));
}

export function benchDefinitions(count: number): ReportDefinitions {
  const slos = Array.from({ length: count }, (_, i) => ({
    name: `svc-${i}-availability`,
    service: `svc-${i}`,
    objective: 99.9,
    sli: { kind: 'availability', good: { metric: 'http_requests_total', matchers: [`service="svc-${i}"`, 'code!~"5.."'] }, total: { metric: 'http_requests_total', matchers: [`service="svc-${i}"`] } },
  }));
  return definitionsFromConfig(resolveConfig({ cluster: { name: 'bench' }, slos, slas: [] }, 'bench'));
}

/** The scrape times of SLO `slo` in `(from, to]`. */
export function* scrapes(scenario: BenchScenario, slo: number, from: number, to: number): Generator<[number, number]> {
  const first = Math.max(0, lastScrape(scenario, slo, from) + 1);
  for (let m = first; ; m++) {
    const t = scenario.from + offset(slo) + m * MINUTE;
    if (t > to || t > scenario.to) return;
    yield [m, t];
  }
}

/** The step records of SLO `slo` at ticks in `(from, to]`: [t, good, total]. */
export function* steps(scenario: BenchScenario, slo: number, from: number, to: number): Generator<[number, number, number]> {
  for (let t = Math.ceil((from + 1 - PHASE) / STEP) * STEP + PHASE; t <= to; t += STEP) {
    const now = lastScrape(scenario, slo, t);
    const before = lastScrape(scenario, slo, t - STEP);
    if (before < 0 || t > scenario.to + STEP) continue;
    const a = cumulative(slo, now);
    const b = cumulative(slo, before);
    yield [t, a.good - b.good, a.total - b.total];
  }
}

/** The SLO index a selector names (`svc-<i>`). */
function sloOf(selector: string): number {
  const match = /svc-(\d+)/.exec(selector);
  if (!match) throw new Error(`bench source: no SLO in ${selector}`);
  return Number(match[1]);
}

/** An in-memory Prometheus answering the report's queries from the formulas above. */
export class ProceduralSource implements MetricsSource {
  queries = 0;
  constructor(private readonly scenario: BenchScenario) {}

  async rangeSelector(selector: string, at: number, rangeMs: number): Promise<MatrixSeries[]> {
    this.queries++;
    const slo = sloOf(selector);
    const from = at - rangeMs;
    const labels = { service: `svc-${slo}` };
    if (selector.startsWith('{__name__=~')) {
      const good: Array<[number, number]> = [];
      const total: Array<[number, number]> = [];
      const inexact: Array<[number, number]> = [];
      for (const [t, g, n] of steps(this.scenario, slo, from, at)) {
        good.push([t, g]);
        total.push([t, n]);
        inexact.push([t, 0]);
      }
      const record = (name: string, samples: Array<[number, number]>) => ({ metric: { __name__: name, slo: `svc-${slo}-availability`, service: `svc-${slo}` }, samples });
      return [record('slo:sli_good:increase5m', good), record('slo:sli_total:increase5m', total), record('slo:sli_inexact_series:count5m', inexact)].filter((s) => s.samples.length > 0);
    }
    const ok: Array<[number, number]> = [];
    const bad: Array<[number, number]> = [];
    for (const [m, t] of scrapes(this.scenario, slo, from, at)) {
      const c = cumulative(slo, m);
      ok.push([t, c.good]);
      bad.push([t, c.total - c.good]);
    }
    const series = [{ metric: { __name__: 'http_requests_total', ...labels, code: '200' }, samples: ok }];
    if (!selector.includes('code!~')) series.push({ metric: { __name__: 'http_requests_total', ...labels, code: '500' }, samples: bad });
    return series.filter((s) => s.samples.length > 0);
  }

  async lastValues(selector: string, at: number): Promise<Map<string, number>> {
    this.queries++;
    const slo = sloOf(selector);
    const m = lastScrape(this.scenario, slo, at);
    const values = new Map<string, number>();
    if (m < 0) return values;
    const c = cumulative(slo, m);
    values.set(seriesKey({ service: `svc-${slo}`, code: '200' }), c.good);
    if (!selector.includes('code!~')) values.set(seriesKey({ service: `svc-${slo}`, code: '500' }), c.total - c.good);
    return values;
  }
}

/**
 * OpenMetrics of the scenario for `promtool tsdb create-blocks-from
 * openmetrics`: every step record of every SLO, and the raw counters
 * within `rawWindows` (the report reads raw samples only around period
 * boundaries and the partial last step).
 */
export function* openMetricsLines(scenario: BenchScenario, recordsTo: number, rawWindows: ReadonlyArray<readonly [number, number]>): Generator<string> {
  const at = (t: number) => (t / 1000).toFixed(3);
  for (const [name, pick] of [
    ['slo:sli_good:increase5m', (s: [number, number, number]) => s[1]],
    ['slo:sli_total:increase5m', (s: [number, number, number]) => s[2]],
    ['slo:sli_inexact_series:count5m', () => 0],
  ] as const) {
    yield `# TYPE ${name} gauge\n`;
    for (let slo = 0; slo < scenario.slos; slo++) {
      const labels = `slo="svc-${slo}-availability",service="svc-${slo}"`;
      let chunk = '';
      for (const s of steps(scenario, slo, scenario.from, recordsTo)) chunk += `${name}{${labels}} ${pick(s)} ${at(s[0])}\n`;
      yield chunk;
    }
  }
  yield '# TYPE http_requests_total gauge\n';
  for (let slo = 0; slo < scenario.slos; slo++) {
    for (const code of ['200', '500']) {
      let chunk = '';
      for (const [from, to] of rawWindows) {
        for (const [m, t] of scrapes(scenario, slo, from, to)) {
          const c = cumulative(slo, m);
          chunk += `http_requests_total{service="svc-${slo}",code="${code}"} ${code === '200' ? c.good : c.total - c.good} ${at(t)}\n`;
        }
      }
      yield chunk;
    }
  }
  yield '# EOF\n';
}
