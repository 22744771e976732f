import { Testing, TerraformStack } from 'cdktf';
import { AccessLogBucket } from '../../../constructs/aws/access-log-bucket';
import { LokiBucket, type LokiBucketProps } from '../../../constructs/aws/loki-bucket';

function synth(overrides: Partial<LokiBucketProps> = {}): any {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const accessLogs = new AccessLogBucket(stack, 'logs', { bucketName: 'logs-bucket', context: { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' } });
  new LokiBucket(stack, 'loki', { bucketName: 'loki-chunks', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc', accessLogs, retentionDays: 30, ...overrides });
  return JSON.parse(Testing.synth(stack));
}

describe('LokiBucket', () => {
  it('matches the snapshot of its defaults', () => {
    expect(synth()).toMatchSnapshot();
  });

  it('is encrypted with the key, versioned, private and expires a margin after the retention', () => {
    const resources = synth({ retentionDays: 90, lifecycleMarginDays: 3 }).resource;
    const [lifecycle] = Object.values(resources.aws_s3_bucket_lifecycle_configuration).filter((r: any) => r.bucket.includes('loki')) as any[];
    expect(lifecycle.rule[0]).toMatchObject({ expiration: [{ days: 93 }], noncurrent_version_expiration: [{ noncurrent_days: 7 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] });
    const [sse] = Object.values(resources.aws_s3_bucket_server_side_encryption_configuration).filter((r: any) => r.bucket.includes('loki')) as any[];
    expect(sse.rule[0]).toEqual({ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:eu-west-1:123456789012:key/abc' }, bucket_key_enabled: true });
  });

  it.each([
    [{ retentionDays: 0 }, "LokiBucket: 'retentionDays' (0) must be a whole number of days, at least 1"],
    [{ lifecycleMarginDays: 0 }, "LokiBucket: 'lifecycleMarginDays' (0) must be at least 1; the lifecycle must expire objects after the compactor has deleted them, never before"],
    [{ bucketName: 'Loki_Chunks' }, 'LokiBucket: \'bucketName\' ("Loki_Chunks") is not a valid S3 bucket name'],
  ])('refuses %j', (overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });
});
