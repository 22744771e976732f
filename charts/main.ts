/**
 * Entry of the cdk8s app (`cdk8s synth`, `npm run synth`): reads the
 * configuration chosen by MONITORING_PROFILE / MONITORING_CONFIG and writes
 * the manifests to CDK8S_OUTDIR (default dist/k8s).
 */
import { withConfig } from '../config';
import { buildK8sApp, DEFAULT_K8S_OUTDIR } from './app';

withConfig((config) => buildK8sApp(config, process.env.CDK8S_OUTDIR ?? DEFAULT_K8S_OUTDIR).synth());
