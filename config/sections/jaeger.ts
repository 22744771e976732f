/**
 * Jaeger v2: the OpenTelemetry-collector based binary in its collector and
 * query roles. Badger keeps traces on one pod's volume (both roles in one
 * process, since Badger opens its files exclusively); Elasticsearch or
 * OpenSearch is shared storage for several collectors.
 */
import { z } from 'zod';
import { Cidr, Duration, K8sName, Quantity, Resources, resources, shown } from './common';

const SecretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: (i) => `${shown(i.input)} is not a valid Secret key` });
const HttpUrl = z.url({ protocol: /^https?$/, error: (i) => `${shown(i.input)} is not an http(s) URL such as "https://search-traces.eu-west-1.es.amazonaws.com:443"` });
const CronSchedule = z.string().regex(/^(\S+\s+){4}\S+$/, { error: (i) => `${shown(i.input)} is not a cron schedule such as "55 23 * * *"` });

const SearchStorage = z.strictObject({
  /** Cluster endpoints, e.g. an Amazon OpenSearch domain endpoint. */
  urls: z.array(HttpUrl).min(1, { error: 'needs at least one URL of the cluster' }),
  /** The Secret with the credentials, created by the user in the monitoring namespace. */
  credentialsSecret: z
    .strictObject({
      name: K8sName.default('jaeger-elasticsearch'),
      usernameKey: SecretKey.default('username'),
      passwordKey: SecretKey.default('password'),
    })
    .prefault({}),
  /** Indices are `<indexPrefix>-jaeger-span-YYYY-MM-DD` and so on. */
  indexPrefix: K8sName.default('jaeger'),
  /** Days of daily indices kept; older ones are deleted by the index cleaner CronJob. */
  retentionDays: z.number().int().min(1).max(3650).default(7),
  /** When the index cleaner runs (cron, UTC). */
  cleanerSchedule: CronSchedule.default('55 23 * * *'),
  shards: z.number().int().min(1).default(3),
  replicas: z.number().int().min(0).default(1),
  /** Where the cluster is (its VPC subnets), for the egress NetworkPolicy. */
  cidrs: z.array(Cidr).min(1, { error: 'needs at least one CIDR: Jaeger must reach its storage' }).default(['10.0.0.0/16']),
});
export type SearchStorage = z.infer<typeof SearchStorage>;

export const JaegerSection = z.strictObject({
  collector: z
    .strictObject({
      /** OTLP receivers; more than one needs Elasticsearch or OpenSearch. */
      replicas: z.number().int().min(1, { error: 'must be at least 1' }).max(20).default(1),
      resources: Resources.default(resources('100m', '256Mi', '1', '1Gi')),
    })
    .prefault({}),
  query: z
    .strictObject({
      /** UI and query API replicas (with Badger the query role runs in the collector's pod). */
      replicas: z.number().int().min(1, { error: 'must be at least 1' }).max(5).default(1),
      resources: Resources.default(resources('50m', '128Mi', '500m', '512Mi')),
    })
    .prefault({}),
  storage: z
    .strictObject({
      type: z.enum(['badger', 'elasticsearch', 'opensearch']).default('badger'),
      badger: z
        .strictObject({
          size: Quantity.default('20Gi'),
          /** How long spans are kept. */
          retention: Duration.default('72h'),
        })
        .prefault({}),
      /** Required when `type` is `elasticsearch` or `opensearch`. */
      elasticsearch: SearchStorage.optional(),
    })
    .prefault({}),
});
export type JaegerSection = z.infer<typeof JaegerSection>;
