/**
 * Pieces of the anomaly-check integration tests and benchmark: synthetic
 * metric series (a daily and weekly pattern with noise, optionally an
 * injected anomaly), backfilled into a Prometheus data directory with
 * `promtool tsdb create-blocks-from openmetrics`, and an SNS stand-in that
 * speaks the Query protocol of the SDK's `Publish` and records messages.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { toolPath } from '../../scripts/lib/tools';
import { tempDir } from '../helpers/processes';
import { seededRandom } from '../../lambdas/anomaly-check/detectors/isolation-forest';

export const FIVE_MINUTES_MS = 300_000;
const DAY_MS = 86_400_000;

/** A standard normal draw (Box-Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** An anomaly added to a series over `[fromMs, toMs]`: a multiple of the series' base level. */
export interface InjectedAnomaly {
  readonly fromMs: number;
  readonly toMs: number;
  /** Added as `shift * base` (0.6: a jump of 60% of the usual level). */
  readonly shift: number;
}

/** One synthetic series: labels and the shape of its normal behaviour. */
export interface SyntheticSeries {
  readonly labels: Record<string, string>;
  readonly seed: number;
  readonly anomaly?: InjectedAnomaly;
}

/**
 * Values of a request-rate-like series on a 5-minute grid: a base level
 * (50 to 350), a daily cycle of 20-50% peaking in the afternoon (UTC), 15%
 * less traffic on weekends, and Gaussian noise of 3-6% of the base. No
 * spikes, no outages: "normal".
 */
export function seriesValues(series: SyntheticSeries, startMs: number, points: number, stepMs = FIVE_MINUTES_MS): Float64Array {
  // Seeded, so every series is the same on every run.
  const random = seededRandom(series.seed);
  const base = 50 + 300 * random();
  const daily = 0.2 + 0.3 * random();
  const phase = 2 * Math.PI * random() * 0.25;
  const noise = 0.03 + 0.03 * random();
  const values = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const t = startMs + i * stepMs;
    const dayPhase = ((t % DAY_MS) / DAY_MS) * 2 * Math.PI;
    const weekday = new Date(t).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.85 : 1;
    let value = base * weekend * (1 + daily * Math.sin(dayPhase - Math.PI / 2 + phase)) + base * noise * gaussian(random);
    if (series.anomaly && t >= series.anomaly.fromMs && t <= series.anomaly.toMs) value += base * series.anomaly.shift;
    values[i] = Math.max(0, Math.round(value * 1000) / 1000);
  }
  return values;
}

/** A backfilled TSDB. */
export interface Backfill {
  /** The data directory to start Prometheus on. */
  readonly dataDir: string;
  readonly samples: number;
  readonly promtoolMs: number;
}

/**
 * Writes the series as OpenMetrics (one gauge family) and turns them into
 * TSDB blocks with promtool, as a user backfills history. Written in
 * chunks: a thousand week-long series are two million lines.
 */
export function backfill(metric: string, series: readonly SyntheticSeries[], startMs: number, endMs: number, stepMs = FIVE_MINUTES_MS): Backfill {
  const dir = tempDir('anomaly-backfill');
  const input = join(dir, 'input.om');
  const fd = openSync(input, 'w');
  const points = Math.floor((endMs - startMs) / stepMs) + 1;
  let samples = 0;
  try {
    writeSync(fd, `# HELP ${metric} Synthetic request rate for the anomaly-check tests.\n# TYPE ${metric} gauge\n`);
    for (const s of series) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      const values = seriesValues(s, startMs, points, stepMs);
      let chunk = '';
      for (let i = 0; i < points; i++) {
        chunk += `${metric}{${labels}} ${values[i]} ${(startMs + i * stepMs) / 1000}\n`;
        if (chunk.length > 1 << 20) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      writeSync(fd, chunk);
      samples += points;
    }
    writeSync(fd, '# EOF\n');
  } finally {
    closeSync(fd);
  }
  const dataDir = join(dir, 'data');
  const started = Date.now();
  const result = spawnSync(toolPath('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', input, dataDir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`promtool create-blocks-from openmetrics failed:\n${result.stdout}${result.stderr}`);
  if (!readdirSync(dataDir).some((d) => /^[0-9A-Z]{26}$/.test(d))) throw new Error(`promtool wrote no block into ${dataDir}`);
  return { dataDir, samples, promtoolMs: Date.now() - started };
}

/** One `Publish` the SNS stand-in received. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject: string;
  readonly message: string;
  readonly at: number;
}

export interface SnsSink {
  /** The endpoint to give the SDK (`SNS_ENDPOINT`). */
  readonly url: string;
  readonly messages: PublishedMessage[];
  /** Requests that were not a valid Publish (kept for failure messages). */
  readonly rejected: string[];
  /** Answer the next `n` requests with this status (throttling, outages). */
  failNext(n: number, status: number): void;
  stop(): Promise<void>;
}

/**
 * An SNS endpoint for the SDK: `@aws-sdk/client-sns` speaks the Query
 * protocol (form-encoded `Action=Publish&TopicArn=...&Message=...`,
 * answered in XML). Signatures are not checked; the SDK signs as usual.
 */
export async function startSnsSink(): Promise<SnsSink> {
  const messages: PublishedMessage[] = [];
  const rejected: string[] = [];
  let failures = { left: 0, status: 500 };
  const server = createServer((request, response) => {
    readBody(request).then((text) => {
      if (failures.left > 0) {
        failures.left--;
        response.writeHead(failures.status, { 'content-type': 'text/xml' });
        response.end(`<ErrorResponse><Error><Type>Receiver</Type><Code>${failures.status === 400 ? 'Throttling' : 'InternalError'}</Code><Message>injected failure</Message></Error><RequestId>0</RequestId></ErrorResponse>`);
        return;
      }
      const form = new URLSearchParams(text);
      if (form.get('Action') !== 'Publish' || !form.get('TopicArn') || !form.get('Message')) {
        rejected.push(text);
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end('<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>not a Publish</Message></Error><RequestId>0</RequestId></ErrorResponse>');
        return;
      }
      messages.push({ topicArn: form.get('TopicArn')!, subject: form.get('Subject') ?? '', message: form.get('Message')!, at: Date.now() });
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>message-${messages.length}</MessageId></PublishResult><ResponseMetadata><RequestId>request-${messages.length}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    rejected,
    failNext: (n, status) => (failures = { left: n, status }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Credentials and region for the SDK against the stand-in (it checks no signature). */
export const SNS_TEST_ENV = { AWS_ACCESS_KEY_ID: 'anomaly-test', AWS_SECRET_ACCESS_KEY: 'anomaly-test', AWS_REGION: 'eu-west-1' };

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => resolve(text));
  });
}
