/**
 * Step 2a: Grafana's dashboards, folders and data sources, exported
 * through its HTTP API and streamed to S3 as they are read. Data sources
 * are exported without secrets: the API never returns `secureJsonData`
 * values, and the legacy plain `password`/`basicAuthPassword` fields are
 * dropped; `secureJsonFields` (which secrets were set) is kept so a
 * restore knows what to fill in again.
 *
 * @see https://grafana.com/docs/grafana/latest/developers/http_api/
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Deadline } from '../shared/deadline';
import { requestJson } from '../shared/http';
import { uploadStream, type UploadResult } from '../shared/s3';

export interface GrafanaExportOptions {
  readonly url: string;
  readonly token: string;
  readonly bucket: string;
  /** Key prefix of this run's Grafana objects, e.g. `exports/2026-11-23/grafana`. */
  readonly prefix: string;
  readonly kmsKeyArn: string;
  readonly timeoutMs: number;
  readonly deadline: Deadline;
  /** Dashboards per search page. @default 1000 */
  readonly pageSize?: number;
}

export interface GrafanaExport {
  readonly dashboards: number;
  readonly folders: number;
  readonly datasources: number;
  readonly objects: UploadResult[];
}

/** Fields of a data source that may hold a credential in older Grafana versions. */
const SECRET_DATASOURCE_FIELDS = ['password', 'basicAuthPassword', 'secureJsonData'];

export async function exportGrafana(s3: S3Client, options: GrafanaExportOptions): Promise<GrafanaExport> {
  const get = <T>(path: string) =>
    requestJson<T>(`${options.url}${path}`, { headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' }, timeoutMs: options.timeoutMs, deadline: options.deadline });
  const upload = (name: string, body: AsyncIterable<string> | string, contentType: string) =>
    uploadStream(s3, { bucket: options.bucket, key: `${options.prefix}/${name}`, body, contentType, kmsKeyId: options.kmsKeyArn, deadline: options.deadline });

  const folders = await pagedList<Record<string, unknown>>((page, limit) => get(`/api/folders?limit=${limit}&page=${page}`), options.pageSize ?? 1000);
  const foldersObject = await upload('folders.json', JSON.stringify(folders, null, 2) + '\n', 'application/json');

  const datasources = (await get<Array<Record<string, unknown>>>('/api/datasources')).map(withoutSecrets);
  if (!Array.isArray(datasources)) throw new Error('GET /api/datasources did not answer an array');
  const datasourcesObject = await upload('datasources.json', JSON.stringify(datasources, null, 2) + '\n', 'application/json');

  const hits = await pagedList<{ uid?: string; type?: string }>((page, limit) => get(`/api/search?type=dash-db&limit=${limit}&page=${page}`), options.pageSize ?? 1000);
  const uids = hits.filter((h) => h.type === undefined || h.type === 'dash-db').map((h) => h.uid);
  if (uids.some((uid) => typeof uid !== 'string')) throw new Error('GET /api/search answered a dashboard without a uid');
  let dashboards = 0;
  // One JSON document per line, fetched and written one at a time: memory stays flat however many dashboards there are.
  async function* lines(): AsyncGenerator<string> {
    for (const uid of uids as string[]) {
      const { dashboard, meta } = await get<{ dashboard: unknown; meta?: { folderUid?: string; folderTitle?: string; version?: number } }>(`/api/dashboards/uid/${encodeURIComponent(uid)}`);
      if (!dashboard || typeof dashboard !== 'object') throw new Error(`GET /api/dashboards/uid/${uid} has no "dashboard" object`);
      dashboards++;
      yield JSON.stringify({ uid, folderUid: meta?.folderUid ?? null, folderTitle: meta?.folderTitle ?? null, version: meta?.version ?? null, dashboard }) + '\n';
    }
  }
  const dashboardsObject = await upload('dashboards.jsonl', lines(), 'application/x-ndjson');
  return { dashboards, folders: folders.length, datasources: datasources.length, objects: [foldersObject, datasourcesObject, dashboardsObject] };
}

/** Every item of a `limit`/`page` API (pages start at 1; a short page is the last). */
async function pagedList<T>(fetchPage: (page: number, limit: number) => Promise<T[]>, limit: number): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const batch = await fetchPage(page, limit);
    if (!Array.isArray(batch)) throw new Error(`page ${page} of a Grafana listing is not an array`);
    items.push(...batch);
    if (batch.length < limit) return items;
  }
}

/** A data source without any field that can hold a credential. */
export function withoutSecrets(datasource: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(datasource).filter(([key]) => !SECRET_DATASOURCE_FIELDS.includes(key)));
}
