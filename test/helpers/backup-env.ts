/**
 * What the backup integration tests run against, all on loopback: an
 * S3-protocol server (s3rver, the real protocol, files on disk), an
 * optional fault-injecting proxy in front of it, small stand-ins for
 * Grafana's HTTP API, and Prometheus blocks made by `promtool tsdb
 * create-blocks-from openmetrics`, laid out in the bucket the way the
 * Thanos sidecar lays them out.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, relative } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../lambdas/shared/s3';
import { toolPath } from '../../scripts/lib/tools';
import { tempDir } from './processes';

/** s3rver's fixed credentials; every S3 client of the tests signs with them. */
export const S3_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'eu-west-1' };

export interface LocalS3 {
  readonly url: string;
  readonly client: S3Client;
  stop(): Promise<void>;
}

/** A real S3-protocol server with one bucket. */
export async function startS3(bucket: string): Promise<LocalS3> {
  Object.assign(process.env, S3_ENV);
  const directory = tempDir('s3rver');
  // s3rver ships no types; its constructor and run()/close() are all the tests use.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (options: object) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = await server.run();
  const url = `http://127.0.0.1:${port}`;
  const client = createS3Client({ region: 'eu-west-1', endpoint: url });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    url,
    client,
    stop: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** A small HTTP server on a free loopback port. */
export async function startHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A proxy in front of an S3 server that answers some requests itself with
 * an error, as S3 does under load. `fault(request, n)` returns the status
 * to answer (500, 503) or undefined to forward; `n` counts requests.
 */
export async function startFaultProxy(target: string, fault: (req: IncomingMessage, n: number) => number | undefined) {
  let count = 0;
  const injected: Array<{ method: string; path: string; status: number }> = [];
  const proxy = await startHttp((req, res) => {
    const status = fault(req, ++count);
    if (status !== undefined) {
      injected.push({ method: req.method ?? '', path: req.url ?? '', status });
      req.resume();
      const code = status === 503 ? 'SlowDown' : 'InternalError';
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the test</Message></Error>`);
      return;
    }
    const upstream = new URL(target);
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  return { ...proxy, injected, requests: () => count };
}

/** What the Grafana stand-in serves. */
export interface GrafanaData {
  readonly token: string;
  readonly dashboards: Array<{ uid: string; title: string; folderUid?: string }>;
  readonly folders: Array<{ uid: string; title: string }>;
  readonly datasources: Array<Record<string, unknown>>;
  /** Paths that never answer (a timed-out API). */
  readonly hang?: RegExp;
}

/** A stand-in for the parts of Grafana's HTTP API the backup reads, with bearer-token auth and paging. */
export async function startFakeGrafana(data: GrafanaData) {
  const requests: string[] = [];
  return {
    requests,
    ...(await startHttp((req, res) => {
      const url = new URL(req.url ?? '/', 'http://grafana');
      requests.push(url.pathname + url.search);
      if (data.hang?.test(url.pathname)) return; // never answers
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${data.token}`) return json(401, { message: 'Unauthorized' });
      const page = Number(url.searchParams.get('page') ?? 1);
      const limit = Number(url.searchParams.get('limit') ?? 1000);
      const paged = <T>(items: T[]) => items.slice((page - 1) * limit, page * limit);
      if (url.pathname === '/api/search') return json(200, paged(data.dashboards.map((d) => ({ uid: d.uid, title: d.title, type: 'dash-db', folderUid: d.folderUid }))));
      if (url.pathname === '/api/folders') return json(200, paged(data.folders));
      if (url.pathname === '/api/datasources') return json(200, data.datasources);
      const match = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(url.pathname);
      const dashboard = match && data.dashboards.find((d) => d.uid === decodeURIComponent(match[1]));
      if (dashboard) {
        return json(200, {
          dashboard: { uid: dashboard.uid, title: dashboard.title, version: 3, panels: [{ id: 1, type: 'timeseries', targets: [{ expr: 'up' }] }] },
          meta: { folderUid: dashboard.folderUid ?? '', folderTitle: data.folders.find((f) => f.uid === dashboard.folderUid)?.title ?? 'General', version: 3 },
        });
      }
      return json(404, { message: 'not found' });
    })),
  };
}

/** Typical Grafana content: 3 dashboards in 2 folders, 2 data sources with secrets the export must drop. */
export function sampleGrafana(token: string, extra: Partial<GrafanaData> = {}): GrafanaData {
  return {
    token,
    dashboards: [
      { uid: 'cluster-overview', title: 'Cluster overview', folderUid: 'platform' },
      { uid: 'backups', title: 'Backups', folderUid: 'platform' },
      { uid: 'slo', title: 'SLOs', folderUid: 'sre' },
    ],
    folders: [
      { uid: 'platform', title: 'Platform' },
      { uid: 'sre', title: 'SRE' },
    ],
    datasources: [
      { id: 1, uid: 'prometheus', name: 'Prometheus', type: 'prometheus', url: 'http://prometheus:9090', access: 'proxy', secureJsonFields: {} },
      { id: 2, uid: 'postgres', name: 'Reports DB', type: 'postgres', url: 'db:5432', user: 'grafana', password: 'legacy-plain-password', secureJsonData: { password: 'should-never-be-here' }, secureJsonFields: { password: true } },
    ],
    ...extra,
  };
}

/** One series sample stream for promtool: `name{labels} value timestamp` lines, every `stepSeconds`. */
export interface SeriesSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: (t: number) => number;
}

/**
 * Prometheus blocks from OpenMetrics with `promtool tsdb create-blocks-from
 * openmetrics` (2-hour blocks, as Prometheus and the sidecar cut them).
 * Returns the output folder and the block IDs in it.
 */
export function makeBlocks(options: { startSeconds: number; endSeconds: number; stepSeconds: number; series: SeriesSpec[] }): { dir: string; blocks: string[] } {
  const dir = tempDir('promtool-blocks');
  const lines: string[] = [];
  for (const name of [...new Set(options.series.map((s) => s.name))]) {
    lines.push(`# TYPE ${name} gauge`);
    for (const series of options.series.filter((s) => s.name === name)) {
      const labels = Object.entries(series.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      for (let t = options.startSeconds; t <= options.endSeconds; t += options.stepSeconds) lines.push(`${name}{${labels}} ${series.value(t)} ${t}`);
    }
  }
  lines.push('# EOF');
  const input = join(dir, 'input.om');
  writeFileSync(input, lines.join('\n') + '\n');
  const out = join(dir, 'data');
  const result = spawnSync(toolPath('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', input, out], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`promtool create-blocks-from openmetrics failed:\n${result.stdout}${result.stderr}`);
  const blocks = readdirSync(out).filter((d) => /^[0-9A-Z]{26}$/.test(d)).sort();
  return { dir: out, blocks };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/**
 * Upload blocks as the Thanos sidecar does: every file of `<ULID>/` under
 * `<prefix>/<ULID>/`, meta.json last and extended with the `thanos`
 * section (external labels, source, the files and their sizes).
 */
export async function uploadBlocksAsSidecar(s3: S3Client, options: { bucket: string; prefix: string; dataDir: string; blocks: string[]; labels: Record<string, string> }): Promise<{ bytes: number; objects: number }> {
  let bytes = 0;
  let objects = 0;
  for (const ulid of options.blocks) {
    const blockDir = join(options.dataDir, ulid);
    const files = filesUnder(blockDir).map((path) => relative(blockDir, path)).filter((p) => p !== 'meta.json').sort();
    for (const file of files) {
      const body = readFileSync(join(blockDir, file));
      await s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: `${options.prefix}/${ulid}/${file}`, Body: body }));
      bytes += body.length;
      objects++;
    }
    const meta = JSON.parse(readFileSync(join(blockDir, 'meta.json'), 'utf8'));
    meta.thanos = {
      labels: options.labels,
      downsample: { resolution: 0 },
      source: 'sidecar',
      segment_files: files.filter((f) => f.startsWith('chunks/')).map((f) => f.slice('chunks/'.length)),
      files: files.map((f) => ({ rel_path: f, size_bytes: statSync(join(blockDir, f)).size })).concat([{ rel_path: 'meta.json', size_bytes: 0 }]),
    };
    const body = Buffer.from(JSON.stringify(meta, null, '\t'));
    await s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: `${options.prefix}/${ulid}/meta.json`, Body: body }));
    bytes += body.length;
    objects++;
  }
  return { bytes, objects };
}
