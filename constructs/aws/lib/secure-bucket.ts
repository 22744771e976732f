/**
 * What every bucket of the stack gets, whatever it holds: versioning, all
 * four public-access blocks, BucketOwnerEnforced (ACLs off), and a bucket
 * policy that refuses requests without TLS. `@cdktf/provider-aws` buckets
 * have none of these by default; the policy suite checks each one.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { Construct } from 'constructs';
import type { AccessLogBucket } from '../access-log-bucket';
import { denyInsecureTransport, PolicyDocument } from './iam';

export interface SecureBucketParts {
  readonly bucket: S3Bucket;
  readonly policy: PolicyDocument;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
}

/** S3 bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit. */
export function checkBucketName(construct: string, name: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..')) {
    throw new Error(`${construct}: 'bucketName' ("${name}") is not a valid S3 bucket name; use 3-63 lower-case letters, digits, "." and "-"`);
  }
}

/** The bucket with the settings every bucket needs; callers add encryption, lifecycle and logging. */
export function secureBucket(scope: Construct, name: string, options: { objectLock?: boolean; forceDestroy?: boolean; tags?: Record<string, string> }): SecureBucketParts {
  const bucket = new S3Bucket(scope, 'bucket', { bucket: name, objectLockEnabled: options.objectLock || undefined, forceDestroy: options.forceDestroy ?? false, tags: options.tags });
  new S3BucketVersioningA(scope, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, 'ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  const policy = new PolicyDocument(scope, 'policy', [denyInsecureTransport(['s3:*'], [bucket.arn, `${bucket.arn}/*`])]);
  // The public-access block first: with BlockPublicPolicy on, a racing policy update is refused otherwise.
  new S3BucketPolicy(scope, 'bucket-policy', { bucket: bucket.id, policy: policy.json, dependsOn: [publicAccessBlock] });
  return { bucket, policy, publicAccessBlock };
}

/** Default encryption with a customer KMS key; the bucket key cuts KMS calls from one per object to one per batch. */
export function encryptWithKmsKey(scope: Construct, bucket: S3Bucket, kmsKeyArn: string): void {
  new S3BucketServerSideEncryptionConfigurationA(scope, 'encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true }],
  });
}

/** One lifecycle rule over the whole bucket: current objects, non-current versions and abandoned multipart uploads all expire. */
export function expireObjects(scope: Construct, bucket: S3Bucket, rule: { id: string; expireAfterDays: number; noncurrentVersionsAfterDays: number; abortMultipartAfterDays: number }): void {
  new S3BucketLifecycleConfiguration(scope, 'lifecycle', {
    bucket: bucket.id,
    rule: [
      {
        id: rule.id,
        status: 'Enabled',
        filter: [{ prefix: '' }],
        expiration: [{ days: rule.expireAfterDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: rule.noncurrentVersionsAfterDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: rule.abortMultipartAfterDays }],
      },
    ],
  });
}

/** Server access logs of `bucket` into the access-log bucket, under `s3-access/<name>/`. */
export function logAccessTo(scope: Construct, bucket: S3Bucket, name: string, accessLogs: AccessLogBucket): void {
  accessLogs.allowLogsFrom(bucket.arn);
  new S3BucketLoggingA(scope, 'logging', { bucket: bucket.id, targetBucket: accessLogs.bucket.id, targetPrefix: `s3-access/${name}/` });
}
