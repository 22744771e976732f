/**
 * The commands users run: `npm run synth` and `npm run validate` as
 * processes, and `cdk8s synth`, which must give the same manifests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function run(command: string, args: string[], env: Record<string, string>) {
  // Terraform JSON goes beside the manifests, never into the checkout's own cdktf.out.
  const cdktfOut = env.CDK8S_OUTDIR ? { CDKTF_OUTDIR: `${env.CDK8S_OUTDIR}-cdktf` } : {};
  const result = spawnSync(command, args, { cwd: root, env: { ...process.env, ...cdktfOut, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('synth and validate commands', () => {
  const out = mkdtempSync(join(tmpdir(), 'synth-cli-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synth writes one file per chart and validate passes on it', () => {
    const synth = run(tsx, ['scripts/synth.ts'], { CDK8S_OUTDIR: join(out, 'k8s'), MONITORING_PROFILE: 'production' });
    expect(synth).toMatchObject({ status: 0 });
    expect(readdirSync(join(out, 'k8s'))).toEqual([
      '0000-namespaces.k8s.yaml',
      '0001-prometheus.k8s.yaml',
      '0002-alertmanager.k8s.yaml',
      '0003-node-exporter.k8s.yaml',
      '0004-kube-state-metrics.k8s.yaml',
      '0005-pushgateway.k8s.yaml',
      '0006-grafana.k8s.yaml',
      '0007-loki.k8s.yaml',
      '0008-jaeger.k8s.yaml',
      '0009-ingress.k8s.yaml',
      '0010-lambda-endpoints.k8s.yaml',
      '0011-log-collector.k8s.yaml',
      '0012-network-policies.k8s.yaml',
    ]);
    const validate = run(tsx, ['scripts/validate.ts', join(out, 'k8s')], {});
    expect(validate.status).toBe(0);
    expect(validate.output).toMatch(/all \d+ checks passed/);
  });

  it('synth refuses a bad config file with exit code 2 and names the field', () => {
    const file = join(out, 'bad.yaml');
    writeFileSync(file, 'prometheus:\n  scrapeInterval: 1 minute\n');
    const synth = run(tsx, ['scripts/synth.ts'], { CDK8S_OUTDIR: join(out, 'bad'), MONITORING_CONFIG: file });
    expect(synth.status).toBe(2);
    expect(synth.output).toContain(`Invalid monitoring configuration (${file}):`);
    expect(synth.output).toContain('prometheus.scrapeInterval: "1 minute" is not a Prometheus duration');
  });

  it('validate fails, listing the failure, when a manifest is broken', () => {
    const dir = join(out, 'broken');
    run(tsx, ['scripts/synth.ts'], { CDK8S_OUTDIR: dir });
    const file = join(dir, '0002-alertmanager.k8s.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('receiver: pagerduty', 'receiver: nobody'));
    const validate = run(tsx, ['scripts/validate.ts', dir], {});
    expect(validate.status).toBe(1);
    expect(validate.output).toContain('FAIL amtool check-config ConfigMap/monitoring/alertmanager-config alertmanager.yml');
  });

  it('cdk8s synth (the CLI) writes the same manifests as npm run synth', () => {
    const direct = join(out, 'direct');
    run(tsx, ['scripts/synth.ts'], { CDK8S_OUTDIR: direct });
    const cli = run(join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', join(out, 'cli')], {});
    expect(cli.status).toBe(0);
    expect(readTree(join(out, 'cli'))).toEqual(readTree(direct));
  });
});
