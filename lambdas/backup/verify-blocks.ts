/**
 * Step 1: the Prometheus block backups are there and recent. The newest
 * block of each replica (by meta.json's maxTime) must have ended at most
 * `maxAgeSeconds` ago and be complete (meta.json, index, chunks, sizes as
 * recorded). An empty bucket, a missing replica or a stale replica fails
 * the step with the reason.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Deadline } from '../shared/deadline';
import { blockFileProblems, type BlockMeta, listBlockFiles, listBlockIds, readBlockMeta, ulidTime } from './blocks';

export interface ReplicaBlock {
  readonly replica: string;
  readonly ulid: string;
  readonly minTime: string;
  readonly maxTime: string;
  readonly ageSeconds: number;
  readonly bytes: number;
  readonly numSamples?: number;
}

export interface BlockVerification {
  /** Block directories under the prefix (complete or still uploading). */
  readonly blocksListed: number;
  /** meta.json files read to find each replica's newest block. */
  readonly metasRead: number;
  readonly newest: ReplicaBlock[];
  /** Why the step fails; empty when it passes. */
  readonly problems: string[];
}

export interface VerifyBlocksOptions {
  readonly bucket: string;
  readonly prefix: string;
  readonly expectedReplicas: readonly string[];
  readonly maxAgeSeconds: number;
  readonly replicaLabel: string;
  readonly now: Date;
  readonly deadline?: Deadline;
  /** Cap on meta.json reads when no replica list is given. @default 50 */
  readonly maxMetaReads?: number;
}

const UNLABELLED = '(no replica label)';

export async function verifyBlocks(s3: S3Client, options: VerifyBlocksOptions): Promise<BlockVerification> {
  const ids = await listBlockIds(s3, { bucket: options.bucket, prefix: options.prefix, deadline: options.deadline });
  const where = `s3://${options.bucket}/${options.prefix}/`;
  if (ids.length === 0) {
    return { blocksListed: 0, metasRead: 0, newest: [], problems: [`no Prometheus blocks under ${where}: the Thanos sidecar has uploaded nothing (check its logs, the IRSA role and the bucket name in its objstore config)`] };
  }
  const newestByReplica = await findNewestPerReplica(s3, ids, options);
  const problems: string[] = [];
  const newest: ReplicaBlock[] = [];
  const expected = options.expectedReplicas.length > 0 ? [...options.expectedReplicas] : [...newestByReplica.metas.keys()];
  if (expected.length === 0) problems.push(`${ids.length} block directories under ${where} but none has a meta.json yet: every upload is incomplete`);
  for (const replica of expected) {
    const meta = newestByReplica.metas.get(replica);
    if (!meta) {
      problems.push(`replica ${replica} has no block under ${where}${options.expectedReplicas.length > 0 ? ` (found: ${[...newestByReplica.metas.keys()].join(', ') || 'none'})` : ''}`);
      continue;
    }
    const files = await listBlockFiles(s3, { bucket: options.bucket, prefix: options.prefix, ulid: meta.ulid, deadline: options.deadline });
    const ageSeconds = Math.round((options.now.getTime() - meta.maxTime) / 1000);
    newest.push({
      replica,
      ulid: meta.ulid,
      minTime: new Date(meta.minTime).toISOString(),
      maxTime: new Date(meta.maxTime).toISOString(),
      ageSeconds,
      bytes: files.reduce((sum, f) => sum + f.size, 0),
      numSamples: meta.numSamples,
    });
    for (const problem of blockFileProblems(meta, files)) problems.push(`replica ${replica} block ${meta.ulid}: ${problem}`);
    if (ageSeconds > options.maxAgeSeconds) {
      problems.push(`replica ${replica}: newest block ${meta.ulid} ended ${formatAge(ageSeconds)} ago (${new Date(meta.maxTime).toISOString()}), older than the ${formatAge(options.maxAgeSeconds)} allowed; the sidecar has stopped uploading`);
    }
  }
  return { blocksListed: ids.length, metasRead: newestByReplica.metasRead, newest, problems };
}

/**
 * Read meta.json from the newest ULID down until every expected replica
 * is found. ULIDs are made when Prometheus writes a block, so the first
 * block met per replica is, within minutes, its newest; the maxTime
 * comparison settles ties among the ones read.
 */
async function findNewestPerReplica(s3: S3Client, ids: string[], options: VerifyBlocksOptions): Promise<{ metas: Map<string, BlockMeta>; metasRead: number }> {
  const metas = new Map<string, BlockMeta>();
  const wanted = new Set(options.expectedReplicas);
  const cap = options.expectedReplicas.length > 0 ? ids.length : (options.maxMetaReads ?? 50);
  let metasRead = 0;
  let oldestFoundCreation = Number.POSITIVE_INFINITY;
  for (const ulid of ids) {
    if (metasRead >= cap) break;
    // Once every wanted replica is found, a block made 3h+ before the newest found cannot be newer.
    if (wanted.size > 0 && [...wanted].every((r) => metas.has(r)) && ulidTime(ulid) < oldestFoundCreation - 3 * 3600_000) break;
    const meta = await readBlockMeta(s3, { bucket: options.bucket, prefix: options.prefix, ulid, deadline: options.deadline });
    metasRead++;
    if (!meta) continue;
    const replica = meta.labels[options.replicaLabel] ?? UNLABELLED;
    const current = metas.get(replica);
    if (!current || meta.maxTime > current.maxTime) metas.set(replica, meta);
    if (!current) oldestFoundCreation = Math.min(oldestFoundCreation, ulidTime(ulid));
  }
  return { metas, metasRead };
}

/** `93784` -> `1d2h3m`. */
export function formatAge(seconds: number): string {
  const units: Array<[string, number]> = [['d', 86400], ['h', 3600], ['m', 60]];
  let rest = Math.max(0, Math.round(seconds));
  const parts = units.flatMap(([unit, size]) => {
    const count = Math.floor(rest / size);
    rest -= count * size;
    return count > 0 ? [`${count}${unit}`] : [];
  });
  return parts.length > 0 ? parts.join('') : `${rest}s`;
}
