/** S3: every bucket encrypted, versioned, private, TLS-only, expiring, logged and owner-enforced. */
import type { PolicyRule, Violation } from '../types';
import { attachedTo, block, isCustomerKey, type Resource, resources, statementsOf, type TerraformOutput } from './model';

type AwsRule = PolicyRule<TerraformOutput>;

function perBucket(id: string, check: (output: TerraformOutput, bucket: Resource) => string | undefined): AwsRule['check'] {
  return (output) =>
    resources(output, 'aws_s3_bucket').flatMap((bucket): Violation[] => {
      const message = check(output, bucket);
      return message ? [{ rule: id, subject: `${bucket.address} (${bucket.values.bucket})`, message }] : [];
    });
}

/** Buckets that receive server access logs (S3 delivers those only to SSE-S3 buckets). */
function isLogTarget(output: TerraformOutput, bucket: Resource): boolean {
  return resources(output, 'aws_s3_bucket_logging').some((l) => String(l.values.target_bucket).includes(`${bucket.address}.`));
}

export const s3EncryptionCustomerKey: AwsRule = {
  id: 's3-encryption-customer-key',
  description: 'Every bucket has default encryption with SSE-KMS under a customer key and the bucket key on; the only exception is an access-log target, which S3 requires to use SSE-S3.',
  check: perBucket('s3-encryption-customer-key', (output, bucket) => {
    const config = attachedTo(output, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket', bucket)[0];
    if (!config) return 'no default encryption configuration';
    const rule = block(config.values.rule);
    const sse = block(rule?.apply_server_side_encryption_by_default);
    if (isLogTarget(output, bucket)) return sse?.sse_algorithm === 'AES256' ? undefined : 'access-log target must use SSE-S3 (AES256): S3 cannot deliver logs to SSE-KMS buckets';
    if (sse?.sse_algorithm !== 'aws:kms' || !isCustomerKey(sse?.kms_master_key_id)) return `default encryption is ${sse?.sse_algorithm ?? 'none'} without a customer key; use aws:kms with the stack's key`;
    if (rule?.bucket_key_enabled !== true) return 'bucket key is off; every object request would call KMS';
    return undefined;
  }),
};

export const s3Versioning: AwsRule = {
  id: 's3-versioning',
  description: 'Every bucket has versioning enabled, so an overwrite or delete keeps the previous version.',
  check: perBucket('s3-versioning', (output, bucket) =>
    attachedTo(output, 'aws_s3_bucket_versioning', 'bucket', bucket).some((v) => block(v.values.versioning_configuration)?.status === 'Enabled') ? undefined : 'versioning is not enabled',
  ),
};

export const s3PublicAccessBlock: AwsRule = {
  id: 's3-public-access-block',
  description: 'Every bucket has all four public access blocks on.',
  check: perBucket('s3-public-access-block', (output, bucket) => {
    const pab = attachedTo(output, 'aws_s3_bucket_public_access_block', 'bucket', bucket)[0]?.values;
    const off = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].filter((k) => pab?.[k] !== true);
    return off.length ? `public access block missing or off: ${off.join(', ')}` : undefined;
  }),
};

export const s3TlsOnly: AwsRule = {
  id: 's3-tls-only',
  description: 'Every bucket policy denies every request made without TLS (aws:SecureTransport false) on the bucket and its objects.',
  check: perBucket('s3-tls-only', (output, bucket) => {
    const policies = attachedTo(output, 'aws_s3_bucket_policy', 'bucket', bucket);
    const denies = policies.flatMap((p) => statementsOf(output, p.values.policy)).some(
      (s) =>
        s.effect === 'Deny' &&
        s.actions.some((a) => a === 's3:*') &&
        s.conditions.some((c) => c.test === 'Bool' && c.variable === 'aws:SecureTransport' && c.values.includes('false')) &&
        s.resources.some((r) => r.includes(`${bucket.address}.arn}/*`)) &&
        s.resources.some((r) => r === `\${${bucket.address}.arn}`),
    );
    return denies ? undefined : 'no bucket policy statement denies non-TLS requests to the bucket and its objects';
  }),
};

export const s3Lifecycle: AwsRule = {
  id: 's3-lifecycle',
  description: 'Every bucket has an enabled lifecycle rule that expires objects, expires non-current versions and aborts incomplete multipart uploads.',
  check: perBucket('s3-lifecycle', (output, bucket) => {
    const rules = attachedTo(output, 'aws_s3_bucket_lifecycle_configuration', 'bucket', bucket).flatMap((l) => l.values.rule ?? []).filter((r: { status?: string }) => r.status === 'Enabled');
    const missing = [
      ['expiration', (r: Record<string, unknown>) => block(r.expiration)?.days],
      ['non-current version expiration', (r: Record<string, unknown>) => block(r.noncurrent_version_expiration)?.noncurrent_days],
      ['incomplete multipart upload abort', (r: Record<string, unknown>) => block(r.abort_incomplete_multipart_upload)?.days_after_initiation],
    ].filter(([, get]) => !rules.some((r: Record<string, unknown>) => (get as (r: Record<string, unknown>) => unknown)(r) !== undefined)).map(([name]) => name);
    return missing.length ? `lifecycle lacks ${missing.join(', ')}` : undefined;
  }),
};

export const s3AccessLogging: AwsRule = {
  id: 's3-access-logging',
  description: 'Every bucket except access-log targets sends server access logs to another bucket.',
  check: perBucket('s3-access-logging', (output, bucket) => {
    if (isLogTarget(output, bucket)) return undefined;
    const logging = attachedTo(output, 'aws_s3_bucket_logging', 'bucket', bucket)[0];
    if (!logging) return 'no server access logging';
    return String(logging.values.target_bucket).includes(`${bucket.address}.`) ? 'logs to itself' : undefined;
  }),
};

export const s3OwnershipEnforced: AwsRule = {
  id: 's3-ownership-enforced',
  description: 'Every bucket has object ownership BucketOwnerEnforced: ACLs are off and the account owns every object.',
  check: perBucket('s3-ownership-enforced', (output, bucket) =>
    attachedTo(output, 'aws_s3_bucket_ownership_controls', 'bucket', bucket).some((o) => block(o.values.rule)?.object_ownership === 'BucketOwnerEnforced') ? undefined : 'object ownership is not BucketOwnerEnforced',
  ),
};

export const S3_RULES: readonly AwsRule[] = [s3EncryptionCustomerKey, s3Versioning, s3PublicAccessBlock, s3TlsOnly, s3Lifecycle, s3AccessLogging, s3OwnershipEnforced];
