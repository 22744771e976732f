/**
 * The time a Lambda invocation has left. Every step asks the deadline
 * before starting work and stops retrying when the remaining time cannot
 * hold another attempt, so a run ends with a truthful manifest rather than
 * being killed mid-write.
 */

/** What a deadline needs from the Lambda context. */
export interface RemainingTimeSource {
  getRemainingTimeInMillis(): number;
}

/** Thrown when a step would not finish before the invocation is stopped. */
export class DeadlineExceededError extends Error {
  constructor(
    readonly what: string,
    readonly neededMs: number,
    readonly remainingMs: number,
  ) {
    super(`not enough time left for ${what}: ${Math.max(0, Math.round(remainingMs))} ms remain, ${Math.round(neededMs)} ms needed`);
    this.name = 'DeadlineExceededError';
  }
}

export class Deadline {
  /**
   * The invocation's deadline less `reserveMs`, which is kept back for the
   * work that must happen even when everything else ran late (writing the
   * manifest, pushing metrics).
   */
  static fromContext(context: RemainingTimeSource, reserveMs = 0, now: () => number = Date.now): Deadline {
    return new Deadline(now() + context.getRemainingTimeInMillis() - reserveMs, now);
  }

  /** A deadline `ms` from now. */
  static after(ms: number, now: () => number = Date.now): Deadline {
    return new Deadline(now() + ms, now);
  }

  /** No limit (local tools that have no invocation timeout). */
  static none(now: () => number = Date.now): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, now);
  }

  constructor(
    /** Epoch milliseconds at which the time is up. */
    readonly endsAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  remainingMs(): number {
    return this.endsAt - this.now();
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** Throw a `DeadlineExceededError` naming `what` unless at least `ms` remain. */
  ensure(ms: number, what: string): void {
    const remaining = this.remainingMs();
    if (remaining < ms) throw new DeadlineExceededError(what, ms, remaining);
  }

  /** A deadline `reserveMs` earlier, for a step that must leave time for the ones after it. */
  withReserve(reserveMs: number): Deadline {
    return new Deadline(this.endsAt - reserveMs, this.now);
  }

  /** The smaller of the remaining time and `capMs`: the timeout for one request. */
  timeoutFor(capMs: number): number {
    return Math.max(0, Math.min(capMs, this.remainingMs()));
  }

  /** An AbortSignal that fires when the time is up (never, for `Deadline.none()`). */
  signal(): AbortSignal {
    const remaining = this.remainingMs();
    if (!Number.isFinite(remaining)) return new AbortController().signal;
    return AbortSignal.timeout(Math.max(0, Math.floor(remaining)));
  }
}
