/**
 * `npm run synth`: both apps, run directly (no CLI start-up cost), with the
 * same output the CLIs give: manifests in dist/k8s (one file per chart).
 */
import { loadConfig } from '../config';
import { ConfigError } from '../config/errors';
import { buildK8sApp, DEFAULT_K8S_OUTDIR } from '../charts/app';

function main(): void {
  try {
    const config = loadConfig();
    buildK8sApp(config, process.env.CDK8S_OUTDIR ?? DEFAULT_K8S_OUTDIR).synth();
    console.log(`manifests: ${process.env.CDK8S_OUTDIR ?? DEFAULT_K8S_OUTDIR}/`);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

main();
