/**
 * The backup bucket: SSE-KMS with the stack's key (bucket key on, so KMS
 * is called per object batch, not per request), versioning, all four
 * public-access blocks, BucketOwnerEnforced, a TLS-only policy, a
 * lifecycle (backups expire, old versions expire sooner, abandoned
 * multipart uploads are aborted), server access logging, and optional
 * Object Lock. Grants are methods: each writes the statements a role
 * needs for one prefix, and nothing wider.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { Construct } from 'constructs';
import type { AccessLogBucket } from './access-log-bucket';
import type { Grantable, PolicyDocument } from './lib/iam';
import { checkBucketName, encryptWithKmsKey, expireObjects, logAccessTo, secureBucket } from './lib/secure-bucket';

export interface BackupBucketProps {
  readonly bucketName: string;
  /** ARN of the customer KMS key for SSE-KMS. */
  readonly kmsKeyArn: string;
  /** Where server access logs go. */
  readonly accessLogs: AccessLogBucket;
  /** @default 90 */
  readonly expireAfterDays?: number;
  /** @default 30 */
  readonly noncurrentVersionsAfterDays?: number;
  /** @default 7 */
  readonly abortMultipartAfterDays?: number;
  /** Object Lock default retention. @default - no Object Lock */
  readonly objectLock?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days: number };
  readonly tags?: Record<string, string>;
}

/** A key prefix without slashes at either end: `prometheus`, `exports`. */
function checkPrefix(prefix: string): void {
  if (!/^[a-zA-Z0-9][-a-zA-Z0-9_.]*(\/[-a-zA-Z0-9_.]+)*$/.test(prefix)) {
    throw new Error(`BackupBucket: prefix "${prefix}" must be a key prefix without leading or trailing "/" or wildcards, e.g. "prometheus"`);
  }
}

export class BackupBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: PolicyDocument;
  readonly bucketName: string;
  readonly arn: string;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    checkBucketName('BackupBucket', props.bucketName);
    const expire = props.expireAfterDays ?? 90;
    const noncurrent = props.noncurrentVersionsAfterDays ?? 30;
    if (props.objectLock && props.objectLock.days > expire) {
      throw new Error(`BackupBucket: 'objectLock.days' (${props.objectLock.days}) exceeds 'expireAfterDays' (${expire}); locked versions would outlive their expiry`);
    }
    this.bucketName = props.bucketName;
    this.kmsKeyArn = props.kmsKeyArn;
    const parts = secureBucket(this, props.bucketName, { objectLock: props.objectLock !== undefined, tags: props.tags });
    this.bucket = parts.bucket;
    this.policy = parts.policy;
    this.arn = this.bucket.arn;
    encryptWithKmsKey(this, this.bucket, props.kmsKeyArn);
    expireObjects(this, this.bucket, { id: 'expire-backups', expireAfterDays: expire, noncurrentVersionsAfterDays: noncurrent, abortMultipartAfterDays: props.abortMultipartAfterDays ?? 7 });
    logAccessTo(this, this.bucket, props.bucketName, props.accessLogs);
    if (props.objectLock) {
      new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        bucket: this.bucket.id,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
      });
    }
  }

  /** List keys under the prefixes (s3:ListBucket limited by `s3:prefix`). */
  grantList(grantee: Grantable, prefixes: readonly string[], sid = 'ListBackupPrefixes'): void {
    prefixes.forEach(checkPrefix);
    grantee.addToPolicy({
      sid,
      actions: ['s3:ListBucket'],
      resources: [this.bucket.arn],
      conditions: [{ test: 'StringLike', variable: 's3:prefix', values: prefixes.flatMap((p) => [`${p}/`, `${p}/*`]) }],
    });
  }

  /** Read objects under a prefix, decrypting with the key. */
  grantRead(grantee: Grantable, prefix: string, sid: string): void {
    checkPrefix(prefix);
    grantee.addToPolicy({ sid, actions: ['s3:GetObject'], resources: [`${this.bucket.arn}/${prefix}/*`] });
  }

  /** Write (never delete) objects under a prefix, including multipart uploads. */
  grantWrite(grantee: Grantable, prefix: string, sid: string): void {
    checkPrefix(prefix);
    grantee.addToPolicy({ sid, actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: [`${this.bucket.arn}/${prefix}/*`] });
  }

  /** Use the bucket's key for SSE-KMS reads and writes (once per grantee). */
  grantKeyUse(grantee: Grantable, sid = 'UseBackupKey'): void {
    grantee.addToPolicy({ sid, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.kmsKeyArn] });
  }
}
