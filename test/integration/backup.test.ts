/**
 * The backup Lambda end to end on loopback, through its local runner (the
 * handler's own code path): Prometheus blocks made by promtool, laid out
 * in a real S3-protocol server (s3rver) as the Thanos sidecar lays them
 * out for two replicas; a real Alertmanager with a silence; a Grafana
 * API stand-in; a real Pushgateway. Then the restore command brings one
 * replica's blocks back and a fresh Prometheus answers the same queries
 * with the same values as the Prometheus that served the originals.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as runBackupCli } from '../../lambdas/backup/cli';
import { manifestKey } from '../../lambdas/backup/manifest';
import { silentLogger } from '../../lambdas/shared/log';
import { PrometheusClient } from '../../lambdas/shared/prometheus-client';
import { getObjectBytes, getObjectJson } from '../../lambdas/shared/s3';
import { main as restoreMain } from '../../scripts/restore';
import { toolPath } from '../../scripts/lib/tools';
import { type LocalS3, makeBlocks, type SeriesSpec, S3_ENV, sampleGrafana, startFakeGrafana, startS3, uploadBlocksAsSidecar } from '../helpers/backup-env';
import { type RunningServer, startAlertmanager, startPrometheus, startPushgateway, tempDir } from '../helpers/processes';

jest.setTimeout(120_000);

const BUCKET = 'monitoring-dev-backups-000000000000';
const KMS = 'arn:aws:kms:eu-west-1:000000000000:alias/monitoring';
const TOKEN = 'test-grafana-token';
const STEP = 30;
const end = Math.floor(Date.now() / 1000 / 60) * 60 - 300;
const start = end - 5 * 3600;
const series: SeriesSpec[] = [
  { name: 'backup_test_value', labels: { series: 'a' }, value: (t: number) => Math.round(1000 * Math.sin(t / 600)) / 10 },
  { name: 'backup_test_value', labels: { series: 'b' }, value: (t: number) => (t - start) / STEP },
  { name: 'backup_test_requests_total', labels: { code: '200' }, value: (t: number) => 3 * ((t - start) / STEP) },
];
const figures: Record<string, number | string> = {};
/** The local runner with the handler's code path; its log lines are silenced, its exit code kept. */
const backupMain = (argv: string[], env: Record<string, string>) => runBackupCli(argv, env, { logger: silentLogger });

describe('backup and restore', () => {
  const stops: Array<() => Promise<void>> = [];
  let s3: LocalS3;
  let source: RunningServer;
  let pushgateway: RunningServer;
  let alertmanager: RunningServer;
  let grafana: Awaited<ReturnType<typeof startFakeGrafana>>;
  let env: Record<string, string>;
  let args: string[];
  let blocksUploaded = 0;

  beforeAll(async () => {
    // The commands print their summaries; the assertions read the bucket and the servers instead.
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    s3 = await startS3(BUCKET);
    stops.push(() => s3.stop());
    const made = Date.now();
    for (const replica of ['prometheus-0', 'prometheus-1']) {
      const blocks = makeBlocks({ startSeconds: start, endSeconds: end, stepSeconds: STEP, series });
      const uploaded = await uploadBlocksAsSidecar(s3.client, { bucket: BUCKET, prefix: 'prometheus', dataDir: blocks.dir, blocks: blocks.blocks, labels: { cluster: 'monitoring-dev', environment: 'dev', replica } });
      blocksUploaded += blocks.blocks.length;
      figures.bucketBytes = Number(figures.bucketBytes ?? 0) + uploaded.bytes;
      if (replica === 'prometheus-0') {
        const dataDir = tempDir('source-data');
        cpSync(blocks.dir, dataDir, { recursive: true });
        source = await startPrometheus({ config: 'global: {}\n', dataDir, args: ['--storage.tsdb.retention.time=30d'] });
        stops.push(() => source.stop());
      }
    }
    figures.blocks = blocksUploaded;
    figures.blockSetupMs = Date.now() - made;
    pushgateway = await startPushgateway();
    stops.push(() => pushgateway.stop());
    alertmanager = await startAlertmanager({ config: 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n' });
    stops.push(() => alertmanager.stop());
    const silence = { matchers: [{ name: 'alertname', value: 'Watchdog', isRegex: false, isEqual: true }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString(), createdBy: 'test', comment: 'kept across a restore' };
    const created = await fetch(`${alertmanager.url}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(silence) });
    expect(created.status).toBe(200);
    grafana = await startFakeGrafana(sampleGrafana(TOKEN));
    stops.push(() => grafana.stop());
    const tokenFile = join(tempDir('token'), 'token');
    writeFileSync(tokenFile, TOKEN);
    env = { ...S3_ENV, CLUSTER_NAME: 'monitoring-dev', PATH: process.env.PATH ?? '' };
    args = [
      '--bucket', BUCKET,
      '--kms-key-arn', KMS,
      '--s3-endpoint', s3.url,
      '--expected-replicas', 'prometheus-0,prometheus-1',
      '--grafana-url', grafana.url,
      '--grafana-token-file', tokenFile,
      '--alertmanager-url', alertmanager.url,
      '--pushgateway-url', pushgateway.url,
      '--no-snapshots',
      '--no-cloudwatch',
      '--timeout', '60',
    ];
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    jest.restoreAllMocks();
    process.stdout.write(`backup integration figures: ${JSON.stringify(figures)}\n`);
  });

  it('backs up: verifies both replicas, exports Grafana and Alertmanager, writes a complete manifest last', async () => {
    const started = Date.now();
    expect(await backupMain(args, env)).toBe(0);
    figures.backupMs = Date.now() - started;
    const today = new Date().toISOString().slice(0, 10);
    const manifest: any = await getObjectJson(s3.client, { bucket: BUCKET, key: manifestKey(today) });
    expect(manifest.status).toBe('complete');
    expect(manifest.steps.map((s: any) => [s.name, s.status])).toEqual([
      ['prometheus-blocks', 'ok'],
      ['grafana', 'ok'],
      ['alertmanager', 'ok'],
    ]);
    expect(manifest.blocks.newest.map((b: any) => b.replica).sort()).toEqual(['prometheus-0', 'prometheus-1']);
    expect(manifest.blocks.blocksListed).toBe(blocksUploaded);
    const grafanaStep = manifest.steps.find((s: any) => s.name === 'grafana');
    expect(grafanaStep.details).toEqual({ dashboards: 3, folders: 2, datasources: 2 });
    expect(manifest.steps.find((s: any) => s.name === 'alertmanager').details).toEqual({ silences: 1, inForce: 1 });
    // Every object the manifest lists is in the bucket with that size and SHA-256.
    for (const item of manifest.steps.flatMap((s: any) => s.objects)) {
      const body = await getObjectBytes(s3.client, { bucket: BUCKET, key: item.key });
      expect(body?.length).toBe(item.bytes);
      expect(require('node:crypto').createHash('sha256').update(body).digest('hex')).toBe(item.sha256);
    }
    figures.exportBytes = manifest.totals.bytes;
    figures.exportObjects = manifest.totals.objects;
    const datasources = (await getObjectBytes(s3.client, { bucket: BUCKET, key: `exports/${today}/grafana/datasources.json` }))!.toString();
    expect(datasources).not.toMatch(/legacy-plain-password|should-never-be-here|secureJsonData/);
    expect(JSON.parse(datasources)[1].secureJsonFields).toEqual({ password: true });
    const dashboards = (await getObjectBytes(s3.client, { bucket: BUCKET, key: `exports/${today}/grafana/dashboards.jsonl` }))!.toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(dashboards.map((d) => d.uid)).toEqual(['cluster-overview', 'backups', 'slo']);
  });

  it('pushes its metrics to the Pushgateway', async () => {
    const text = await (await fetch(`${pushgateway.url}/metrics`)).text();
    expect(text).toMatch(/^backup_run_success\{cluster="monitoring-dev",instance="",job="backup"\} 1$/m);
    expect(text).toMatch(/^backup_last_success_timestamp_seconds\{cluster="monitoring-dev",instance="",job="backup"\} \d/m);
    expect(text).toMatch(/^backup_target_success\{cluster="monitoring-dev",instance="",job="backup",target="grafana"\} 1$/m);
    expect(text).toMatch(/^backup_prometheus_newest_block_age_seconds\{cluster="monitoring-dev",instance="",job="backup",replica="prometheus-1"\} \d+/m);
  });

  it('does not back up the same day twice', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const before = (await getObjectJson<any>(s3.client, { bucket: BUCKET, key: manifestKey(today) }))!.runId;
    const requestsBefore = grafana.requests.length;
    expect(await backupMain(args, env)).toBe(0);
    expect((await getObjectJson<any>(s3.client, { bucket: BUCKET, key: manifestKey(today) }))!.runId).toBe(before);
    expect(grafana.requests.length).toBe(requestsBefore);
  });

  it('restores one replica\'s blocks, and a fresh Prometheus answers the same queries with the same values', async () => {
    const dataDir = tempDir('restored');
    const started = Date.now();
    expect(await restoreMain(['--bucket', BUCKET, '--data-dir', dataDir, '--replica', 'prometheus-0', '--endpoint', s3.url], S3_ENV)).toBe(0);
    figures.restoreMs = Date.now() - started;
    const restored = readdirSync(dataDir).filter((d) => /^[0-9A-Z]{26}$/.test(d));
    figures.blocksRestored = restored.length;
    expect(restored.length).toBe(blocksUploaded / 2);
    // A second restore leaves the blocks alone.
    expect(await restoreMain(['--bucket', BUCKET, '--data-dir', dataDir, '--replica', 'prometheus-0', '--endpoint', s3.url], S3_ENV)).toBe(0);
    const fresh = await startPrometheus({ config: 'global: {}\n', dataDir, args: ['--storage.tsdb.retention.time=30d'] });
    try {
      const [a, b] = [new PrometheusClient({ url: source.url }), new PrometheusClient({ url: fresh.url })];
      for (const query of ['backup_test_value', 'rate(backup_test_requests_total[5m])', 'sum by (series) (backup_test_value)']) {
        const [original, copy] = await Promise.all([a.rangeQuery(query, new Date(start * 1000), new Date(end * 1000), 60), b.rangeQuery(query, new Date(start * 1000), new Date(end * 1000), 60)]);
        expect(original.length).toBeGreaterThan(0);
        expect(original.reduce((n, s) => n + s.samples.length, 0)).toBeGreaterThan(200);
        expect(copy).toEqual(original);
      }
      const instant = async (client: PrometheusClient) => client.instantQuery('backup_test_value{series="b"}', new Date(end * 1000));
      expect(await instant(b)).toEqual(await instant(a));
    } finally {
      await fresh.stop();
    }
  });

  it('the restore refuses an ambiguous choice and names the replicas', async () => {
    const errors = jest.mocked(console.error);
    errors.mockClear();
    expect(await restoreMain(['--bucket', BUCKET, '--data-dir', tempDir('ambiguous'), '--endpoint', s3.url], S3_ENV)).toBe(2);
    expect(errors.mock.calls.flat().join('\n')).toContain('blocks of 2 replicas (prometheus-0, prometheus-1); choose one with --replica');
  });

  it('the exported silences import back into a fresh Alertmanager with amtool', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const file = join(tempDir('silences'), 'silences.json');
    writeFileSync(file, (await getObjectBytes(s3.client, { bucket: BUCKET, key: `exports/${today}/alertmanager/silences.json` }))!);
    const fresh = await startAlertmanager({ config: 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n' });
    try {
      const result = spawnSync(toolPath('amtool'), ['silence', 'import', `--alertmanager.url=${fresh.url}`, file], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const silences = (await (await fetch(`${fresh.url}/api/v2/silences`)).json()) as Array<{ comment: string; status: { state: string } }>;
      expect(silences.map((s) => [s.comment, s.status.state])).toEqual([['kept across a restore', 'active']]);
    } finally {
      await fresh.stop();
    }
  });
});

