/**
 * `npm run synth`: both apps, run directly (no CLI start-up cost), with the
 * same output the CLIs give: manifests in dist/k8s (one file per chart),
 * then Terraform JSON in cdktf.out/stacks/<stack>/cdk.tf.json.
 */
import { loadConfig } from '../config';
import { ConfigError } from '../config/errors';
import { buildK8sApp, DEFAULT_K8S_OUTDIR } from '../charts/app';
import { buildAwsApp, DEFAULT_CDKTF_OUTDIR } from '../stacks/app';

function main(): void {
  try {
    const config = loadConfig();
    buildK8sApp(config, process.env.CDK8S_OUTDIR ?? DEFAULT_K8S_OUTDIR).synth();
    console.log(`manifests: ${process.env.CDK8S_OUTDIR ?? DEFAULT_K8S_OUTDIR}/`);
    const cdktfOut = process.env.CDKTF_OUTDIR ?? DEFAULT_CDKTF_OUTDIR;
    const { app, stack } = buildAwsApp(config, cdktfOut);
    app.synth();
    console.log(`terraform: ${cdktfOut}/stacks/${stack.node.id}/cdk.tf.json`);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

main();
