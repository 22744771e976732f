/** `cdktf synth` (the CLI, from cdktf.json) writes the same Terraform as `npm run synth`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(120_000);

const root = resolve(__dirname, '..', '..');
const env = { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1', MONITORING_PROFILE: 'production' };

it('cdktf synth writes the same cdk.tf.json and asset as npm run synth', () => {
  const out = mkdtempSync(join(tmpdir(), 'cdktf-cli-'));
  try {
    const direct = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/synth.ts'], { cwd: root, env: { ...env, CDK8S_OUTDIR: join(out, 'k8s'), CDKTF_OUTDIR: join(out, 'direct') }, encoding: 'utf8' });
    expect(direct.status).toBe(0);
    expect(direct.stdout).toContain(`terraform: ${join(out, 'direct')}/stacks/monitoring/cdk.tf.json`);
    const cli = spawnSync(join(root, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', join(out, 'cli')], { cwd: root, env, encoding: 'utf8' });
    expect(cli.status).toBe(0);
    const read = (dir: string) => JSON.parse(readFileSync(join(out, dir, 'stacks', 'monitoring', 'cdk.tf.json'), 'utf8'));
    expect(read('cli')).toEqual(read('direct'));
    const asset = read('direct').resource.aws_lambda_function;
    const file = (Object.values(asset)[0] as { filename: string }).filename;
    expect(readFileSync(join(out, 'cli', 'stacks', 'monitoring', file)).equals(readFileSync(join(out, 'direct', 'stacks', 'monitoring', file)))).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
