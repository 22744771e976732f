/**
 * The backup Lambda's settings, read from its environment exactly as AWS
 * sets it (the stack writes these variables; the local runner builds the
 * same map from its flags). No variable holds a secret: the Grafana token
 * is a Secrets Manager ARN.
 */
import { EnvReader } from '../shared/env';

export interface BackupSettings {
  readonly clusterName: string;
  readonly region: string;
  readonly bucket: string;
  /** Key ARN (or alias ARN) for SSE-KMS of everything written. */
  readonly kmsKeyArn: string;
  readonly blocks: {
    /** Key prefix of the sidecar's blocks, without slashes. */
    readonly prefix: string;
    /** Replicas that must each have a recent block (`prometheus-0,...`); empty: whatever is there. */
    readonly expectedReplicas: string[];
    readonly maxAgeSeconds: number;
    /** External label that names the replica in each block's meta.json. */
    readonly replicaLabel: string;
  };
  readonly grafana: { readonly url: string; readonly tokenSecretArn: string };
  readonly alertmanagerUrl: string;
  readonly pushgatewayUrl: string;
  readonly snapshots: { readonly enabled: boolean; readonly tagKey: string; readonly tagValue: string; readonly retentionDays: number };
  readonly cloudWatch: { readonly enabled: boolean; readonly namespace: string };
  /** Timeout of one HTTP request to Grafana, Alertmanager or the Pushgateway. */
  readonly httpTimeoutMs: number;
  /** S3-compatible endpoint (local runs and tests); unset in AWS. */
  readonly s3Endpoint?: string;
  /** EC2 endpoint (tests); unset in AWS. */
  readonly ec2Endpoint?: string;
}

/** The environment variables, by setting; the stack writes exactly these. */
export const BACKUP_ENV = {
  clusterName: 'CLUSTER_NAME',
  region: 'AWS_REGION',
  bucket: 'BACKUP_BUCKET',
  kmsKeyArn: 'BACKUP_KMS_KEY_ARN',
  blocksPrefix: 'BLOCKS_PREFIX',
  blocksExpectedReplicas: 'BLOCKS_EXPECTED_REPLICAS',
  blocksMaxAge: 'BLOCKS_MAX_AGE',
  blocksReplicaLabel: 'BLOCKS_REPLICA_LABEL',
  grafanaUrl: 'GRAFANA_URL',
  grafanaTokenSecretArn: 'GRAFANA_TOKEN_SECRET_ARN',
  alertmanagerUrl: 'ALERTMANAGER_URL',
  pushgatewayUrl: 'PUSHGATEWAY_URL',
  snapshotsEnabled: 'SNAPSHOTS_ENABLED',
  snapshotTagKey: 'SNAPSHOT_TAG_KEY',
  snapshotTagValue: 'SNAPSHOT_TAG_VALUE',
  snapshotRetentionDays: 'SNAPSHOT_RETENTION_DAYS',
  cloudWatchEnabled: 'CLOUDWATCH_METRICS_ENABLED',
  metricNamespace: 'METRIC_NAMESPACE',
  httpTimeoutMs: 'HTTP_TIMEOUT_MS',
  s3Endpoint: 'S3_ENDPOINT',
  ec2Endpoint: 'EC2_ENDPOINT',
} as const;

/** Read and check every setting; throws an `EnvError` naming each missing or bad variable. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): BackupSettings {
  const e = new EnvReader(env);
  const E = BACKUP_ENV;
  const settings: BackupSettings = {
    clusterName: e.string(E.clusterName),
    region: e.string(E.region),
    bucket: e.string(E.bucket),
    kmsKeyArn: e.arn(E.kmsKeyArn, 'kms'),
    blocks: {
      prefix: (e.optionalString(E.blocksPrefix) ?? 'prometheus').replace(/^\/+|\/+$/g, ''),
      expectedReplicas: e.list(E.blocksExpectedReplicas),
      maxAgeSeconds: e.durationSeconds(E.blocksMaxAge, '6h'),
      replicaLabel: e.optionalString(E.blocksReplicaLabel) ?? 'replica',
    },
    grafana: { url: e.url(E.grafanaUrl), tokenSecretArn: e.arn(E.grafanaTokenSecretArn, 'secretsmanager') },
    alertmanagerUrl: e.url(E.alertmanagerUrl),
    pushgatewayUrl: e.url(E.pushgatewayUrl),
    snapshots: {
      enabled: e.bool(E.snapshotsEnabled, true),
      tagKey: e.optionalString(E.snapshotTagKey) ?? 'monitoring.backup',
      tagValue: e.optionalString(E.snapshotTagValue) ?? 'daily',
      retentionDays: e.int(E.snapshotRetentionDays, { fallback: 7, min: 1, max: 3650 }),
    },
    cloudWatch: { enabled: e.bool(E.cloudWatchEnabled, true), namespace: e.optionalString(E.metricNamespace) ?? 'Monitoring/Backup' },
    httpTimeoutMs: e.int(E.httpTimeoutMs, { fallback: 10_000, min: 100, max: 300_000 }),
    s3Endpoint: e.url(E.s3Endpoint, true),
    ec2Endpoint: e.url(E.ec2Endpoint, true),
  };
  if (settings.blocks.prefix === '') e.problem(`${E.blocksPrefix} is empty; the blocks need a prefix of their own, e.g. "prometheus"`);
  e.assertValid();
  return settings;
}
