/**
 * The cdktf app: one `MonitoringStack` per configuration, its Lambdas
 * bundled first (TerraformAsset hashes files at construction).
 */
import { App } from 'cdktf';
import type { MonitoringConfig } from '../config';
import { bundleLambda } from './lambda-bundle';
import { MonitoringStack } from './monitoring-stack';

/** Where Terraform JSON goes unless `CDKTF_OUTDIR` says otherwise; never shared with cdk8s's output. */
export const DEFAULT_CDKTF_OUTDIR = 'cdktf.out';

/** The Lambdas the stack deploys, by folder under `lambdas/`. */
export const STACK_LAMBDAS = ['backup', 'sla-report', 'anomaly-check'] as const;

export interface AwsApp {
  readonly app: App;
  readonly stack: MonitoringStack;
}

/** Build the cdktf app for a configuration; call `app.synth()` to write it. */
export function buildAwsApp(config: MonitoringConfig, outdir: string = DEFAULT_CDKTF_OUTDIR): AwsApp {
  const app = new App({ outdir, skipValidation: false });
  const stack = new MonitoringStack(app, config.aws.stackName, config, { backup: bundleLambda('backup') });
  return { app, stack };
}
