/**
 * Entry of the cdktf app (`cdktf synth`, `npm run synth`): reads the
 * configuration chosen by MONITORING_PROFILE / MONITORING_CONFIG and writes
 * `cdktf.out/stacks/<stack>/cdk.tf.json` (CDKTF_OUTDIR overrides).
 */
import { loadConfig } from '../config';
import { ConfigError } from '../config/errors';
import { buildAwsApp, DEFAULT_CDKTF_OUTDIR } from './app';

function main(): void {
  try {
    buildAwsApp(loadConfig(), process.env.CDKTF_OUTDIR ?? DEFAULT_CDKTF_OUTDIR).app.synth();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

main();
