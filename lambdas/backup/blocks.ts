/**
 * Prometheus blocks as the Thanos sidecar lays them out in the bucket:
 * `<prefix>/<ULID>/meta.json`, `index`, `chunks/000001`, ... The sidecar
 * uploads `meta.json` last, so a block without it is still being uploaded.
 * `meta.json` carries the block's time range and, under `thanos.labels`,
 * the Prometheus external labels, the replica label among them.
 *
 * @see https://thanos.io/tip/thanos/storage.md/#data-in-object-storage
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Deadline } from '../shared/deadline';
import { getObjectJson, listAll } from '../shared/s3';

/** A block ID: a ULID (Crockford base32, 26 characters, time-ordered). */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Milliseconds since the epoch at which a ULID was made (its first 10 characters). */
export function ulidTime(ulid: string): number {
  if (!ULID.test(ulid)) throw new Error(`"${ulid}" is not a ULID`);
  return [...ulid.slice(0, 10)].reduce((time, char) => time * 32 + CROCKFORD.indexOf(char), 0);
}

/** True for a 26-character ULID. */
export function isUlid(value: string): boolean {
  return ULID.test(value);
}

/** What this code reads from a block's meta.json. */
export interface BlockMeta {
  readonly ulid: string;
  /** Milliseconds since the epoch, inclusive. */
  readonly minTime: number;
  /** Milliseconds since the epoch, exclusive. */
  readonly maxTime: number;
  readonly labels: Record<string, string>;
  readonly numSamples?: number;
  readonly numSeries?: number;
  /** Files and sizes the sidecar recorded, when it did. */
  readonly files?: Array<{ relPath: string; sizeBytes?: number }>;
}

/** Parse and check a meta.json; the error names the block. */
export function parseBlockMeta(ulid: string, raw: unknown): BlockMeta {
  const meta = raw as {
    ulid?: unknown;
    minTime?: unknown;
    maxTime?: unknown;
    stats?: { numSamples?: unknown; numSeries?: unknown };
    thanos?: { labels?: unknown; files?: Array<{ rel_path?: unknown; size_bytes?: unknown }> };
  };
  const problems: string[] = [];
  if (meta?.ulid !== ulid) problems.push(`ulid is ${JSON.stringify(meta?.ulid)}, not the block's directory name`);
  if (typeof meta?.minTime !== 'number' || typeof meta?.maxTime !== 'number') problems.push('minTime/maxTime are not numbers');
  else if (meta.maxTime < meta.minTime) problems.push(`maxTime ${meta.maxTime} is before minTime ${meta.minTime}`);
  const labels = meta?.thanos?.labels ?? {};
  if (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string')) problems.push('thanos.labels is not a label object');
  if (problems.length > 0) throw new Error(`block ${ulid}: meta.json is not a Prometheus block meta: ${problems.join('; ')}`);
  return {
    ulid,
    minTime: meta.minTime as number,
    maxTime: meta.maxTime as number,
    labels: labels as Record<string, string>,
    numSamples: typeof meta.stats?.numSamples === 'number' ? meta.stats.numSamples : undefined,
    numSeries: typeof meta.stats?.numSeries === 'number' ? meta.stats.numSeries : undefined,
    files: Array.isArray(meta.thanos?.files)
      ? meta.thanos.files.flatMap((f) => (typeof f.rel_path === 'string' ? [{ relPath: f.rel_path, sizeBytes: typeof f.size_bytes === 'number' ? f.size_bytes : undefined }] : []))
      : undefined,
  };
}

/** Block IDs under a prefix, newest first. */
export async function listBlockIds(s3: S3Client, options: { bucket: string; prefix: string; deadline?: Deadline }): Promise<string[]> {
  const { prefixes } = await listAll(s3, { bucket: options.bucket, prefix: `${options.prefix}/`, delimiter: '/', deadline: options.deadline });
  return prefixes
    .map((p) => p.slice(options.prefix.length + 1).replace(/\/$/, ''))
    .filter(isUlid)
    .sort()
    .reverse();
}

/** A block's meta.json, or undefined while the block is still being uploaded. */
export async function readBlockMeta(s3: S3Client, options: { bucket: string; prefix: string; ulid: string; deadline?: Deadline }): Promise<BlockMeta | undefined> {
  const raw = await getObjectJson(s3, { bucket: options.bucket, key: `${options.prefix}/${options.ulid}/meta.json`, deadline: options.deadline });
  return raw === undefined ? undefined : parseBlockMeta(options.ulid, raw);
}

/** The objects of one block and their sizes, relative to the block's directory. */
export async function listBlockFiles(s3: S3Client, options: { bucket: string; prefix: string; ulid: string; deadline?: Deadline }): Promise<Array<{ relPath: string; size: number }>> {
  const base = `${options.prefix}/${options.ulid}/`;
  const { objects } = await listAll(s3, { bucket: options.bucket, prefix: base, deadline: options.deadline });
  return objects.flatMap((o) => (o.Key ? [{ relPath: o.Key.slice(base.length), size: o.Size ?? 0 }] : []));
}

/**
 * What a block needs to be loadable: meta.json, index and at least one
 * chunk segment, each with the size the sidecar recorded.
 */
export function blockFileProblems(meta: BlockMeta, files: Array<{ relPath: string; size: number }>): string[] {
  const byPath = new Map(files.map((f) => [f.relPath, f.size]));
  const problems: string[] = [];
  if (!byPath.has('meta.json')) problems.push('meta.json is missing');
  if (!byPath.has('index')) problems.push('index is missing');
  if (![...byPath.keys()].some((p) => /^chunks\/\d{6}$/.test(p))) problems.push('no chunk segment under chunks/');
  for (const file of meta.files ?? []) {
    if (file.relPath === 'meta.json' || file.sizeBytes === undefined) continue;
    const size = byPath.get(file.relPath);
    if (size === undefined) problems.push(`${file.relPath} is listed in meta.json but missing`);
    else if (size !== file.sizeBytes) problems.push(`${file.relPath} is ${size} bytes, meta.json says ${file.sizeBytes}`);
  }
  return problems;
}
