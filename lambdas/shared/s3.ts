/**
 * S3 for the Lambdas and the restore command: streaming multipart uploads
 * encrypted with the stack's KMS key (hashing and counting as they go, so
 * the manifest can say what was written), listings that follow every
 * page, and downloads verified against the size S3 reports.
 *
 * Retries: the SDK's standard strategy retries throttling and 5xx with
 * jittered backoff, part by part for multipart uploads (an upload's body
 * is a stream and cannot be replayed from the top). Every call carries
 * the deadline's abort signal, so no retry outlives the invocation.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type _Object,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Deadline } from './deadline';

export interface S3ClientSettings {
  readonly region: string;
  /** An S3-compatible endpoint (tests, local runs); path-style addressing is used with it. */
  readonly endpoint?: string;
  /** Attempts per request, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** @default 30000 */
  readonly requestTimeoutMs?: number;
}

/** An S3 client with bounded retries and timeouts. */
export function createS3Client(settings: S3ClientSettings): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.endpoint !== undefined,
    maxAttempts: settings.maxAttempts ?? 5,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: settings.requestTimeoutMs ?? 30_000 },
  });
}

/** What one upload wrote. */
export interface UploadResult {
  readonly key: string;
  readonly bytes: number;
  /** Hex SHA-256 of the bytes written. */
  readonly sha256: string;
}

export interface UploadOptions {
  readonly bucket: string;
  readonly key: string;
  readonly body: Readable | AsyncIterable<string | Uint8Array> | string;
  readonly contentType?: string;
  /** Key for SSE-KMS. @default - the bucket's default KMS key (still SSE-KMS) */
  readonly kmsKeyId?: string;
  /** @default 8 MiB (S3's minimum is 5 MiB) */
  readonly partSizeBytes?: number;
  readonly deadline?: Deadline;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

/** A pass-through stream that counts the bytes going through it and hashes them (SHA-256). */
class Meter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** The hex SHA-256 of everything that went through; call once, at the end. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}

/** Stream a body to S3 as a multipart upload with SSE-KMS; resolves to its size and SHA-256. */
export async function uploadStream(client: S3Client, options: UploadOptions): Promise<UploadResult> {
  const partSize = options.partSizeBytes ?? 8 * 1024 * 1024;
  if (partSize < MIN_PART_SIZE) throw new Error(`uploadStream: 'partSizeBytes' (${partSize}) is below S3's 5 MiB minimum part size`);
  const meter = new Meter();
  const source = typeof options.body === 'string' ? Readable.from([Buffer.from(options.body)]) : Readable.from(options.body as AsyncIterable<Uint8Array>);
  const deadline = options.deadline ?? Deadline.none();
  const abortController = new AbortController();
  const onAbort = () => abortController.abort();
  const signal = deadline.signal();
  signal.addEventListener('abort', onAbort);
  const upload = new Upload({
    client,
    partSize,
    queueSize: 2,
    leavePartsOnError: false,
    abortController,
    params: {
      Bucket: options.bucket,
      Key: options.key,
      Body: source.pipe(meter),
      ContentType: options.contentType,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: options.kmsKeyId,
      BucketKeyEnabled: true,
    },
  });
  source.on('error', (error) => meter.destroy(error));
  try {
    await upload.done();
  } catch (error) {
    if (signal.aborted) throw new Error(`upload of s3://${options.bucket}/${options.key} stopped: the invocation's time ran out`, { cause: error });
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return { key: options.key, bytes: meter.bytes, sha256: meter.sha256() };
}

/** A small JSON document, written in one PUT with SSE-KMS. */
export async function putJson(client: S3Client, options: { bucket: string; key: string; value: unknown; kmsKeyId?: string; deadline?: Deadline }): Promise<UploadResult> {
  const body = Buffer.from(JSON.stringify(options.value, null, 2) + '\n');
  await client.send(
    new PutObjectCommand({
      Bucket: options.bucket,
      Key: options.key,
      Body: body,
      ContentType: 'application/json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: options.kmsKeyId,
      BucketKeyEnabled: true,
    }),
    { abortSignal: (options.deadline ?? Deadline.none()).signal() },
  );
  return { key: options.key, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
}

/** One page of a listing. */
export interface ListPage {
  readonly objects: _Object[];
  /** Folder-like prefixes, when listing with a delimiter. */
  readonly prefixes: string[];
}

/** Every page under a prefix, following continuation tokens. */
export async function* listPages(client: S3Client, options: { bucket: string; prefix?: string; delimiter?: string; deadline?: Deadline; pageSize?: number }): AsyncGenerator<ListPage> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: options.bucket, Prefix: options.prefix, Delimiter: options.delimiter, ContinuationToken: token, MaxKeys: options.pageSize }),
      { abortSignal: (options.deadline ?? Deadline.none()).signal() },
    );
    yield { objects: page.Contents ?? [], prefixes: (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix ? [p.Prefix] : [])) };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (page.IsTruncated && !token) throw new Error(`listing s3://${options.bucket}/${options.prefix ?? ''} is truncated but has no continuation token`);
  } while (token);
}

/** Every object and prefix under a prefix. */
export async function listAll(client: S3Client, options: { bucket: string; prefix?: string; delimiter?: string; deadline?: Deadline; pageSize?: number }): Promise<ListPage> {
  const objects: _Object[] = [];
  const prefixes: string[] = [];
  for await (const page of listPages(client, options)) {
    objects.push(...page.objects);
    prefixes.push(...page.prefixes);
  }
  return { objects, prefixes };
}

/** An object's bytes, or undefined when it does not exist. */
export async function getObjectBytes(client: S3Client, options: { bucket: string; key: string; deadline?: Deadline }): Promise<Buffer | undefined> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: options.key }), { abortSignal: (options.deadline ?? Deadline.none()).signal() });
    return Buffer.from(await response.Body!.transformToByteArray());
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** An object parsed as JSON, or undefined when it does not exist; names the object when it is not JSON. */
export async function getObjectJson<T = unknown>(client: S3Client, options: { bucket: string; key: string; deadline?: Deadline }): Promise<T | undefined> {
  const bytes = await getObjectBytes(client, options);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new Error(`s3://${options.bucket}/${options.key} is not JSON: ${(error as Error).message}`);
  }
}

/** True when the object exists. */
export async function objectExists(client: S3Client, options: { bucket: string; key: string; deadline?: Deadline }): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: options.key }), { abortSignal: (options.deadline ?? Deadline.none()).signal() });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * Stream an object to a file through a temporary name, renamed only once
 * the byte count matches what S3 announced: a cut download never leaves a
 * file that looks complete.
 */
export async function downloadToFile(client: S3Client, options: { bucket: string; key: string; path: string; deadline?: Deadline }): Promise<{ bytes: number; sha256: string }> {
  const response = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: options.key }), { abortSignal: (options.deadline ?? Deadline.none()).signal() });
  const partial = `${options.path}.partial`;
  const meter = new Meter();
  try {
    await pipeline(response.Body as Readable, meter, createWriteStream(partial));
    if (response.ContentLength !== undefined && meter.bytes !== response.ContentLength) {
      throw new Error(`s3://${options.bucket}/${options.key}: received ${meter.bytes} bytes, S3 announced ${response.ContentLength}`);
    }
    await rename(partial, options.path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { bytes: meter.bytes, sha256: meter.sha256() };
}

/** True for NoSuchKey / NotFound / 404. */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
