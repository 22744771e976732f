/**
 * Alertmanager's API v2, as the Lambda uses it: read which anomaly alerts
 * are active, and post alerts to every replica. Replicas gossip
 * silences and the notification log, not alerts: an alert posted to one
 * replica is unknown to the others, so every replica gets every post (as
 * Prometheus does), and the active alerts are the union of what the
 * replicas hold.
 *
 * @see https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
 */
import type { Deadline } from '../shared/deadline';
import { redact, request, requestJson } from '../shared/http';
import { describeError, retry } from '../shared/retry';
import { CHECK_LABEL, labelSetKey, type PostableAlert } from './alert-builder';
import type { KnownAlert } from './decide';

export interface AlertmanagerOptions {
  readonly deadline: Deadline;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/** What one replica answered. */
export interface ReplicaOutcome {
  readonly url: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** A label matcher in Alertmanager's filter syntax, the value quoted and escaped. */
export function matcher(name: string, operator: '=' | '=~', value: string): string {
  return `${name}${operator}${JSON.stringify(value)}`;
}

/**
 * The anomaly alerts of this cluster that are active (firing, silenced or
 * inhibited: a silence mutes notifications, not the alert) on any
 * replica, without duplicates. Replicas that cannot be read are reported;
 * the union of the others is still the memory.
 */
export async function fetchActiveAlerts(urls: readonly string[], clusterName: string, options: AlertmanagerOptions): Promise<{ alerts: KnownAlert[]; replicas: ReplicaOutcome[] }> {
  const params = new URLSearchParams({ active: 'true', silenced: 'true', inhibited: 'true', unprocessed: 'true' });
  params.append('filter', matcher('cluster', '=', clusterName));
  params.append('filter', matcher(CHECK_LABEL, '=~', '.+'));
  const byKey = new Map<string, KnownAlert>();
  const replicas = await Promise.all(
    urls.map(async (url): Promise<ReplicaOutcome> => {
      try {
        const body = await requestJson<unknown>(`${url}/api/v2/alerts?${params}`, { deadline: options.deadline, timeoutMs: options.timeoutMs ?? 10_000 });
        for (const alert of parseAlerts(body, url)) {
          const key = labelSetKey(alert.labels);
          const seen = byKey.get(key);
          // Replicas may disagree on the start after a restart; the earliest is the episode's.
          if (!seen || Date.parse(alert.startsAt) < Date.parse(seen.startsAt)) byKey.set(key, alert);
        }
        return { url, ok: true };
      } catch (error) {
        return { url, ok: false, error: describeError(error) };
      }
    }),
  );
  return { alerts: [...byKey.values()], replicas };
}

/** Post alerts to every replica (in batches); each replica's outcome is reported, none hides another's. */
export async function postAlerts(urls: readonly string[], alerts: readonly PostableAlert[], options: AlertmanagerOptions & { batchSize?: number }): Promise<ReplicaOutcome[]> {
  if (alerts.length === 0) return urls.map((url) => ({ url, ok: true }));
  const batchSize = options.batchSize ?? 500;
  return Promise.all(
    urls.map(async (url): Promise<ReplicaOutcome> => {
      const target = `${url}/api/v2/alerts`;
      try {
        for (let i = 0; i < alerts.length; i += batchSize) {
          const body = JSON.stringify(alerts.slice(i, i + batchSize));
          await retry(() => request(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body, deadline: options.deadline, timeoutMs: options.timeoutMs ?? 10_000 }), {
            what: `POST ${redact(target)}`,
            deadline: options.deadline,
          });
        }
        return { url, ok: true };
      } catch (error) {
        return { url, ok: false, error: describeError(error) };
      }
    }),
  );
}

/** The gettable alerts of a `GET /api/v2/alerts` answer, checked for what is used. */
function parseAlerts(body: unknown, url: string): KnownAlert[] {
  if (!Array.isArray(body)) throw new Error(`GET ${redact(url)}/api/v2/alerts did not answer a list of alerts`);
  return body.map((item, i) => {
    const alert = item as { labels?: unknown; startsAt?: unknown };
    const labels = alert.labels;
    if (labels === null || typeof labels !== 'object' || Object.values(labels).some((v) => typeof v !== 'string')) throw new Error(`alert ${i} from ${redact(url)} has no label set`);
    if (typeof alert.startsAt !== 'string' || Number.isNaN(Date.parse(alert.startsAt))) throw new Error(`alert ${i} from ${redact(url)} has no valid startsAt`);
    return { labels: labels as Record<string, string>, startsAt: alert.startsAt };
  });
}
