/**
 * Cross-field checks of the `aws` section, registered in CONFIG_CHECKS.
 * Each returns the problems it finds, with the field and the fix.
 */
import { awsPlaceholders } from './aws-names';
import type { ConfigIssue } from './errors';
import type { MonitoringConfig } from './schema';
import { durationToSeconds } from './units';

type ConfigCheck = (config: MonitoringConfig) => ConfigIssue[];

/** Blocks are cut when the head spans 3h and cover 2h; a younger threshold would fail every healthy run. */
export const MIN_BLOCK_AGE_SECONDS = 4 * 3600;

export const checkAwsPlaceholders: ConfigCheck = (config) =>
  config.aws.requireRealValues
    ? awsPlaceholders(config).map((p) => ({ path: p.path, message: `${p.value} is a placeholder and aws.requireRealValues is on; ${p.fix}` }))
    : [];

export const checkAwsBackend: ConfigCheck = ({ aws }) =>
  aws.backend.type === 's3' && !aws.backend.s3
    ? [{ path: 'aws.backend.s3', message: 'aws.backend.type is "s3" but aws.backend.s3 is missing; give the state bucket and the DynamoDB lock table' }]
    : [];

export const checkObjectLockWithinExpiry: ConfigCheck = ({ aws }) => {
  const { objectLock, expireAfterDays } = aws.buckets;
  return objectLock.enabled && objectLock.days > expireAfterDays
    ? [{ path: 'aws.buckets.objectLock.days', message: `${objectLock.days} is longer than aws.buckets.expireAfterDays (${expireAfterDays}); locked versions would outlive their expiry. Use at most ${expireAfterDays} days` }]
    : [];
};

export const checkVolumeZonesInRegion: ConfigCheck = ({ aws, cluster }) =>
  aws.volumes.enabled
    ? aws.volumes.availabilityZones
        .map((zone, i) => ({ zone, i }))
        .filter(({ zone }) => !zone.startsWith(cluster.region))
        .map(({ zone, i }) => ({ path: `aws.volumes.availabilityZones.${i}`, message: `"${zone}" is not in cluster.region (${cluster.region}); EBS volumes must be in the cluster's zones` }))
    : [];

export const checkBlockAge: ConfigCheck = ({ aws }) =>
  aws.prometheusBlocks.enabled && durationToSeconds(aws.prometheusBlocks.maxBlockAge) < MIN_BLOCK_AGE_SECONDS
    ? [{ path: 'aws.prometheusBlocks.maxBlockAge', message: `${aws.prometheusBlocks.maxBlockAge} is shorter than 4h; Prometheus writes a 2-hour block only once its head spans 3 hours, so a healthy replica's newest block is up to ~3h old. Use at least 4h` }]
    : [];

export const checkLambdaDurationAlarm: ConfigCheck = ({ aws }) =>
  aws.backup.timeoutSeconds * aws.alarms.lambdaDurationShareOfTimeout < 10
    ? [{ path: 'aws.alarms.lambdaDurationShareOfTimeout', message: `${aws.alarms.lambdaDurationShareOfTimeout} of aws.backup.timeoutSeconds (${aws.backup.timeoutSeconds}) is under 10 seconds; the duration alarm would fire on every run` }]
    : [];

export const AWS_CONFIG_CHECKS: readonly ConfigCheck[] = [checkAwsPlaceholders, checkAwsBackend, checkObjectLockWithinExpiry, checkVolumeZonesInRegion, checkBlockAge, checkLambdaDurationAlarm];
