/**
 * Loki's chunk and index store: a bucket of its own (Loki writes across
 * the whole key space: tenant folders, `index/`, the compactor's
 * `deletion/`), encrypted with the stack's key, versioned, private,
 * TLS-only, access-logged. Loki's compactor applies the retention; the
 * lifecycle is only the backstop and must expire objects later than the
 * compactor does, or it would delete chunks the index still points to.
 *
 * @see https://grafana.com/docs/loki/latest/operations/storage/retention/
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import type { AccessLogBucket } from './access-log-bucket';
import type { Grantable, PolicyDocument } from './lib/iam';
import { checkBucketName, secureBucket } from './lib/secure-bucket';

export interface LokiBucketProps {
  readonly bucketName: string;
  /** ARN of the KMS key for SSE-KMS (the stack's key). */
  readonly kmsKeyArn: string;
  readonly accessLogs: AccessLogBucket;
  /** Days Loki's compactor keeps logs (`loki.retentionDays`). */
  readonly retentionDays: number;
  /** Days the lifecycle waits beyond the retention before expiring an object. @default 7 */
  readonly lifecycleMarginDays?: number;
  /** Days deleted chunk versions are kept (the compactor's deletions become non-current versions). @default 7 */
  readonly noncurrentVersionsAfterDays?: number;
  /** @default 7 */
  readonly abortMultipartAfterDays?: number;
  readonly tags?: Record<string, string>;
}

export class LokiBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: PolicyDocument;
  readonly bucketName: string;
  readonly kmsKeyArn: string;
  /** Days after which the lifecycle expires an object: always beyond the retention. */
  readonly expireAfterDays: number;

  constructor(scope: Construct, id: string, props: LokiBucketProps) {
    super(scope, id);
    checkBucketName('LokiBucket', props.bucketName);
    const margin = props.lifecycleMarginDays ?? 7;
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) throw new Error(`LokiBucket: 'retentionDays' (${props.retentionDays}) must be a whole number of days, at least 1`);
    if (!Number.isInteger(margin) || margin < 1) {
      throw new Error(`LokiBucket: 'lifecycleMarginDays' (${margin}) must be at least 1; the lifecycle must expire objects after the compactor has deleted them, never before`);
    }
    this.bucketName = props.bucketName;
    this.kmsKeyArn = props.kmsKeyArn;
    this.expireAfterDays = props.retentionDays + margin;
    const parts = secureBucket(this, props.bucketName, { tags: props.tags });
    this.bucket = parts.bucket;
    this.policy = parts.policy;
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'backstop-after-retention',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: this.expireAfterDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionsAfterDays ?? 7 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortMultipartAfterDays ?? 7 }],
        },
      ],
    });
    props.accessLogs.allowLogsFrom(this.bucket.arn);
    new S3BucketLoggingA(this, 'logging', { bucket: this.bucket.id, targetBucket: props.accessLogs.bucket.id, targetPrefix: `s3-access/${props.bucketName}/` });
  }

  /**
   * What Loki needs and nothing more: list the bucket, read and write
   * objects, delete them (the compactor applies retention by deleting
   * chunks), and use the key.
   */
  grantLokiAccess(grantee: Grantable): void {
    grantee.addToPolicy({ sid: 'ListLokiBucket', actions: ['s3:ListBucket'], resources: [this.bucket.arn] });
    grantee.addToPolicy({ sid: 'ReadWriteDeleteLokiObjects', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${this.bucket.arn}/*`] });
    grantee.addToPolicy({ sid: 'UseLokiKey', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.kmsKeyArn] });
  }
}
