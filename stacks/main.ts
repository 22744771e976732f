/**
 * Entry of the cdktf app (`cdktf synth`, `npm run synth`): reads the
 * configuration chosen by MONITORING_PROFILE / MONITORING_CONFIG and writes
 * `cdktf.out/stacks/<stack>/cdk.tf.json` (CDKTF_OUTDIR overrides).
 */
import { withConfig } from '../config';
import { buildAwsApp, DEFAULT_CDKTF_OUTDIR } from './app';

withConfig((config) => buildAwsApp(config, process.env.CDKTF_OUTDIR ?? DEFAULT_CDKTF_OUTDIR).app.synth());
