/**
 * Loki (3.x, single binary) and the log collector that feeds it.
 *
 * One replica keeps chunks on its own volume. High availability needs
 * object storage (S3 through IRSA, encrypted with KMS), a memberlist ring
 * and a replication factor of 3 over at least 3 replicas; the checks in
 * `config/checks.ts` refuse anything in between.
 *
 * The AWS stack creates the S3 bucket and the IRSA role;
 * `config/loki-names.ts` derives both apps' names from these fields.
 */
import { z } from 'zod';
import { Cidr, K8sName, Quantity, Resources, resources, shown } from './common';

const BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: (i) => `${shown(i.input)} is not an S3 bucket name (3-63 lower-case letters, digits, "." and "-")` });
const RoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/, { error: (i) => `${shown(i.input)} is not an IAM role ARN such as "arn:aws:iam::123456789012:role/loki"` });
const KmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[-a-zA-Z0-9/_]+$/, { error: (i) => `${shown(i.input)} is not a KMS key or alias ARN` });
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: (i) => `${shown(i.input)} is not a date such as "2024-04-01"` });

export const LokiSection = z.strictObject({
  /** Single-binary replicas; more than one needs object storage. */
  replicas: z.number().int().min(1, { error: 'must be at least 1' }).max(9).default(1),
  /** Copies of each stream kept by the ingesters; at most `replicas`. */
  replicationFactor: z.number().int().min(1).max(5).default(1),
  resources: Resources.default(resources('250m', '512Mi', '2', '2Gi')),
  storage: z
    .strictObject({
      /** `filesystem`: chunks on the replica's volume. `s3`: chunks and index in a bucket, shared by replicas. */
      type: z.enum(['filesystem', 's3']).default('filesystem'),
      /** Per-replica volume: WAL, TSDB index cache, compactor workspace and, on `filesystem`, the chunks. */
      size: Quantity.default('50Gi'),
      s3: z
        .strictObject({
          /** @default - `<cluster.name>-loki-<cluster.accountId>` */
          bucket: BucketName.optional(),
          /** IRSA role of the Loki ServiceAccount. @default - `arn:aws:iam::<account>:role/<cluster.name>-loki` */
          roleArn: RoleArn.optional(),
          /** Key for SSE-KMS. @default - the AWS stack's key (`aws.kms.alias`) */
          kmsKeyArn: KmsKeyArn.optional(),
          /**
           * Where S3 and STS answer (AWS's public ranges, reached through the
           * VPC's gateway endpoint or NAT); the egress NetworkPolicy allows
           * HTTPS to these.
           */
          egressCidrs: z.array(Cidr).min(1, { error: 'needs at least one CIDR: Loki must reach S3 and STS' }).default(['0.0.0.0/0']),
          /** Ranges excluded from `egressCidrs`: by default the private ranges, so Loki cannot reach inside the VPC. Remove the VPC's range if STS is an interface endpoint. */
          egressExcept: z.array(Cidr).default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * First day of the schema period (TSDB, v13). Fixed for the life of the
   * data: changing it makes older chunks unreadable.
   */
  schemaFrom: IsoDate.default('2024-04-01'),
  /** Days the compactor keeps logs (a whole number of 24h index periods). */
  retentionDays: z.number().int().min(1).max(3650).default(30),
  limits: z
    .strictObject({
      /** Per-tenant ingestion rate in MB/s, across all distributors. */
      ingestionRateMB: z.number().positive().default(4),
      /** Burst above the rate in MB. */
      ingestionBurstSizeMB: z.number().positive().default(6),
      /** Queries are split into intervals of this length and run in parallel. */
      splitQueriesByInterval: z.string().regex(/^\d+(m|h)$/, { error: (i) => `${shown(i.input)} is not an interval such as "15m" or "1h"` }).default('30m'),
      maxQueryParallelism: z.number().int().min(1).default(32),
    })
    .prefault({}),
  /** Results cache of the query frontend (embedded, in memory). */
  resultsCache: z.strictObject({ enabled: z.boolean().default(true), maxSizeMB: z.number().int().min(1).default(100) }).prefault({}),
  /** The DaemonSet (Grafana Alloy) that ships pod logs to Loki. */
  collector: z
    .strictObject({
      enabled: z.boolean().default(true),
      /**
       * Its own namespace: reading /var/log/pods needs a hostPath, which
       * only a `privileged` namespace admits.
       */
      namespace: K8sName.default('monitoring-log-collector'),
      resources: Resources.default(resources('50m', '128Mi', '500m', '512Mi')),
      /** JSON fields that may carry the trace ID, tried in order; the first found is kept as `trace_id`. */
      traceIdFields: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)).min(1).default(['trace_id', 'traceId', 'traceID']),
    })
    .prefault({}),
});
export type LokiSection = z.infer<typeof LokiSection>;
