/** Prometheus: an HA pair of independent replicas, each with its own volume. */
import { z } from 'zod';
import { Duration, Quantity, Resources, resources, shown } from './common';

export const PrometheusSection = z.strictObject({
  /** Independent replicas scraping the same targets; 2 for HA. */
  replicas: z.number().int().min(1, { error: 'must be at least 1' }).max(5).default(2),
  /** How often targets are scraped. */
  scrapeInterval: Duration.default('30s'),
  /** How long a scrape may take; at most `scrapeInterval`. */
  scrapeTimeout: Duration.default('10s'),
  /** How often rules are evaluated. */
  evaluationInterval: Duration.default('30s'),
  retention: z
    .strictObject({
      /** Time-based retention (`--storage.tsdb.retention.time`). */
      time: Duration.default('15d'),
      /**
       * Size-based retention in Prometheus units (`85GB`, powers of 2).
       * @default - 85% of `storage.size`, so compaction never fills the volume
       */
      size: z
        .string()
        .regex(/^\d+(B|KB|MB|GB|TB|PB|EB)$/, { error: (i) => `${shown(i.input)} is not a Prometheus size; write e.g. "85GB"` })
        .optional(),
    })
    .prefault({}),
  storage: z.strictObject({ size: Quantity.default('50Gi') }).prefault({}),
  resources: Resources.default(resources('500m', '2Gi', '2', '4Gi')),
  /** Extra external labels; `cluster`, `environment` and `replica` are always set. */
  externalLabels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()).default({}),
  /**
   * Verify the kubelet's serving certificate. EKS nodes serve self-signed
   * kubelet certificates unless `serverTLSBootstrap` is on, so verification
   * is off by default for the kubelet and cAdvisor jobs only.
   */
  kubeletTlsVerify: z.boolean().default(false),
});
export type PrometheusSection = z.infer<typeof PrometheusSection>;
