/**
 * The AWS names Loki's object storage uses, derived once from the
 * configuration so the manifests (bucket, region, key, the role on the
 * ServiceAccount) and the AWS stack that creates the bucket and the IRSA
 * role agree.
 */
import { awsNames } from './aws-names';
import type { MonitoringConfig } from './schema';

/** The Loki ServiceAccount (`Loki.NAME` on the Kubernetes side; a test keeps the two equal). */
export const LOKI_SERVICE_ACCOUNT = 'loki';

export interface LokiS3Names {
  readonly bucket: string;
  readonly region: string;
  readonly roleName: string;
  readonly roleArn: string;
  /** Key for SSE-KMS: `loki.storage.s3.kmsKeyArn`, else the stack's key by alias ARN. */
  readonly kmsKeyArn: string;
  /** The ServiceAccount the role's trust policy must name. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/** Loki's S3 names for a configuration (placeholders where the default profile has no account). */
export function lokiS3Names(config: MonitoringConfig): LokiS3Names {
  const aws = awsNames(config);
  const s3 = config.loki.storage.s3;
  const roleName = `${config.cluster.name}-loki`;
  return {
    bucket: s3.bucket ?? `${config.cluster.name}-loki-${aws.accountId}`,
    region: config.cluster.region,
    roleName,
    roleArn: s3.roleArn ?? `arn:${aws.partition}:iam::${aws.accountId}:role/${roleName}`,
    kmsKeyArn: s3.kmsKeyArn ?? aws.kmsAliasArn,
    serviceAccount: { namespace: config.namespaces.monitoring, name: LOKI_SERVICE_ACCOUNT },
  };
}
