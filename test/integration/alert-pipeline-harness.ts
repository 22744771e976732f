/**
 * Pieces of the alert pipeline tests: a notification sink standing in for
 * Slack, PagerDuty and the default webhook; the receivers Secret written as
 * files (Alertmanager reads them through its `*_file` settings, exactly as
 * from the mounted Secret); a rendered `alertmanager.yml` pointing at that
 * directory; and a small instrumented service whose metrics the test drives
 * with prom-client.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { Counter, Histogram, Registry } from 'prom-client';
import type { MonitoringConfig } from '../../config';
import { referencedSecretKeys, renderAlertmanagerConfig } from '../../constructs/k8s/alertmanager-config';
import { toYaml } from '../../constructs/k8s/lib/yaml';
import { freePort } from '../helpers/processes';

/** One notification as the sink received it. */
export interface Notification {
  readonly path: string;
  readonly body: any;
  /** `Date.now()` when it arrived. */
  readonly at: number;
}

/** An HTTP server recording every POST, by path. */
export interface NotificationSink {
  /** The base URL; receivers post to `<url>/slack`, `<url>/pagerduty/v2/enqueue`, `<url>/webhook`. */
  readonly url: string;
  readonly notifications: Notification[];
  /** Notifications posted to a path. */
  at(path: string): Notification[];
  stop(): Promise<void>;
}

export async function startNotificationSink(): Promise<NotificationSink> {
  const notifications: Notification[] = [];
  const server = createServer((request, response) => {
    readBody(request).then((text) => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: a malformed payload is itself a finding.
      }
      notifications.push({ path: request.url ?? '', body, at: Date.now() });
      // Answer as the real services do: Alertmanager checks the bodies, and retries what it reads as a failure.
      if (request.url?.startsWith('/pagerduty')) {
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: (body as { dedup_key?: string }).dedup_key }));
      } else if (request.url?.startsWith('/slack')) {
        // A Slack incoming webhook answers a plain "ok".
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('ok');
      } else {
        response.writeHead(200).end();
      }
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    at: (path) => notifications.filter((n) => n.path === path),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The PagerDuty routing key the test writes into the Secret's file. */
/**
 * The default policy's receivers, every one delivering to the sink: the
 * critical page through PagerDuty's Events API, high and warning to Slack,
 * info to the low-traffic channel, the rest to the default webhook.
 */
export function sinkReceivers(sink: NotificationSink) {
  return [
    { name: 'default', webhook: [{ urlSecretKey: 'default-webhook-url' }] },
    { name: 'pagerduty', pagerduty: [{ url: `${sink.url}/pagerduty/v2/enqueue` }] },
    { name: 'slack', slack: [{ channel: '#alerts' }] },
    { name: 'low-traffic', slack: [{ channel: '#alerts-low-traffic' }] },
  ];
}

export const TEST_ROUTING_KEY = 'e2e0routing0key0000000000000000';

/**
 * Write the receivers Secret into `dir`, one file per key the
 * configuration references: Slack webhook URLs and the default webhook's
 * URL point at the sink; PagerDuty gets a routing key (its endpoint is the
 * receiver's `url`, which is not a secret).
 */
export function writeReceiverSecrets(config: MonitoringConfig, dir: string, sink: NotificationSink): string[] {
  const keys = referencedSecretKeys(config.alertmanager.receivers);
  for (const key of keys) {
    const value = key.startsWith('slack') ? `${sink.url}/slack` : key.includes('webhook') ? `${sink.url}/webhook` : key.startsWith('pagerduty') ? TEST_ROUTING_KEY : `unused-${key}`;
    writeFileSync(join(dir, key), value);
  }
  return keys;
}

/** `alertmanager.yml` as the chart renders it, with the Secret mounted at `secretsDir`. */
export function alertmanagerYaml(config: MonitoringConfig, secretsDir: string): string {
  const { receivers, route, inhibitRules } = config.alertmanager;
  return toYaml(renderAlertmanagerConfig({ receivers, route, inhibitRules, secretsDir }));
}

/**
 * One instance of an HTTP service, as the test drives it: prom-client's
 * request counter and duration histogram on its own `/metrics` server.
 * `serve(n)` records n requests, `errorShare` of them 503.
 */
export class InstrumentedService {
  private readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests.', labelNames: ['code'], registers: [this.registry] });
  private readonly durations = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request durations.', buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] });
  private server?: Server;
  /** Share of requests answered 503. */
  errorShare = 0;

  private constructor(readonly port: number) {}

  static async start(): Promise<InstrumentedService> {
    const service = new InstrumentedService(await freePort());
    await service.resume();
    return service;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Record `count` requests of `seconds` each. */
  serve(count: number, seconds = 0.05): void {
    const errors = Math.round(count * this.errorShare);
    if (count - errors > 0) this.requests.inc({ code: '200' }, count - errors);
    // Touch the 503 series from the start, as a real service's first error would create it.
    this.requests.inc({ code: '503' }, errors);
    for (let i = 0; i < count; i++) this.durations.observe(seconds);
  }

  /** The process dies: its metrics endpoint stops answering, so Prometheus's scrapes fail. */
  async crash(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    server?.closeAllConnections();
  }

  /** Serve `/metrics` (again) on the same port. */
  async resume(): Promise<void> {
    const server = createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': this.registry.contentType });
        response.end(text);
      });
    });
    await listen(server, this.port);
    this.server = server;
  }

  async stop(): Promise<void> {
    await this.crash();
  }
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => resolve(text));
  });
}
