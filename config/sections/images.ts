/**
 * Container images, pinned. Bump them here and nowhere else; the policy
 * suite refuses `latest` and untagged images in the output.
 */
import { z } from 'zod';
import { Image } from './common';

export const ImagesSection = z.strictObject({
  prometheus: Image.default('quay.io/prometheus/prometheus:v3.5.0'),
  alertmanager: Image.default('quay.io/prometheus/alertmanager:v0.28.1'),
  nodeExporter: Image.default('quay.io/prometheus/node-exporter:v1.9.1'),
  pushgateway: Image.default('quay.io/prometheus/pushgateway:v1.11.1'),
  kubeStateMetrics: Image.default('registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0'),
});
export type ImagesSection = z.infer<typeof ImagesSection>;
