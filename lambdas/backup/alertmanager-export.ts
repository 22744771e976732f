/**
 * Step 2b: Alertmanager's silences through `/api/v2/silences`, in the
 * form `amtool silence import` reads back (see docs/restore.md).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Deadline } from '../shared/deadline';
import { requestJson } from '../shared/http';
import { uploadStream, type UploadResult } from '../shared/s3';

export interface SilencesExport {
  readonly silences: number;
  /** Silences still in force (active or pending): what a restore brings back. */
  readonly inForce: number;
  readonly objects: UploadResult[];
}

export async function exportSilences(
  s3: S3Client,
  options: { url: string; bucket: string; prefix: string; kmsKeyArn: string; timeoutMs: number; deadline: Deadline },
): Promise<SilencesExport> {
  const silences = await requestJson<Array<{ id?: unknown; status?: { state?: string } }>>(`${options.url}/api/v2/silences`, { timeoutMs: options.timeoutMs, deadline: options.deadline });
  if (!Array.isArray(silences)) throw new Error('GET /api/v2/silences did not answer an array');
  if (silences.some((s) => typeof s?.id !== 'string')) throw new Error('GET /api/v2/silences answered a silence without an id');
  const object = await uploadStream(s3, {
    bucket: options.bucket,
    key: `${options.prefix}/silences.json`,
    body: JSON.stringify(silences, null, 2) + '\n',
    contentType: 'application/json',
    kmsKeyId: options.kmsKeyArn,
    deadline: options.deadline,
  });
  const inForce = silences.filter((s) => s.status?.state === 'active' || s.status?.state === 'pending').length;
  return { silences: silences.length, inForce, objects: [object] };
}
