/**
 * The backup under faults, each with its documented outcome, and never a
 * manifest that claims success for a run that did not back everything up:
 *
 * | fault                                   | outcome                                                        |
 * | --------------------------------------- | -------------------------------------------------------------- |
 * | S3 answers 500/503 some of the time     | retried with backoff; the run completes                        |
 * | S3 refuses every write of the exports   | exit 1; no manifest at all; Pushgateway shows the failure      |
 * | Grafana's API never answers             | exit 1 within the time budget; manifest `failed`, others saved |
 * | the bucket has no blocks                | exit 1; manifest `failed`: "no Prometheus blocks"              |
 * | the newest block is older than allowed  | exit 1; manifest `failed`, naming the replica and its age      |
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { main as runBackupCli } from '../../lambdas/backup/cli';
import { manifestKey } from '../../lambdas/backup/manifest';
import { silentLogger } from '../../lambdas/shared/log';
import { getObjectJson, objectExists } from '../../lambdas/shared/s3';
import { type LocalS3, makeBlocks, S3_ENV, sampleGrafana, startFakeGrafana, startFaultProxy, startHttp, startS3, uploadBlocksAsSidecar } from '../helpers/backup-env';
import { type RunningServer, startPushgateway, tempDir } from '../helpers/processes';

jest.setTimeout(120_000);

const KMS = 'arn:aws:kms:eu-west-1:000000000000:alias/monitoring';
const TOKEN = 'fault-token';
const today = () => new Date().toISOString().slice(0, 10);
const recentEnd = Math.floor(Date.now() / 1000 / 60) * 60 - 600;

let s3: LocalS3;
let pushgateway: RunningServer;
let silences: Awaited<ReturnType<typeof startHttp>>;
let grafana: Awaited<ReturnType<typeof startFakeGrafana>>;
const tokenFile = join(tempDir('token'), 'token');
let bucketCount = 0;

/** A fresh bucket, optionally with both replicas' blocks ending `endSeconds`. */
async function bucketWithBlocks(endSeconds?: number): Promise<string> {
  const bucket = `faults-${++bucketCount}-backups`;
  await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
  if (endSeconds !== undefined) {
    for (const replica of ['prometheus-0', 'prometheus-1']) {
      const blocks = makeBlocks({ startSeconds: endSeconds - 3 * 3600, endSeconds, stepSeconds: 60, series: [{ name: 'fault_test', labels: { replica }, value: (t) => t % 97 }] });
      await uploadBlocksAsSidecar(s3.client, { bucket, prefix: 'prometheus', dataDir: blocks.dir, blocks: blocks.blocks, labels: { cluster: 'c', environment: 'dev', replica } });
    }
  }
  return bucket;
}

async function backup(options: { bucket: string; cluster: string; s3Url?: string; grafanaUrl?: string; extra?: string[] }): Promise<number> {
  const env = { ...S3_ENV, CLUSTER_NAME: options.cluster };
  return runBackupCli(
    [
      '--bucket', options.bucket,
      '--kms-key-arn', KMS,
      '--s3-endpoint', options.s3Url ?? s3.url,
      '--expected-replicas', 'prometheus-0,prometheus-1',
      '--grafana-url', options.grafanaUrl ?? grafana.url,
      '--grafana-token-file', tokenFile,
      '--alertmanager-url', silences.url,
      '--pushgateway-url', pushgateway.url,
      '--no-snapshots',
      '--no-cloudwatch',
      ...(options.extra ?? []),
    ],
    env,
    { logger: silentLogger },
  );
}

async function manifestOf(bucket: string): Promise<any> {
  return getObjectJson(s3.client, { bucket, key: manifestKey(today()) });
}

async function pushed(cluster: string): Promise<string> {
  const text = await (await fetch(`${pushgateway.url}/metrics`)).text();
  return text.split('\n').filter((l) => l.includes(`cluster="${cluster}"`)).join('\n');
}

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  writeFileSync(tokenFile, TOKEN);
  s3 = await startS3('faults-0-backups');
  pushgateway = await startPushgateway();
  grafana = await startFakeGrafana(sampleGrafana(TOKEN));
  silences = await startHttp((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify([{ id: 'a1', status: { state: 'active' }, matchers: [], comment: 'x', createdBy: 't', startsAt: '2026-01-01T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' }]));
  });
});
afterAll(async () => {
  await Promise.all([s3?.stop(), pushgateway?.stop(), grafana?.stop(), silences?.stop()]);
  jest.restoreAllMocks();
});

it('S3 answering 503 and 500 some of the time: retried with backoff, the run completes', async () => {
  const bucket = await bucketWithBlocks(recentEnd);
  // Every 3rd request gets 503 SlowDown and every 7th 500 InternalError.
  const proxy = await startFaultProxy(s3.url, (_req, n) => (n % 3 === 0 ? 503 : n % 7 === 0 ? 500 : undefined));
  try {
    expect(await backup({ bucket, cluster: 'flaky', s3Url: proxy.url })).toBe(0);
    expect(proxy.injected.length).toBeGreaterThanOrEqual(3);
    expect(new Set(proxy.injected.map((f) => f.status))).toEqual(new Set([503, 500]));
  } finally {
    await proxy.stop();
  }
  expect((await manifestOf(bucket)).status).toBe('complete');
  expect(await pushed('flaky')).toMatch(/^backup_run_success\{.*\} 1$/m);
});

it('S3 refusing every write of the exports: exit 1, no manifest at all, the failure pushed', async () => {
  const bucket = await bucketWithBlocks(recentEnd);
  const proxy = await startFaultProxy(s3.url, (req) => (req.method !== 'GET' && req.method !== 'HEAD' && (req.url ?? '').includes('/exports/') ? 500 : undefined));
  try {
    expect(await backup({ bucket, cluster: 'readonly', s3Url: proxy.url, extra: ['--timeout', '30'] })).toBe(1);
  } finally {
    await proxy.stop();
  }
  expect(await objectExists(s3.client, { bucket, key: manifestKey(today()) })).toBe(false);
  const metrics = await pushed('readonly');
  expect(metrics).toMatch(/^backup_run_success\{.*\} 0$/m);
  expect(metrics).toMatch(/^backup_target_success\{.*target="grafana"\} 0$/m);
  expect(metrics).toMatch(/^backup_target_success\{.*target="prometheus-blocks"\} 1$/m);
  expect(metrics).not.toContain('backup_last_success_timestamp_seconds');
});

it('Grafana never answering: exit 1 within the budget, manifest failed, the other targets saved', async () => {
  const bucket = await bucketWithBlocks(recentEnd);
  const hanging = await startFakeGrafana(sampleGrafana(TOKEN, { hang: /^\/api\/dashboards\/uid\// }));
  const started = Date.now();
  try {
    expect(await backup({ bucket, cluster: 'hung', grafanaUrl: hanging.url, extra: ['--http-timeout-ms', '300', '--timeout', '25'] })).toBe(1);
  } finally {
    await hanging.stop();
  }
  expect(Date.now() - started).toBeLessThan(25_000);
  const manifest = await manifestOf(bucket);
  expect(manifest.status).toBe('failed');
  const steps = Object.fromEntries(manifest.steps.map((s: any) => [s.name, s]));
  expect(steps.grafana.status).toBe('failed');
  expect(steps.grafana.errors.join()).toMatch(/GET .*\/api\/dashboards\/uid\/cluster-overview failed .*(TimeoutError|timed out|aborted)/i);
  expect(steps.alertmanager.status).toBe('ok');
  expect(steps['prometheus-blocks'].status).toBe('ok');
  // The half-read dashboard stream never became an object.
  expect(await objectExists(s3.client, { bucket, key: `exports/${today()}/grafana/dashboards.jsonl` })).toBe(false);
});

it('an empty bucket: exit 1, manifest failed with the reason', async () => {
  const bucket = await bucketWithBlocks();
  expect(await backup({ bucket, cluster: 'empty' })).toBe(1);
  const manifest = await manifestOf(bucket);
  expect(manifest.status).toBe('failed');
  expect(manifest.steps.find((s: any) => s.name === 'prometheus-blocks').errors).toEqual([
    `no Prometheus blocks under s3://${bucket}/prometheus/: the Thanos sidecar has uploaded nothing (check its logs, the IRSA role and the bucket name in its objstore config)`,
  ]);
  expect(await pushed('empty')).toMatch(/^backup_target_success\{.*target="prometheus-blocks"\} 0$/m);
});

it('a newest block older than the threshold: exit 1, manifest failed, naming each stale replica', async () => {
  const bucket = await bucketWithBlocks(recentEnd - 30 * 3600);
  expect(await backup({ bucket, cluster: 'stale' })).toBe(1);
  const manifest = await manifestOf(bucket);
  expect(manifest.status).toBe('failed');
  const errors: string[] = manifest.steps.find((s: any) => s.name === 'prometheus-blocks').errors;
  expect(errors).toHaveLength(2);
  expect(errors[0]).toMatch(/^replica prometheus-0: newest block [0-9A-Z]{26} ended 1d6h\d*m? ago \(.*\), older than the 6h allowed; the sidecar has stopped uploading$/);
  expect(errors[1]).toMatch(/^replica prometheus-1: /);
});
