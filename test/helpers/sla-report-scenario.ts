/**
 * Synthetic monitoring data with a known ground truth, for the SLA
 * report's integration test and benchmark: two API targets scraped every
 * minute (each at its own offset, with a few milliseconds of jitter) and
 * the events behind every sample, so the good and total events of any
 * period are known exactly.
 *
 * What happens (times in UTC):
 * - steady traffic that varies minute to minute, a few errors (0.04%);
 * - a page-level error burst (5% for 40 minutes, 14 Feb) and a
 *   ticket-level slow burn (0.4% for 30 hours, 27-28 Feb);
 * - counter resets of target a (20 Feb, 29 Feb 22:58:30 just before the
 *   Berlin month boundary, 3 Mar);
 * - scrape gaps: Prometheus down for 3 hours (5 Feb), target b not
 *   scraped for 20 minutes while it keeps serving (1 Mar);
 * - targets down (`up` 0, serving nothing): a for 45 minutes (12 Feb), b
 *   for 2 hours (2 Mar);
 * - zero traffic: target b idle for 2 hours (10 Feb), the batch service
 *   idle every weekend;
 * - a latency shift (4% of requests over 0.5 s for 10 hours, 3 Mar) and a
 *   throughput dip (a tenth of the usual for 3 hours, 3 Mar).
 *
 * The truth is the events attributed to the sample that first shows them
 * (what any counter reader sees); a series' first sample adds nothing.
 */
import { writeFileSync } from 'node:fs';

export const MINUTE = 60_000;
const z = (iso: string) => Date.parse(iso);

/**
 * The data: from 30 Jan 12:00Z (a day of history before February in
 * Berlin) to 10 minutes after the report's asOf (4 Mar 2024 00:00
 * Europe/Berlin, a Monday); the step records from 30 Jan 22:00Z to asOf.
 */
export const SCENARIO = {
  start: z('2024-01-30T12:00:00Z'),
  rulesStart: z('2024-01-30T22:00:00Z'),
  asOf: z('2024-03-03T23:00:00Z'),
  end: z('2024-03-03T23:10:00Z'),
  timeZone: 'Europe/Berlin',
};

type Window = readonly [number, number];
const w = (from: string, to: string): Window => [z(from), z(to)];
const inside = (t: number, windows: readonly Window[]) => windows.some(([a, b]) => t >= a && t < b);

const PROMETHEUS_DOWN = [w('2024-02-05T03:00:00Z', '2024-02-05T06:00:00Z')];
const B_NOT_SCRAPED = [w('2024-03-01T10:00:00Z', '2024-03-01T10:20:00Z')];
const DOWN: Record<string, Window[]> = { a: [w('2024-02-12T14:00:00Z', '2024-02-12T14:45:00Z')], b: [w('2024-03-02T09:00:00Z', '2024-03-02T11:00:00Z')] };
const IDLE: Record<string, Window[]> = { a: [], b: [w('2024-02-10T02:00:00Z', '2024-02-10T04:00:00Z')] };
const PAGE_BURST = [w('2024-02-14T10:00:00Z', '2024-02-14T10:40:00Z')];
const SLOW_BURN = [w('2024-02-27T00:00:00Z', '2024-02-28T06:00:00Z')];
const LATENCY_SHIFT = [w('2024-03-03T08:00:00Z', '2024-03-03T18:00:00Z')];
const THROUGHPUT_DIP = [w('2024-03-03T01:00:00Z', '2024-03-03T04:00:00Z')];
/** Target a restarts 30 s after these scrapes' minutes: its counters start again from 0. */
const RESETS_A = [z('2024-02-20T12:00:00Z'), z('2024-02-29T22:58:00Z'), z('2024-03-03T05:00:00Z')];

const TARGETS = [
  { id: 'a', offsetMs: 7_123 },
  { id: 'b', offsetMs: 31_457 },
] as const;

/** A series and what it holds: samples, and the events each sample shows (its increment), for counters. */
export interface ScenarioSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: Array<[number, number]>;
  /** Counters: events first shown by each sample (0 for a series' first sample). */
  readonly increments: Array<[number, number]>;
}

/** Deterministic jitter of a scrape, 0-149 ms. */
function jitter(minute: number, target: string): number {
  let x = (minute * 2654435761 + (target === 'a' ? 97 : 193)) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 2246822519) >>> 0;
  return (x ^ (x >>> 13)) % 150;
}

/** The events of one minute for one target. */
interface MinuteEvents {
  requests: number;
  bad: number;
  slow: number;
  jobs: number;
  batchOk: number;
  batchFailed: number;
}

function minuteEvents(target: string, k: number, t: number): MinuteEvents {
  if (inside(t, DOWN[target]) || inside(t, IDLE[target])) return { requests: 0, bad: 0, slow: 0, jobs: 0, batchOk: 0, batchFailed: 0 };
  const requests = target === 'a' ? 600 + ((k * 37) % 11) * 5 : 400 + ((k * 53) % 13) * 5;
  const bad = inside(t, PAGE_BURST) ? Math.floor(requests / 20) : inside(t, SLOW_BURN) ? Math.floor(requests / 250) : k % 4 === 0 ? 1 : 0;
  const slow = inside(t, LATENCY_SHIFT) ? Math.floor((requests * 4) / 100) : Math.floor(requests / 500);
  const jobs = target !== 'a' ? 0 : inside(t, THROUGHPUT_DIP) ? 200 : 2000;
  const weekday = new Date(t).getUTCDay();
  const batch = target === 'a' && weekday >= 1 && weekday <= 5;
  return { requests, bad, slow, jobs, batchOk: batch ? 10 + (k % 3) : 0, batchFailed: batch && k % 50 === 0 ? 1 : 0 };
}

/** Every series of the scenario, minute by minute. */
export function generateScenario(): ScenarioSeries[] {
  const series = new Map<string, ScenarioSeries & { pending: number; value: number; seen: boolean }>();
  const get = (name: string, labels: Record<string, string>) => {
    const key = `${name}${JSON.stringify(labels)}`;
    let s = series.get(key);
    if (!s) {
      s = { name, labels, samples: [], increments: [], pending: 0, value: 0, seen: false };
      series.set(key, s);
    }
    return s;
  };
  const minutes = Math.floor((SCENARIO.end - SCENARIO.start) / MINUTE);
  for (let k = 0; k < minutes; k++) {
    const t = SCENARIO.start + k * MINUTE;
    for (const target of TARGETS) {
      const id = target.id;
      const e = minuteEvents(id, k, t);
      const counters: Array<[string, Record<string, string>, number]> = [
        ['http_requests_total', { service: 'api', instance: id, code: '200' }, e.requests - e.bad],
        ['http_requests_total', { service: 'api', instance: id, code: '500' }, e.bad],
        ['http_request_duration_seconds_bucket', { service: 'api', instance: id, le: '0.1' }, Math.floor((e.requests * 7) / 10)],
        ['http_request_duration_seconds_bucket', { service: 'api', instance: id, le: '0.5' }, e.requests - e.slow],
        ['http_request_duration_seconds_bucket', { service: 'api', instance: id, le: '1' }, e.requests - Math.floor(e.slow / 4)],
        ['http_request_duration_seconds_bucket', { service: 'api', instance: id, le: '+Inf' }, e.requests],
        ['http_request_duration_seconds_count', { service: 'api', instance: id }, e.requests],
        ...(id === 'a'
          ? ([
              ['jobs_processed_total', { service: 'worker', instance: id }, e.jobs],
              ['batch_runs_total', { service: 'batch', instance: id, outcome: 'ok' }, e.batchOk],
              ['batch_runs_total', { service: 'batch', instance: id, outcome: 'failed' }, e.batchFailed],
            ] as Array<[string, Record<string, string>, number]>)
          : []),
      ];
      const restart = id === 'a' && RESETS_A.includes(t - MINUTE);
      for (const [name, labels, events] of counters) {
        const s = get(name, labels);
        if (restart) {
          if (s.pending !== 0) throw new Error(`scenario: a reset at ${new Date(t).toISOString()} would lose unscraped events of ${name}`);
          s.value = 0;
        }
        s.value += events;
        s.pending += events;
      }
      if (inside(t, PROMETHEUS_DOWN) || (id === 'b' && inside(t, B_NOT_SCRAPED))) continue;
      const scrapeAt = t + target.offsetMs + jitter(k, id);
      const down = inside(t, DOWN[id]);
      const up = get('up', { job: 'api', instance: id });
      up.samples.push([scrapeAt, down ? 0 : 1]);
      if (down) continue;
      for (const [name, labels] of counters) {
        const s = get(name, labels);
        s.samples.push([scrapeAt, s.value]);
        s.increments.push([scrapeAt, s.seen ? s.pending : 0]);
        s.seen = true;
        s.pending = 0;
      }
    }
  }
  return [...series.values()].map(({ name, labels, samples, increments }) => ({ name, labels, samples, increments }));
}

/** The series as OpenMetrics for `promtool tsdb create-blocks-from openmetrics` (every family a gauge: the type is only metadata). */
export function writeOpenMetrics(series: readonly ScenarioSeries[], path: string): void {
  const chunks: string[] = [];
  for (const name of [...new Set(series.map((s) => s.name))]) {
    chunks.push(`# TYPE ${name} gauge\n`);
    for (const s of series.filter((x) => x.name === name)) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      chunks.push(s.samples.map(([t, v]) => `${name}{${labels}} ${v} ${(t / 1000).toFixed(3)}\n`).join(''));
    }
  }
  chunks.push('# EOF\n');
  writeFileSync(path, chunks.join(''));
}

/** The SLOs and SLAs over the scenario (a configuration input). */
export const SCENARIO_OBJECTIVES = {
  cluster: { name: 'sla-test' },
  slos: [
    {
      name: 'api-availability',
      service: 'api',
      objective: 99.9,
      sli: { kind: 'availability', good: { metric: 'http_requests_total', matchers: ['service="api"', 'code!~"5.."'] }, total: { metric: 'http_requests_total', matchers: ['service="api"'] } },
    },
    { name: 'api-latency', service: 'api', objective: 99, sli: { kind: 'latency', histogram: 'http_request_duration_seconds', matchers: ['service="api"'], threshold: '0.5' } },
    {
      name: 'batch-success',
      service: 'batch',
      objective: 95,
      sli: { kind: 'availability', good: { metric: 'batch_runs_total', matchers: ['service="batch"', 'outcome="ok"'] }, total: { metric: 'batch_runs_total', matchers: ['service="batch"'] } },
    },
  ],
  slas: [
    { kind: 'uptime', name: 'api-uptime', service: 'api', objective: 99.9, target: { metric: 'up', matchers: ['job="api"'] } },
    { kind: 'throughput', name: 'worker-throughput', service: 'worker', objective: 99, counter: { metric: 'jobs_processed_total', matchers: ['service="worker"'] }, floorPerSecond: 5 },
  ],
};

/** Which series each objective counts (the truth side of the selectors above). */
export const TRUTH_SELECTORS = {
  'api-availability': { good: (s: ScenarioSeries) => s.name === 'http_requests_total' && s.labels.code === '200', total: (s: ScenarioSeries) => s.name === 'http_requests_total' },
  'api-latency': { good: (s: ScenarioSeries) => s.name === 'http_request_duration_seconds_bucket' && s.labels.le === '0.5', total: (s: ScenarioSeries) => s.name === 'http_request_duration_seconds_count' },
  'batch-success': { good: (s: ScenarioSeries) => s.name === 'batch_runs_total' && s.labels.outcome === 'ok', total: (s: ScenarioSeries) => s.name === 'batch_runs_total' },
  up: (s: ScenarioSeries) => s.name === 'up',
  jobs: (s: ScenarioSeries) => s.name === 'jobs_processed_total',
} as const;
