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
  /** The sidecar that ships Prometheus blocks to S3. */
  thanos: Image.default('quay.io/thanos/thanos:v0.39.2'),
  // Logs, traces and dashboards. Jaeger's images run as UID 10001, Loki's as 10001, Grafana's as 472.
  grafana: Image.default('docker.io/grafana/grafana:12.3.2'),
  loki: Image.default('docker.io/grafana/loki:3.5.5'),
  /** The log collector DaemonSet (Grafana Alloy; its image has a non-root `alloy` user, UID 473). */
  alloy: Image.default('docker.io/grafana/alloy:v1.17.0'),
  jaeger: Image.default('docker.io/jaegertracing/jaeger:2.20.0'),
  /** Deletes daily Jaeger indices older than the retention (Elasticsearch/OpenSearch storage). */
  jaegerEsIndexCleaner: Image.default('docker.io/jaegertracing/jaeger-es-index-cleaner:2.20.0'),
});
export type ImagesSection = z.infer<typeof ImagesSection>;
