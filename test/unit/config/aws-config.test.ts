/** The `aws` section: defaults that synthesize without an account, and one test per error message. */
import { ConfigError, loadProfile, resolveConfig } from '../../../config';
import { awsPlaceholders, storageClassKmsKeyArn } from '../../../config/aws-names';

function issues(input: unknown): string[] {
  try {
    resolveConfig(input, 'test');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('aws configuration', () => {
  it('defaults to placeholders that cannot be mistaken for a real account, all listed', () => {
    expect(awsPlaceholders(loadProfile('default')).map((p) => p.path)).toEqual([
      'cluster.accountId',
      'aws.oidcIssuerUrl',
      'aws.lambdaNetwork.subnetIds.0',
      'aws.lambdaNetwork.subnetIds.1',
      'aws.lambdaNetwork.securityGroupIds.0',
      'aws.backup.grafanaTokenSecretArn',
      'aws.notifications',
    ]);
  });

  it('refuses every placeholder when requireRealValues is on', () => {
    const found = issues({ aws: { requireRealValues: true, notifications: { emails: ['ops@example.com'] } } });
    expect(found).toContain('cluster.accountId: (unset) is a placeholder and aws.requireRealValues is on; set the 12-digit ID of the account the stack deploys to');
    expect(found).toContain('aws.lambdaNetwork.subnetIds.0: subnet-00000000000000000 is a placeholder and aws.requireRealValues is on; set private subnets of the cluster VPC');
    expect(found).toContain('aws.notifications.emails.0: ops@example.com is a placeholder and aws.requireRealValues is on; use a real mailbox');
    expect(found).toHaveLength(7);
  });

  it('requires the S3 backend settings when the backend is s3', () => {
    expect(issues({ aws: { backend: { type: 's3' } } })).toEqual(['aws.backend.s3: aws.backend.type is "s3" but aws.backend.s3 is missing; give the state bucket and the DynamoDB lock table']);
  });

  it('refuses an Object Lock longer than the expiry', () => {
    expect(issues({ aws: { buckets: { expireAfterDays: 30, objectLock: { enabled: true, days: 60 } } } })).toEqual([
      'aws.buckets.objectLock.days: 60 is longer than aws.buckets.expireAfterDays (30); locked versions would outlive their expiry. Use at most 30 days',
    ]);
  });

  it('refuses volume zones outside the cluster region', () => {
    expect(issues({ aws: { volumes: { enabled: true, availabilityZones: ['us-east-1a'] } } })).toEqual(['aws.volumes.availabilityZones.0: "us-east-1a" is not in cluster.region (eu-west-1); EBS volumes must be in the cluster\'s zones']);
  });

  it('refuses a block age a healthy sidecar cannot meet', () => {
    expect(issues({ aws: { prometheusBlocks: { maxBlockAge: '2h' } } })[0]).toMatch(/^aws.prometheusBlocks.maxBlockAge: 2h is shorter than 4h; Prometheus writes a 2-hour block only once its head spans 3 hours/);
  });

  it('refuses a duration alarm that would fire on every run', () => {
    expect(issues({ aws: { backup: { timeoutSeconds: 30 }, alarms: { lambdaDurationShareOfTimeout: 0.3 } } })).toEqual([
      'aws.alarms.lambdaDurationShareOfTimeout: 0.3 of aws.backup.timeoutSeconds (30) is under 10 seconds; the duration alarm would fire on every run',
    ]);
  });

  it('refuses malformed values with the field named', () => {
    expect(issues({ aws: { lambdaNetwork: { subnetIds: ['subnet-xyz'] }, logRetentionDays: 10, notifications: { webhooks: ['https://hooks.example.net/x?token=abc'] } } })).toEqual([
      'aws.lambdaNetwork.subnetIds.0: "subnet-xyz" is not a subnet ID such as "subnet-0a1b2c3d4e5f60718"',
      'aws.logRetentionDays: 10 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
      'aws.notifications.webhooks.0: "https://hooks.example.net/x?token=abc" carries a credential (user info or a token parameter); Terraform state would hold it. Authenticate the endpoint another way (e.g. verify the SNS message signature)',
    ]);
  });

  it('encrypts the StorageClass with the stack key unless another key is named', () => {
    expect(storageClassKmsKeyArn(loadProfile('default'))).toBe('arn:aws:kms:eu-west-1:000000000000:alias/monitoring');
    expect(storageClassKmsKeyArn(resolveConfig({ storage: { kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' } }, 't'))).toBe('arn:aws:kms:eu-west-1:123456789012:key/abc');
    expect(storageClassKmsKeyArn(resolveConfig({ aws: { kms: { useForStorageClass: false } } }, 't'))).toBeUndefined();
  });
});
