/**
 * Pushing a job's metrics to the Pushgateway with prom-client's
 * `Pushgateway`, retried like every other request. `pushAdd` (POST) is the
 * default: it replaces only the metrics pushed, so a failed run that does
 * not push `*_last_success_timestamp_seconds` keeps the last good value.
 *
 * @see https://github.com/prometheus/pushgateway#put-method
 */
import { Pushgateway, type Registry } from 'prom-client';
import { Deadline } from './deadline';
import { redact } from './http';
import { retry } from './retry';

export interface PushOptions {
  /** Pushgateway base URL. */
  readonly url: string;
  /** The `job` label of the group. */
  readonly job: string;
  /** Further grouping labels (e.g. `cluster`), part of the group's URL. */
  readonly groupings?: Record<string, string>;
  /** `pushAdd` (POST: replace these metrics) or `push` (PUT: replace the whole group). @default 'pushAdd' */
  readonly method?: 'pushAdd' | 'push';
  /** @default 10000 */
  readonly timeoutMs?: number;
  readonly deadline?: Deadline;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Push a registry's metrics to one group of the Pushgateway. */
export async function pushMetrics(registry: Registry, options: PushOptions): Promise<void> {
  if (!options.job) throw new Error('pushMetrics: \'job\' is empty; every pushed group needs a job name');
  for (const name of Object.keys(options.groupings ?? {})) {
    if (!LABEL_NAME.test(name) || name === 'job') throw new Error(`pushMetrics: grouping label "${name}" is not a valid label name other than "job"`);
  }
  const deadline = options.deadline ?? Deadline.none();
  const method = options.method ?? 'pushAdd';
  const what = `push of job "${options.job}" to ${redact(options.url)}`;
  await retry(
    async () => {
      const gateway = new Pushgateway(options.url, { timeout: deadline.timeoutFor(options.timeoutMs ?? 10_000) }, registry);
      try {
        await gateway[method]({ jobName: options.job, groupings: options.groupings });
      } catch (error) {
        // prom-client reports its own timeout as a plain Error; make it one that is retried.
        if (error instanceof Error && /timed out/.test(error.message)) throw Object.assign(new Error(`${what} timed out`), { name: 'TimeoutError' });
        throw error;
      }
    },
    { what, deadline },
  );
}
