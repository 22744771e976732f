/**
 * HTTP for the Lambdas: `fetch` with a per-request timeout bounded by the
 * deadline, errors that carry the status and name the request, and JSON
 * requests retried with backoff.
 */
import { Deadline } from './deadline';
import { retry, type RetryOptions } from './retry';

/** A non-2xx answer. */
export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${redact(url)} answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
    this.name = 'HttpError';
  }
}

/** A URL without user info or query values, safe for logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Timeout of one attempt. @default 10000 */
  readonly timeoutMs?: number;
  /** @default - none */
  readonly deadline?: Deadline;
  /** Retry settings; `false` for a single attempt. @default - `retry()` defaults */
  readonly retry?: Omit<RetryOptions, 'what' | 'deadline'> | false;
}

/** One request with a timeout; a non-2xx answer throws an `HttpError`. */
export async function request(url: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const deadline = options.deadline ?? Deadline.none();
  const timeoutMs = deadline.timeoutFor(options.timeoutMs ?? 10_000);
  const response = await fetch(url, { method, headers: options.headers, body: options.body, signal: AbortSignal.timeout(Math.max(1, timeoutMs)) });
  if (!response.ok) throw new HttpError(method, url, response.status, await response.text().catch(() => ''));
  return response;
}

/** A request retried on throttling, 5xx and timeouts, answered with JSON. */
export async function requestJson<T = unknown>(url: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const what = `${method} ${redact(url)}`;
  const attempt = async () => {
    const response = await request(url, options);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${what} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  };
  if (options.retry === false) return attempt();
  return retry(attempt, { ...options.retry, what, deadline: options.deadline });
}
