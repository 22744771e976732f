/**
 * `npm run synth`: both apps, run directly (no CLI start-up cost), with the
 * same output the CLIs give: manifests in dist/k8s (one file per chart),
 * then Terraform JSON in cdktf.out/stacks/<stack>/cdk.tf.json.
 */
import { buildK8sApp, DEFAULT_K8S_OUTDIR } from '../charts/app';
import { withConfig } from '../config';
import { buildAwsApp, DEFAULT_CDKTF_OUTDIR } from '../stacks/app';

withConfig((config) => {
  const k8sOut = process.env.CDK8S_OUTDIR ?? DEFAULT_K8S_OUTDIR;
  buildK8sApp(config, k8sOut).synth();
  console.log(`manifests: ${k8sOut}/`);
  const cdktfOut = process.env.CDKTF_OUTDIR ?? DEFAULT_CDKTF_OUTDIR;
  const { app, stack } = buildAwsApp(config, cdktfOut);
  app.synth();
  console.log(`terraform: ${cdktfOut}/stacks/${stack.node.id}/cdk.tf.json`);
});
