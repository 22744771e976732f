/**
 * The SLA report end to end on loopback, against known answers: five
 * weeks of synthetic data (`test/helpers/sla-report-scenario.ts`: error
 * bursts, counter resets, scrape gaps, targets down, zero traffic, a
 * latency shift, a throughput dip) backfilled into a real Prometheus 2.53
 * with `promtool tsdb create-blocks-from openmetrics`, the SLO step
 * records (the rule file the stack renders) backfilled with `promtool
 * tsdb create-blocks-from rules`, then the handler's code path through
 * the local runner, writing to s3rver, the Pushgateway and an SNS
 * stand-in. Every figure is compared with the answer computed from the
 * events behind the samples (`sla-report-truth.ts`): counts must be
 * equal, ratios within 1e-9.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { renderRuleFile, ruleFilesFor } from '../../charts/rules';
import { resolveConfig } from '../../config';
import { main as runCli } from '../../lambdas/sla-report/cli';
import { definitionsFromConfig } from '../../lambdas/sla-report/definitions';
import { getObjectBytes } from '../../lambdas/shared/s3';
import { toolPath } from '../../scripts/lib/tools';
import { type LocalS3, S3_ENV, startHttp, startS3 } from '../helpers/backup-env';
import { type RunningServer, startPrometheus, startPushgateway, tempDir } from '../helpers/processes';
import { generateScenario, SCENARIO, SCENARIO_OBJECTIVES, type ScenarioSeries, TRUTH_SELECTORS, writeOpenMetrics } from '../helpers/sla-report-scenario';
import { counterEvents, scrapeEvents, throughputTimeline, truthBurnRates, truthEpisodes, type TruthInterval, truthTimeline, windowSum } from './sla-report-truth';

jest.setTimeout(900_000);

const BUCKET = 'sla-test-backups-000000000000';
const KMS = 'arn:aws:kms:eu-west-1:000000000000:alias/monitoring';
const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:sla-test-monitoring-alerts';
const STEP = 300_000;
const DAY = 86_400_000;
const PERIODS = ['last-24h', 'last-7d', 'month-to-date', 'previous-month'];
const figures: Record<string, unknown> = {};
const worst = { countDifference: 0, ratioDifference: 0, ratioDifferenceAt: '', comparedCounts: 0, comparedRatios: 0 };

/** Run a command to completion without blocking the event loop; rejects with its output. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-2000)}`))));
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('SLA report on a real Prometheus with known answers', () => {
  const stops: Array<() => Promise<void>> = [];
  let series: ScenarioSeries[];
  let report: any;
  let exitCode: number;
  let s3: LocalS3;
  let pushgateway: RunningServer;
  let prometheus: RunningServer;
  const published: Array<Record<string, string>> = [];

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const started = Date.now();
    series = generateScenario();
    const work = tempDir('sla-report');
    stops.push(async () => require('node:fs').rmSync(work, { recursive: true, force: true }));
    writeOpenMetrics(series, join(work, 'input.om'));
    const dataDir = join(work, 'data');
    // One block for the whole range: promtool reads its input once per block.
    const raw = spawnSync(toolPath('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=2400h', 'input.om', dataDir], { cwd: work, encoding: 'utf8' });
    if (raw.status !== 0) throw new Error(`create-blocks-from openmetrics: ${raw.stdout}${raw.stderr}`);
    figures.samples = series.reduce((n, s) => n + s.samples.length, 0);
    figures.rawBackfillMs = Date.now() - started;

    const args = ['--storage.tsdb.retention.time=100y', '--enable-feature=expand-external-labels'];
    const source = await startPrometheus({ config: 'global: {}\n', dataDir, args });
    // Only the 5-minute count group of the rule file the stack renders: the report reads nothing else.
    const config = resolveConfig(SCENARIO_OBJECTIVES, 'scenario');
    const file = ruleFilesFor(config).find((f) => f.fileName === 'slo.rules.yml')!;
    const ruleDir = join(work, 'rules');
    require('node:fs').mkdirSync(ruleDir);
    writeFileSync(join(ruleDir, 'slo.rules.yml'), renderRuleFile({ ...file, groups: file.groups.filter((g) => g.name === 'slo-counts'), expressionTests: [] }));
    // promtool writes one block per rule and 2 hours: two processes over the two halves of the range.
    const rulesStarted = Date.now();
    const mid = Math.floor((SCENARIO.rulesStart + SCENARIO.asOf) / 2 / (2 * 3600_000)) * 2 * 3600_000;
    const halves: Array<[number, number, string]> = [
      [SCENARIO.rulesStart, mid, 'rule-blocks-1'],
      [mid, SCENARIO.asOf, 'rule-blocks-2'],
    ];
    try {
      // A relative rule file name: the group's evaluation offset hashes it, so the grid is the same on every run.
      await Promise.all(halves.map(([from, to, out]) => run(toolPath('promtool'), ['tsdb', 'create-blocks-from', 'rules', `--start=${from / 1000}`, `--end=${to / 1000}`, `--url=${source.url}`, `--output-dir=${join(work, out)}`, 'slo.rules.yml'], ruleDir)));
    } finally {
      await source.stop();
    }
    figures.ruleBackfillMs = Date.now() - rulesStarted;
    let ruleBlocks = 0;
    for (const [, , out] of halves) {
      for (const block of readdirSync(join(work, out))) {
        cpSync(join(work, out, block), join(dataDir, block), { recursive: true });
        ruleBlocks++;
      }
    }
    figures.ruleBlocks = ruleBlocks;
    prometheus = await startPrometheus({ config: 'global: {}\n', dataDir, args });
    stops.push(() => prometheus.stop());
    s3 = await startS3(BUCKET);
    stops.push(() => s3.stop());
    pushgateway = await startPushgateway();
    stops.push(() => pushgateway.stop());
    const sns = await startHttp((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        published.push(Object.fromEntries(new URLSearchParams(body)));
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(`<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${published.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${published.length}</RequestId></ResponseMetadata></PublishResponse>`);
      });
    });
    stops.push(() => sns.stop());
    const definitionsFile = join(work, 'sla-definitions.json');
    writeFileSync(definitionsFile, JSON.stringify(definitionsFromConfig(config)));
    const out = join(work, 'report.json');
    const reportStarted = Date.now();
    exitCode = await runCli(
      [
        '--prometheus-url', prometheus.url,
        '--definitions', definitionsFile,
        '--period', PERIODS.join(','),
        '--as-of', iso(SCENARIO.asOf),
        '--time-zone', SCENARIO.timeZone,
        '--schedule', 'daily',
        '--bucket', BUCKET,
        '--kms-key-arn', KMS,
        '--s3-endpoint', s3.url,
        '--topic-arn', TOPIC,
        '--sns-endpoint', sns.url,
        '--pushgateway-url', pushgateway.url,
        '--out', out,
        '--html', join(work, 'report.html'),
      ],
      { ...S3_ENV, PATH: process.env.PATH ?? '' },
    );
    figures.reportMs = Date.now() - reportStarted;
    report = JSON.parse(readFileSync(out, 'utf8'));
    figures.setupMs = Date.now() - started;
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    jest.restoreAllMocks();
    process.stdout.write(`sla-report integration figures: ${JSON.stringify({ ...figures, ...worst })}\n`);
  });

  it('completes: exit 0, every objective computed, every period present', () => {
    expect(exitCode).toBe(0);
    expect(report.objectives.map((o: any) => [o.name, o.state])).toEqual(SCENARIO_OBJECTIVES.slos.map((s) => [s.name, 'ok']).concat(SCENARIO_OBJECTIVES.slas.map((s) => [s.name, 'ok'])));
    expect(report.periods.map((p: any) => [p.id, p.start, p.end])).toEqual([
      ['last-24h', '2024-03-02T23:00:00.000Z', '2024-03-03T23:00:00.000Z'],
      ['last-7d', '2024-02-25T23:00:00.000Z', '2024-03-03T23:00:00.000Z'],
      // Europe/Berlin calendar: March starts at 23:00Z, and February 2024 has 29 days.
      ['month-to-date', '2024-02-29T23:00:00.000Z', '2024-03-03T23:00:00.000Z'],
      ['previous-month', '2024-01-31T23:00:00.000Z', '2024-02-29T23:00:00.000Z'],
    ]);
  });

  it('gives every figure of the known answer: counts exactly, ratios within 1e-9', async () => {
    const ticks = await recordTicks(prometheus.url);
    // Prometheus 2's closed ranges would count a scrape on a step's left edge twice; the scenario has none (checked here).
    const onEdge = series.flatMap((s) => s.samples).filter(([t]) => (((t - ticks[0]) % STEP) + STEP) % STEP === 0);
    expect(onEdge).toEqual([]);
    const cuts = [SCENARIO.asOf - 1, ...report.periods.flatMap((p: any) => [Date.parse(p.start) - 1, Date.parse(p.end) - 1])];
    const options = { ticks, cuts, asOf: SCENARIO.asOf };
    const timelines: Record<string, TruthInterval[]> = {};
    for (const [name, selectors] of Object.entries(TRUTH_SELECTORS).filter(([name]) => name.includes('-'))) {
      const { good, total } = selectors as { good: (s: ScenarioSeries) => boolean; total: (s: ScenarioSeries) => boolean };
      const events = counterEvents(series, good, total);
      timelines[name] = truthTimeline(events, events, options);
    }
    timelines['api-uptime'] = truthTimeline(scrapeEvents(series, TRUTH_SELECTORS.up), scrapeEvents(series, TRUTH_SELECTORS.up), options);
    timelines['worker-throughput'] = throughputTimeline(counterEvents(series, TRUTH_SELECTORS.jobs, TRUTH_SELECTORS.jobs), 5, options);
    const seen = { episodes: 0, noData: 0, missed: 0 };
    for (const objective of report.objectives) {
      const intervals = timelines[objective.name];
      // The budget from the decimal objective exactly (1 - 99.9 / 100 in doubles is off by 1e-13 relative).
      const [whole, decimals = ''] = String(objective.objective).split('.');
      const den = 100 * 10 ** decimals.length;
      const budget = (den - Number(whole + decimals)) / den;
      const scale = objective.unit === 'seconds' ? 1000 : 1;
      for (const result of objective.periods) {
        const period = report.periods.find((p: any) => p.id === result.period);
        const [start, end] = [Date.parse(period.start), Date.parse(period.end)];
        const where = `${objective.name} ${result.period}`;
        const sums = windowSum(intervals, start - 1, end - 1);
        const bad = Math.max(0, sums.total - sums.good);
        count(where, 'good', result.good, sums.good / scale);
        count(where, 'total', result.total, sums.total / scale);
        count(where, 'bad', result.bad, bad / scale);
        const coverage = sums.coveredMs / (end - start);
        ratio(where, 'coverage', result.coverage, coverage);
        const sli = sums.total > 0 ? sums.good / sums.total : null;
        ratio(where, 'sli', result.sli, sli);
        const allowed = sums.total * budget;
        ratio(where, 'consumedShare', result.budget.consumedShare, sums.total > 0 ? bad / allowed : null);
        ratio(where, 'remainingShare', result.budget.remainingShare, sums.total > 0 ? 1 - bad / allowed : null);
        relative(where, 'allowedBad', result.budget.allowedBad, allowed / scale);
        const recent = windowSum(intervals, Math.min(end, SCENARIO.asOf) - 1 - DAY, Math.min(end, SCENARIO.asOf) - 1);
        const rate = recent.coveredMs > 0 ? recent.total / (recent.coveredMs / 1000) : null;
        relative(where, 'remainingOutageSeconds', result.budget.remainingOutageSeconds, rate === null || rate <= 0 ? null : Math.max(0, allowed - bad) / rate);
        const status = coverage < report.source.minCoverage || sli === null ? 'no-data' : meets(sums.good, sums.total, String(objective.objective)) ? 'met' : 'missed';
        expect({ where, status: result.status }).toEqual({ where, status });
        expect({ where, exact: result.exact }).toEqual({ where, exact: true });
        const episodes = truthEpisodes(intervals, start - 1, end - 1, budget);
        expect({ where, episodes: result.episodes.map((e: any) => [e.severity, e.start, e.end]) }).toEqual({ where, episodes: episodes.map((e) => [e.severity, iso(e.start), iso(e.end)]) });
        result.episodes.forEach((e: any, i: number) => {
          ratio(where, `episode ${i} budgetBurntShare`, e.budgetBurntShare, allowed > 0 ? episodes[i].bad / allowed : null);
          relative(where, `episode ${i} peakBurnRate`, e.peakBurnRate, episodes[i].peak);
        });
        seen.episodes += episodes.length;
        if (result.status === 'no-data') seen.noData++;
        if (result.status === 'missed') seen.missed++;
      }
      const rates = truthBurnRates(intervals, SCENARIO.asOf - 1, budget);
      for (const window of ['1h', '6h', '1d', '3d']) ratio(objective.name, `burn rate ${window}`, objective.burnRates[window], rates[window]);
    }
    // The scenario exercises what it claims to: fast burn, verdicts of each kind.
    expect(seen.episodes).toBeGreaterThanOrEqual(2);
    expect(seen.noData).toBeGreaterThanOrEqual(1);
    expect(seen.missed).toBeGreaterThanOrEqual(3);
  });

  it('says what the scenario holds: the burst and the slow burn, the latency shift, the outage, zero traffic', () => {
    const byName = Object.fromEntries(report.objectives.map((o: any) => [o.name, Object.fromEntries(o.periods.map((p: any) => [p.period, p]))]));
    const feb = byName['api-availability']['previous-month'];
    expect(feb.episodes.filter((e: any) => e.severity === 'page').map((e: any) => e.start.slice(0, 13))).toEqual(['2024-02-14T10']);
    expect(feb.episodes.some((e: any) => e.severity === 'ticket' && e.start.startsWith('2024-02-27'))).toBe(true);
    expect(feb.coverage).toBeLessThan(1); // Prometheus down for 3 hours on 5 Feb
    expect(byName['api-latency']['last-24h'].status).toBe('missed');
    expect(byName['api-latency']['month-to-date'].status).toBe('met');
    expect(byName['api-uptime']['month-to-date'].status).toBe('missed');
    expect(byName['batch-success']['last-24h']).toMatchObject({ status: 'no-data', reason: 'no traffic: no event to judge in the period', sli: null, total: 0 });
    expect(byName['worker-throughput']['last-24h'].status).toBe('missed');
  });

  it('validates against the published JSON Schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'sla-report.schema.json'), 'utf8')));
    expect(validate(report) ? [] : validate.errors).toEqual([]);
  });

  it('writes the JSON and the HTML to the bucket under dated keys', async () => {
    const json = await getObjectBytes(s3.client, { bucket: BUCKET, key: 'sla-reports/2024-03-04/daily/report.json' });
    expect(JSON.parse(json!.toString())).toEqual(report);
    const html = (await getObjectBytes(s3.client, { bucket: BUCKET, key: 'sla-reports/2024-03-04/daily/report.html' }))!.toString();
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('pushes the gauges per period and the run result to the Pushgateway', async () => {
    const text = await (await fetch(`${pushgateway.url}/metrics`)).text();
    const latency = report.objectives.find((o: any) => o.name === 'api-latency').periods.find((p: any) => p.period === 'last-24h');
    const line = text.split('\n').find((l) => l.startsWith('sla_report_sli_ratio{') && l.includes('objective="api-latency"') && l.includes('period="last-24h"'));
    expect(Number(line?.split(' ').pop())).toBeCloseTo(latency.sli, 12);
    expect(text).toMatch(/^sla_report_objective_met\{.*objective="api-latency".*period="last-24h".*\} 0$/m);
    expect(text).toMatch(/^sla_report_no_data\{.*objective="batch-success".*period="last-24h".*\} 1$/m);
    expect(text).toMatch(/^sla_report_run_success\{.*schedule="daily".*\} 1$/m);
    expect(text).toMatch(/^sla_report_burn_rate_window\{.*objective="api-availability".*window="1h".*\} /m);
  });

  it('sends the summary to the topic', () => {
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ Action: 'Publish', TopicArn: TOPIC });
    expect(published[0].Subject.length).toBeLessThanOrEqual(100);
    expect(published[0].Message).toContain('OUT OF BUDGET api-latency');
    expect(published[0].Message).toContain('NO DATA batch-success: no traffic');
    expect(published[0].Message).toContain(`s3://${BUCKET}/sla-reports/2024-03-04/daily/report.html`);
  });
});

/** The evaluation grid of the step records, read back from Prometheus (the rule group's hash offset). */
async function recordTicks(url: string): Promise<number[]> {
  const query = `slo:sli_total:increase5m{slo="api-availability"}[${Math.ceil((SCENARIO.asOf - SCENARIO.rulesStart) / 1000)}s]`;
  const body = new URLSearchParams({ query, time: String(SCENARIO.asOf / 1000) });
  const answer: any = await (await fetch(`${url}/api/v1/query`, { method: 'POST', body })).json();
  const times: number[] = answer.data.result[0].values.map(([t]: [number]) => Math.round(t * 1000));
  const phase = ((times[0] % STEP) + STEP) % STEP;
  expect(times.every((t) => (((t - phase) % STEP) + STEP) % STEP === 0)).toBe(true);
  const first = times[0];
  const last = times[times.length - 1];
  return Array.from({ length: (last - first) / STEP + 1 }, (_, i) => first + i * STEP);
}

function count(where: string, what: string, actual: number, expected: number): void {
  worst.comparedCounts++;
  worst.countDifference = Math.max(worst.countDifference, Math.abs(actual - expected));
  expect({ where, what, value: actual }).toEqual({ where, what, value: expected });
}

/** Whether whole counts meet a decimal objective in percent, by integer arithmetic: good * 10^k * 100 >= objective * 10^k * total. */
function meets(good: number, total: number, objective: string): boolean {
  const [whole, decimals = ''] = objective.split('.');
  return BigInt(good) * 100n * 10n ** BigInt(decimals.length) >= BigInt(whole + decimals) * BigInt(total);
}

/** A figure that is not a ratio (seconds, events): compared relative to its size, within 1e-9. */
function relative(where: string, what: string, actual: number | null, expected: number | null): void {
  if (expected === null || actual === null) return void expect({ where, what, value: actual }).toEqual({ where, what, value: expected });
  ratio(where, `${what} (relative)`, expected === 0 ? actual : actual / expected, expected === 0 ? 0 : 1);
}

function ratio(where: string, what: string, actual: number | null, expected: number | null): void {
  if (expected === null || actual === null) {
    expect({ where, what, value: actual }).toEqual({ where, what, value: expected });
    return;
  }
  worst.comparedRatios++;
  const difference = Math.abs(actual - expected);
  if (difference > worst.ratioDifference) Object.assign(worst, { ratioDifference: difference, ratioDifferenceAt: `${where} ${what}` });
  if (difference > 1e-9) throw new Error(`${where} ${what}: ${actual} differs from the known ${expected} by ${difference}`);
}
