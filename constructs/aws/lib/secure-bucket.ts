/**
 * What every bucket of the stack gets, whatever it holds: versioning, all
 * four public-access blocks, BucketOwnerEnforced (ACLs off), and a bucket
 * policy that refuses requests without TLS. `@cdktf/provider-aws` buckets
 * have none of these by default; the policy suite checks each one.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { Construct } from 'constructs';
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
