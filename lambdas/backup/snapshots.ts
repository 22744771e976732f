/**
 * Step 3: an EBS snapshot of every volume tagged for backup, once per day,
 * and removal of this Lambda's own snapshots older than the retention.
 * Snapshots are tagged as ours (`monitoring.backup/managed-by`), with the
 * cluster and the day; only snapshots carrying those tags are ever
 * deleted, and a second run on the same day reuses the day's snapshot.
 * Snapshots complete in the background: the manifest records them as
 * started (their state), not as finished.
 */
import {
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  type EC2Client,
  type Snapshot,
  type Volume,
} from '@aws-sdk/client-ec2';
import { Deadline } from '../shared/deadline';

export const MANAGED_BY_TAG = 'monitoring.backup/managed-by';
export const MANAGED_BY_VALUE = 'backup-lambda';
export const CLUSTER_TAG = 'monitoring.backup/cluster';
export const DATE_TAG = 'monitoring.backup/date';

export interface SnapshotOptions {
  readonly tagKey: string;
  readonly tagValue: string;
  readonly retentionDays: number;
  readonly clusterName: string;
  /** The backup day, `YYYY-MM-DD`. */
  readonly date: string;
  readonly now: Date;
  readonly deadline: Deadline;
}

export interface SnapshotResult {
  readonly volumes: number;
  readonly created: Array<{ volumeId: string; snapshotId: string; state: string }>;
  readonly reused: Array<{ volumeId: string; snapshotId: string; state: string }>;
  readonly deleted: string[];
}

export async function snapshotVolumes(ec2: EC2Client, options: SnapshotOptions): Promise<SnapshotResult> {
  const volumes = await describeAll<Volume>(async (NextToken) => {
    const page = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: `tag:${options.tagKey}`, Values: [options.tagValue] }], NextToken }), { abortSignal: options.deadline.signal() });
    return { items: page.Volumes ?? [], next: page.NextToken };
  });
  const ours = await describeAll<Snapshot>(async (NextToken) => {
    const page = await ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [
          { Name: `tag:${MANAGED_BY_TAG}`, Values: [MANAGED_BY_VALUE] },
          { Name: `tag:${CLUSTER_TAG}`, Values: [options.clusterName] },
        ],
        NextToken,
      }),
      { abortSignal: options.deadline.signal() },
    );
    return { items: page.Snapshots ?? [], next: page.NextToken };
  });
  const created: SnapshotResult['created'] = [];
  const reused: SnapshotResult['reused'] = [];
  for (const volume of volumes) {
    const volumeId = volume.VolumeId!;
    const today = ours.find((s) => s.VolumeId === volumeId && tagOf(s, DATE_TAG) === options.date && s.State !== 'error');
    if (today) {
      reused.push({ volumeId, snapshotId: today.SnapshotId!, state: today.State ?? 'unknown' });
      continue;
    }
    const snapshot = await ec2.send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        Description: `monitoring backup of ${volumeId} (${options.clusterName}, ${options.date})`,
        TagSpecifications: [
          {
            ResourceType: 'snapshot',
            Tags: [
              { Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE },
              { Key: CLUSTER_TAG, Value: options.clusterName },
              { Key: DATE_TAG, Value: options.date },
              { Key: 'Name', Value: `${tagOf(volume, 'Name') ?? volumeId}-${options.date}` },
            ],
          },
        ],
      }),
      { abortSignal: options.deadline.signal() },
    );
    created.push({ volumeId, snapshotId: snapshot.SnapshotId!, state: snapshot.State ?? 'pending' });
  }
  const cutoff = options.now.getTime() - options.retentionDays * 86_400_000;
  const expired = ours.filter((s) => s.StartTime !== undefined && new Date(s.StartTime).getTime() < cutoff && tagOf(s, MANAGED_BY_TAG) === MANAGED_BY_VALUE);
  const deleted: string[] = [];
  for (const snapshot of expired) {
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshot.SnapshotId! }), { abortSignal: options.deadline.signal() });
    deleted.push(snapshot.SnapshotId!);
  }
  return { volumes: volumes.length, created, reused, deleted };
}

async function describeAll<T>(fetchPage: (next: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined;
  do {
    const page = await fetchPage(next);
    items.push(...page.items);
    next = page.next;
  } while (next);
  return items;
}

function tagOf(resource: { Tags?: Array<{ Key?: string; Value?: string }> }, key: string): string | undefined {
  return resource.Tags?.find((t) => t.Key === key)?.Value;
}
