/**
 * The target of the backup bucket's server access logs. S3 delivers access
 * logs only to buckets encrypted with SSE-S3 (SSE-KMS is not supported for
 * log delivery), so this one bucket uses AES256; it holds request logs,
 * not backups. Delivery is allowed by bucket policy to the logging service
 * for the named source buckets only (ACL-based delivery is off with
 * BucketOwnerEnforced).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import type { ArnContext, PolicyDocument } from './lib/iam';
import { checkBucketName, secureBucket } from './lib/secure-bucket';

export interface AccessLogBucketProps {
  readonly bucketName: string;
  readonly context: ArnContext;
  /** Days logs are kept. @default 365 */
  readonly expireAfterDays?: number;
  /** Days overwritten or deleted log versions are kept. @default 30 */
  readonly noncurrentVersionsAfterDays?: number;
  /** @default 7 */
  readonly abortMultipartAfterDays?: number;
  readonly tags?: Record<string, string>;
}

export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: PolicyDocument;
  readonly bucketName: string;
  private readonly sources: string[] = [];

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    checkBucketName('AccessLogBucket', props.bucketName);
    this.bucketName = props.bucketName;
    const parts = secureBucket(this, props.bucketName, { tags: props.tags });
    this.bucket = parts.bucket;
    this.policy = parts.policy;
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.expireAfterDays ?? 365 }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionsAfterDays ?? 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortMultipartAfterDays ?? 7 }],
        },
      ],
    });
    const ctx = props.context;
    this.policy.add({
      sid: 'S3ServerAccessLogsDelivery',
      actions: ['s3:PutObject'],
      resources: [`${this.bucket.arn}/*`],
      principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
      conditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ctx.accountId] },
        { test: 'ArnLike', variable: 'aws:SourceArn', values: this.sources },
      ],
    });
    this.node.addValidation({ validate: () => (this.sources.length === 0 ? [`AccessLogBucket ${props.bucketName}: no bucket logs here; call allowLogsFrom(bucketArn) or remove it`] : []) });
  }

  /** Let S3 deliver the access logs of `sourceBucketArn` here. */
  allowLogsFrom(sourceBucketArn: string): void {
    this.sources.push(sourceBucketArn);
  }
}
