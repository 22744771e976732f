/**
 * The synthesized Terraform on the real tool: in a temporary copy of each
 * stack, `terraform init` against the local provider mirror (no network),
 * `terraform validate`, and an offline `terraform plan` (dummy
 * credentials, the provider's skip_* settings, the account guard lifted)
 * whose resource counts must be the expected ones.
 *
 * The mirror is `TF_PLUGIN_MIRROR` or `/opt/tf-plugins`
 * (registry.terraform.io/hashicorp/aws/5.100.0/<os>_<arch>/...).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile, type MonitoringConfig } from '../../config';
import { buildAwsApp } from '../../stacks/app';
import { AWS_PROVIDER_VERSION } from '../../stacks/monitoring-stack';
import { fullConfig } from '../helpers/aws-synth';

jest.setTimeout(180_000);

const MIRROR = process.env.TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';
const work = mkdtempSync(join(tmpdir(), 'terraform-test-'));
const cliConfig = join(work, 'terraform.rc');
const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_PLUGIN_CACHE_DIR: '', AWS_EC2_METADATA_DISABLED: 'true' };

function terraform(dir: string, args: string[]): string {
  const result = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`terraform ${args[0]} could not run (is terraform on PATH?): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${dir}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Synthesize a configuration with the real app, into a fresh folder; returns the stack folder. */
function synthesize(name: string, config: MonitoringConfig): string {
  const outdir = join(work, `${name}-out`);
  const { app, stack } = buildAwsApp(config, outdir);
  app.synth();
  const copy = join(work, name);
  cpSync(join(outdir, 'stacks', stack.node.id), copy, { recursive: true });
  return copy;
}

/** Offline planning: dummy credentials, no account lookup, local state, and no account guard (the account is a placeholder). */
function addOfflineOverrides(dir: string): void {
  writeFileSync(
    join(dir, 'offline_override.tf.json'),
    JSON.stringify({
      terraform: { backend: { local: { path: join(dir, 'offline.tfstate') } } },
      provider: {
        aws: {
          access_key: 'offline-plan-dummy',
          secret_key: 'offline-plan-dummy',
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
          allowed_account_ids: null,
        },
      },
    }),
  );
}

/** Resource counts by type of a saved plan, all of them creations. */
function plannedCounts(dir: string): { total: number; byType: Record<string, number>; actions: string[] } {
  terraform(dir, ['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color', '-out=plan.bin']);
  const plan = JSON.parse(terraform(dir, ['show', '-json', 'plan.bin']));
  const changes = (plan.resource_changes ?? []).filter((c: { mode: string }) => c.mode === 'managed');
  const byType: Record<string, number> = {};
  for (const change of changes) byType[change.type] = (byType[change.type] ?? 0) + 1;
  return { total: changes.length, byType, actions: [...new Set(changes.flatMap((c: { change: { actions: string[] } }) => c.change.actions))] as string[] };
}

/** What every stack plans, whatever the options. */
const BASE_COUNTS: Record<string, number> = {
  aws_kms_key: 1,
  aws_kms_alias: 1,
  aws_s3_bucket: 2,
  aws_s3_bucket_versioning: 2,
  aws_s3_bucket_server_side_encryption_configuration: 2,
  aws_s3_bucket_public_access_block: 2,
  aws_s3_bucket_ownership_controls: 2,
  aws_s3_bucket_policy: 2,
  aws_s3_bucket_lifecycle_configuration: 2,
  aws_s3_bucket_logging: 1,
  // The Prometheus IRSA role, and an execution and a scheduler role per Lambda (backup, anomaly-check, sla-report).
  aws_iam_role: 7,
  aws_iam_role_policy: 7,
  aws_sns_topic: 1,
  aws_sns_topic_policy: 1,
  // Per Lambda: a log group, a DLQ, the function, its async config and its schedule (the SLA report has three: daily, weekly, monthly).
  aws_cloudwatch_log_group: 3,
  aws_sqs_queue: 3,
  aws_lambda_function: 3,
  aws_lambda_function_event_invoke_config: 3,
  aws_scheduler_schedule_group: 1,
  aws_scheduler_schedule: 5,
  // 3 Prometheus (CPU, memory, disk), 4 per Lambda (errors, throttles, duration, DLQ), backup freshness.
  aws_cloudwatch_metric_alarm: 16,
};

beforeAll(() => {
  if (!existsSync(join(MIRROR, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION))) {
    throw new Error(`no hashicorp/aws ${AWS_PROVIDER_VERSION} in the provider mirror ${MIRROR}; set TF_PLUGIN_MIRROR to a folder laid out as registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}/<os>_<arch>/`);
  }
  writeFileSync(
    cliConfig,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(MIRROR)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`,
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cases: Array<{ name: string; config: () => MonitoringConfig; expected: Record<string, number> }> = [
  { name: 'default', config: () => loadProfile('default'), expected: BASE_COUNTS },
  {
    name: 'full',
    config: fullConfig,
    // + 3 volumes in each of 2 zones, 2 subscriptions (email, webhook), the Object Lock configuration,
    // and (production's Loki on S3) Loki's bucket with its 7 settings and its IRSA role with its policy.
    expected: {
      ...BASE_COUNTS,
      aws_ebs_volume: 6,
      aws_sns_topic_subscription: 2,
      aws_s3_bucket_object_lock_configuration: 1,
      ...Object.fromEntries(
        ['aws_s3_bucket', 'aws_s3_bucket_versioning', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_policy', 'aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket_logging', 'aws_iam_role', 'aws_iam_role_policy'].map(
          (type) => [type, BASE_COUNTS[type] + 1],
        ),
      ),
    },
  },
];

describe.each(cases)('$name stack', ({ name, config, expected }) => {
  let dir: string;
  beforeAll(() => {
    dir = synthesize(name, config());
  });

  it('initializes from the local mirror and validates', () => {
    terraform(dir, ['init', '-input=false', '-backend=false', '-no-color']);
    expect(terraform(dir, ['validate', '-no-color'])).toContain('The configuration is valid');
  });

  it('plans offline with the expected resources, all new', () => {
    addOfflineOverrides(dir);
    terraform(dir, ['init', '-input=false', '-reconfigure', '-no-color']);
    const counts = plannedCounts(dir);
    expect(counts.byType).toEqual(expected);
    expect(counts.total).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
    expect(counts.actions).toEqual(['create']);
  });
});

it('pins the provider to the mirrored version', () => {
  const dir = synthesize('pin', loadProfile('default'));
  const stack = JSON.parse(require('node:fs').readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
  expect(stack.terraform.required_providers.aws).toEqual({ source: 'aws', version: AWS_PROVIDER_VERSION });
});
