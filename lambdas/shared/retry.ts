/**
 * Retry with exponential backoff and full jitter, bounded by attempts and
 * by the invocation's deadline. Only failures that another attempt can fix
 * are retried: throttling, 5xx, timeouts and dropped connections. A 4xx is
 * the caller's mistake and fails at once.
 */
import { Deadline, DeadlineExceededError } from './deadline';
import { HttpError } from './http';

export interface RetryOptions {
  /** What is being attempted, for error messages: `GET http://grafana/api/search`. */
  readonly what: string;
  /** @default - no deadline */
  readonly deadline?: Deadline;
  /** Attempts in all, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Backoff before the second attempt (before jitter). @default 200 */
  readonly baseDelayMs?: number;
  /** Cap of one backoff. @default 5000 */
  readonly maxDelayMs?: number;
  /** Time one attempt needs at least; no attempt starts with less left. @default 1000 */
  readonly minAttemptMs?: number;
  /** @default isRetryable */
  readonly isRetryable?: (error: unknown) => boolean;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for logging). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Thrown when every attempt failed (or the last failure was not retryable); `cause` is the last error. */
export class RetryError extends Error {
  constructor(
    readonly what: string,
    readonly attempts: number,
    readonly reason: 'not-retryable' | 'attempts-exhausted' | 'deadline',
    readonly cause: unknown,
  ) {
    const why = { 'not-retryable': 'not retryable', 'attempts-exhausted': `gave up after ${attempts} attempts`, deadline: `stopped after ${attempts} attempt(s): the remaining time cannot hold another` }[reason];
    super(`${what} failed (${why}): ${describeError(cause)}`);
    this.name = 'RetryError';
  }
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The HTTP status an error carries: ours, the AWS SDK's, or prom-client's message. */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpError) return error.status;
  const e = error as { $metadata?: { httpStatusCode?: number }; statusCode?: number; message?: string } | undefined;
  if (typeof e?.$metadata?.httpStatusCode === 'number') return e.$metadata.httpStatusCode;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  const match = typeof e?.message === 'string' ? /status (\d{3})\b/.exec(e.message) : null;
  return match ? Number(match[1]) : undefined;
}

/** True for throttling, 5xx, request timeouts and network failures; false for 4xx and everything else. */
export function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string }; $retryable?: unknown } | undefined;
  if (!e) return false;
  if (THROTTLING_CODES.has(e.name ?? '') || THROTTLING_CODES.has(e.code ?? '')) return true;
  const status = statusOf(error);
  if (status !== undefined) return status === 429 || status >= 500;
  if (e.$retryable) return true;
  // A per-request timeout is worth another try; an abort by the deadline is not.
  if (e.name === 'TimeoutError') return true;
  const code = e.code ?? e.cause?.code;
  if (code && NETWORK_CODES.has(code)) return true;
  // undici reports dropped connections as `TypeError: fetch failed` with the reason in `cause`.
  return e.name === 'TypeError' && /fetch failed/.test(String((e as Error).message)) && e.cause !== undefined && e.cause?.name !== 'AbortError';
}

/** Delay before attempt `attempt + 1`: full jitter over an exponentially growing cap. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Run `fn` until it succeeds, a failure is not retryable, attempts run out, or the deadline would be passed. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const minAttemptMs = options.minAttemptMs ?? 1000;
  const retryable = options.isRetryable ?? isRetryable;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const deadline = options.deadline ?? Deadline.none();
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    if (deadline.remainingMs() < minAttemptMs) {
      throw attempt === 1 ? new DeadlineExceededError(options.what, minAttemptMs, deadline.remainingMs()) : new RetryError(options.what, attempt - 1, 'deadline', lastError);
    }
    try {
      return await fn(attempt);
    } catch (error) {
      lastError = error;
      if (!retryable(error)) throw new RetryError(options.what, attempt, 'not-retryable', error);
      if (attempt >= maxAttempts) throw new RetryError(options.what, attempt, 'attempts-exhausted', error);
      const delayMs = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      if (deadline.remainingMs() < delayMs + minAttemptMs) throw new RetryError(options.what, attempt, 'deadline', error);
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

/** A one-line description of any error, with its HTTP status when it has one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const status = statusOf(error);
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    const text = error.message || String((error as { Code?: string }).Code ?? '');
    return `${name}${text}${status !== undefined && !text.includes(String(status)) ? ` (HTTP ${status})` : ''}`;
  }
  return String(error);
}
