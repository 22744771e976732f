/**
 * Bringing Prometheus blocks back from the bucket into a data directory.
 * Each block is downloaded into a hidden temporary directory, checked
 * (meta.json parses and names the block, index and chunks are there, sizes
 * match what S3 and the sidecar recorded) and only then renamed to its
 * ULID, so Prometheus never sees half a block. Blocks already in the data
 * directory are left alone: running the command twice is safe.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { Deadline } from '../shared/deadline';
import { downloadToFile } from '../shared/s3';
import { blockFileProblems, type BlockMeta, isUlid, listBlockFiles, listBlockIds, readBlockMeta } from './blocks';

export interface RestoreOptions {
  readonly bucket: string;
  readonly prefix: string;
  /** Prometheus data directory (`--storage.tsdb.path`); created if missing. */
  readonly dataDir: string;
  /** Replica whose blocks to restore; required when the bucket holds several. */
  readonly replica?: string;
  readonly replicaLabel?: string;
  /** Only blocks overlapping [from, to). */
  readonly from?: Date;
  readonly to?: Date;
  /** Exactly these blocks (any replica). */
  readonly blocks?: readonly string[];
  /** List what would be restored, download nothing. */
  readonly dryRun?: boolean;
  readonly deadline?: Deadline;
  /** meta.json reads in parallel. @default 8 */
  readonly concurrency?: number;
  readonly onBlock?: (event: { ulid: string; action: 'restored' | 'present' | 'planned'; bytes: number }) => void;
}

export interface RestoredBlock {
  readonly ulid: string;
  readonly replica: string;
  readonly minTime: string;
  readonly maxTime: string;
  readonly bytes: number;
  readonly action: 'restored' | 'present' | 'planned';
}

export interface RestoreResult {
  readonly blocks: RestoredBlock[];
  readonly bytes: number;
  readonly seconds: number;
}

/** Refused input or a bucket that cannot satisfy it; the message lists what is available. */
export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

export async function restoreBlocks(s3: S3Client, options: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const replicaLabel = options.replicaLabel ?? 'replica';
  for (const id of options.blocks ?? []) if (!isUlid(id)) throw new RestoreError(`--blocks: "${id}" is not a block ID (a 26-character ULID)`);
  if (options.from && options.to && options.to <= options.from) throw new RestoreError(`--to (${options.to.toISOString()}) must be after --from (${options.from.toISOString()})`);

  const ids = options.blocks?.length ? [...options.blocks] : await listBlockIds(s3, { bucket: options.bucket, prefix: options.prefix, deadline: options.deadline });
  if (ids.length === 0) throw new RestoreError(`no blocks under s3://${options.bucket}/${options.prefix}/`);
  const metas = (await mapLimit(ids, options.concurrency ?? 8, (ulid) => readBlockMeta(s3, { bucket: options.bucket, prefix: options.prefix, ulid, deadline: options.deadline }))).filter((m): m is BlockMeta => m !== undefined);
  if (options.blocks?.length) {
    const missing = options.blocks.filter((id) => !metas.some((m) => m.ulid === id));
    if (missing.length) throw new RestoreError(`blocks not in s3://${options.bucket}/${options.prefix}/ (or still uploading): ${missing.join(', ')}`);
  }
  const selected = selectBlocks(metas, { ...options, replicaLabel });
  const restored: RestoredBlock[] = [];
  for (const meta of selected.sort((a, b) => a.minTime - b.minTime)) {
    const record = { ulid: meta.ulid, replica: meta.labels[replicaLabel] ?? '', minTime: new Date(meta.minTime).toISOString(), maxTime: new Date(meta.maxTime).toISOString() };
    if (await exists(join(options.dataDir, meta.ulid))) {
      restored.push({ ...record, bytes: 0, action: 'present' });
      options.onBlock?.({ ulid: meta.ulid, action: 'present', bytes: 0 });
      continue;
    }
    const files = await listBlockFiles(s3, { bucket: options.bucket, prefix: options.prefix, ulid: meta.ulid, deadline: options.deadline });
    const problems = blockFileProblems(meta, files);
    if (problems.length) throw new RestoreError(`block ${meta.ulid} is incomplete in the bucket: ${problems.join('; ')}`);
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    if (options.dryRun) {
      restored.push({ ...record, bytes, action: 'planned' });
      options.onBlock?.({ ulid: meta.ulid, action: 'planned', bytes });
      continue;
    }
    await downloadBlock(s3, meta.ulid, files, options);
    restored.push({ ...record, bytes, action: 'restored' });
    options.onBlock?.({ ulid: meta.ulid, action: 'restored', bytes });
  }
  return { blocks: restored, bytes: restored.reduce((sum, b) => sum + b.bytes, 0), seconds: (Date.now() - started) / 1000 };
}

/** The blocks a restore takes: by ID, or one replica's blocks overlapping the window. */
export function selectBlocks(metas: BlockMeta[], options: Pick<RestoreOptions, 'blocks' | 'replica' | 'from' | 'to'> & { replicaLabel: string }): BlockMeta[] {
  if (options.blocks?.length) return metas.filter((m) => options.blocks!.includes(m.ulid));
  const replicas = [...new Set(metas.map((m) => m.labels[options.replicaLabel] ?? ''))].sort();
  let replica = options.replica;
  if (replica === undefined) {
    // Replicas hold the same series: restoring two would double every sample's storage for nothing.
    if (replicas.length > 1) throw new RestoreError(`the bucket holds blocks of ${replicas.length} replicas (${replicas.join(', ')}); choose one with --replica`);
    replica = replicas[0];
  } else if (!replicas.includes(replica)) {
    throw new RestoreError(`no blocks of replica "${replica}"; the bucket has: ${replicas.join(', ') || 'none'}`);
  }
  const from = options.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = options.to?.getTime() ?? Number.POSITIVE_INFINITY;
  const chosen = metas.filter((m) => (m.labels[options.replicaLabel] ?? '') === replica && m.maxTime > from && m.minTime < to);
  if (chosen.length === 0) {
    const ofReplica = metas.filter((m) => (m.labels[options.replicaLabel] ?? '') === replica);
    const span = `${new Date(Math.min(...ofReplica.map((m) => m.minTime))).toISOString()} .. ${new Date(Math.max(...ofReplica.map((m) => m.maxTime))).toISOString()}`;
    throw new RestoreError(`no block of replica "${replica}" overlaps ${options.from?.toISOString() ?? '-inf'} .. ${options.to?.toISOString() ?? '+inf'}; its blocks cover ${span}`);
  }
  return chosen;
}

async function downloadBlock(s3: S3Client, ulid: string, files: Array<{ relPath: string; size: number }>, options: RestoreOptions): Promise<void> {
  const staging = join(options.dataDir, `.restore-${ulid}.tmp`);
  await rm(staging, { recursive: true, force: true });
  try {
    for (const file of files) {
      if (file.relPath.split('/').some((part) => part === '..' || part === '')) throw new RestoreError(`block ${ulid} has an unsafe object name "${file.relPath}"`);
      const path = join(staging, file.relPath);
      await mkdir(dirname(path), { recursive: true });
      const { bytes } = await downloadToFile(s3, { bucket: options.bucket, key: `${options.prefix}/${ulid}/${file.relPath}`, path, deadline: options.deadline });
      if (bytes !== file.size) throw new RestoreError(`block ${ulid}: ${file.relPath} downloaded ${bytes} bytes, the listing says ${file.size}`);
    }
    const present = await readdir(staging);
    if (!present.includes('meta.json') || !present.includes('index') || !present.includes('chunks')) throw new RestoreError(`block ${ulid}: download lacks meta.json, index or chunks/`);
    await rename(staging, join(options.dataDir, ulid));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}
