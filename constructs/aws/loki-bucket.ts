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
import { Construct } from 'constructs';
import type { AccessLogBucket } from './access-log-bucket';
import type { Grantable, PolicyDocument } from './lib/iam';
import { checkBucketName, encryptWithKmsKey, expireObjects, logAccessTo, secureBucket } from './lib/secure-bucket';

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
    encryptWithKmsKey(this, this.bucket, props.kmsKeyArn);
    expireObjects(this, this.bucket, {
      id: 'backstop-after-retention',
      expireAfterDays: this.expireAfterDays,
      noncurrentVersionsAfterDays: props.noncurrentVersionsAfterDays ?? 7,
      abortMultipartAfterDays: props.abortMultipartAfterDays ?? 7,
    });
    logAccessTo(this, this.bucket, props.bucketName, props.accessLogs);
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
