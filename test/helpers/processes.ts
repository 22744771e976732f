/**
 * Real servers for integration tests, started on loopback by the tests
 * themselves and always stopped: a free port, a process, a readiness wait
 * that fails with the server's own output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from '../../scripts/lib/tools';

/** A running server. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Output so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A fresh temporary directory, removed by the caller (or by `stop()` for servers). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

export interface StartOptions {
  readonly command: string;
  readonly args: string[];
  readonly port: number;
  /** Path polled until it answers 200. */
  readonly readyPath: string;
  readonly dir: string;
  readonly env?: Record<string, string>;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** Start a process and wait until `readyPath` answers 200. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  let output = '';
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.dir,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${options.port}`;
  const server: RunningServer = {
    url,
    port: options.port,
    dir: options.dir,
    output: () => output,
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          if (exited) resolve();
        });
      }
      rmSync(options.dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${options.command} exited before it was ready:\n${output}`);
    try {
      const response = await fetch(url + options.readyPath);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`${options.command} was not ready at ${url}${options.readyPath} within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
}

export interface PrometheusOptions {
  /** `prometheus.yml` content. */
  readonly config: string;
  /** Extra files written beside it (rule files, by name). */
  readonly files?: Record<string, string>;
  readonly args?: string[];
  readonly env?: Record<string, string>;
  /** An existing TSDB directory to serve (e.g. with backfilled blocks); @default - an empty one */
  readonly dataDir?: string;
}

/** A real Prometheus (Debian 13 build from .tools) on a free loopback port. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningServer> {
  const dir = tempDir('prometheus');
  writeFileSync(join(dir, 'prometheus.yml'), options.config);
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
  const port = await freePort();
  return startServer({
    command: toolPath('prometheus'),
    args: [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${options.dataDir ?? join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...(options.args ?? []),
    ],
    port,
    readyPath: '/-/ready',
    dir,
    env: options.env,
  });
}

export interface AlertmanagerOptions {
  readonly config: string;
  readonly args?: string[];
  /** Cluster listen port; @default - clustering off */
  readonly clusterPort?: number;
  readonly peers?: string[];
}

/** A real Alertmanager (0.28 from .tools) on a free loopback port. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningServer> {
  const dir = tempDir('alertmanager');
  writeFileSync(join(dir, 'alertmanager.yml'), options.config);
  const port = await freePort();
  const cluster =
    options.clusterPort !== undefined
      ? [`--cluster.listen-address=127.0.0.1:${options.clusterPort}`, ...(options.peers ?? []).map((p) => `--cluster.peer=${p}`), '--cluster.settle-timeout=2s', '--cluster.gossip-interval=100ms', '--cluster.pushpull-interval=1s']
      : ['--cluster.listen-address='];
  return startServer({
    command: toolPath('alertmanager'),
    args: [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...cluster, ...(options.args ?? [])],
    port,
    readyPath: '/-/ready',
    dir,
  });
}

/** A real Pushgateway on a free loopback port. */
export async function startPushgateway(args: string[] = []): Promise<RunningServer> {
  const dir = tempDir('pushgateway');
  const port = await freePort();
  return startServer({ command: toolPath('pushgateway'), args: [`--web.listen-address=127.0.0.1:${port}`, ...args], port, readyPath: '/-/ready', dir });
}

/** GET a JSON document; throws with the body on a non-2xx answer. */
export async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** Poll `probe` until it returns a value other than undefined, or fail after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
