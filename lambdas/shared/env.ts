/**
 * Reading a Lambda's settings from its environment, as AWS passes them.
 * Every problem names the variable and says what a valid value looks like;
 * all problems are reported together, so one deploy fixes them all.
 */

/** Thrown when the environment lacks a variable or has a bad value; lists every problem. */
export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Lambda environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/** Seconds in a duration such as `90s`, `6h`, `1h30m` or `7d`; undefined when it is not one. */
export function parseDurationSeconds(text: string): number | undefined {
  const parts = text.match(/\d+(ms|s|m|h|d|w)/g);
  if (!parts || parts.join('') !== text) return undefined;
  return parts.reduce((sum, part) => {
    const [, value, unit] = /^(\d+)(ms|s|m|h|d|w)$/.exec(part)!;
    return sum + Number(value) * DURATION_UNITS[unit];
  }, 0);
}

/**
 * Typed accessors over an environment that collect problems instead of
 * throwing at the first one. Call `assertValid()` once every setting is
 * read: it throws an `EnvError` listing them all. Until then a bad value
 * reads as a harmless stand-in that is never used.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  /** A required, non-empty string. */
  string(name: string): string {
    const value = this.env[name];
    if (value === undefined || value.trim() === '') {
      this.problems.push(`${name} is not set`);
      return '';
    }
    return value;
  }

  /** A string that may be absent (empty counts as absent). */
  optionalString(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  /** An integer within bounds; `fallback` when absent. */
  int(name: string, options: { fallback?: number; min?: number; max?: number } = {}): number {
    const raw = this.optionalString(name);
    if (raw === undefined) {
      if (options.fallback !== undefined) return options.fallback;
      this.problems.push(`${name} is not set; expected an integer`);
      return 0;
    }
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
      this.problems.push(`${name}="${raw}" is not an integer`);
      return 0;
    }
    if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) {
      this.problems.push(`${name}=${value} is outside ${options.min ?? '-inf'}..${options.max ?? 'inf'}`);
    }
    return value;
  }

  /** An absolute http(s) URL, without a trailing slash. */
  url(name: string): string;
  url(name: string, optional: true): string | undefined;
  url(name: string, optional = false): string | undefined {
    const raw = optional ? this.optionalString(name) : this.string(name);
    if (raw === undefined || raw === '') return optional ? undefined : '';
    try {
      const url = new URL(raw);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      return raw.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name}="${raw}" is not an http(s) URL such as "http://prometheus.monitoring:9090"`);
      return '';
    }
  }

  /** An ARN of the given service (`secretsmanager`, `kms`, ...). */
  arn(name: string, service: string): string;
  arn(name: string, service: string, optional: true): string | undefined;
  arn(name: string, service: string, optional = false): string | undefined {
    const raw = optional ? this.optionalString(name) : this.string(name);
    if (raw === undefined || raw === '') return optional ? undefined : '';
    if (!new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:\\d{12}:.+$`).test(raw)) {
      this.problems.push(`${name}="${raw}" is not a ${service} ARN (arn:aws:${service}:<region>:<account>:...)`);
    }
    return raw;
  }

  /** A duration (`6h`, `90s`, `1h30m`) in seconds; `fallback` (a duration) when absent. */
  durationSeconds(name: string, fallback?: string): number {
    const raw = this.optionalString(name) ?? fallback;
    if (raw === undefined) {
      this.problems.push(`${name} is not set; expected a duration such as "6h"`);
      return 0;
    }
    const seconds = parseDurationSeconds(raw);
    if (seconds === undefined) {
      this.problems.push(`${name}="${raw}" is not a duration; write e.g. "90s", "6h" or "1h30m"`);
      return 0;
    }
    return seconds;
  }

  /** A comma-separated list (blanks dropped); `fallback` when absent. */
  list(name: string, fallback: string[] = []): string[] {
    const raw = this.optionalString(name);
    return raw === undefined ? fallback : raw.split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** `true`/`false` (also 1/0, yes/no); `fallback` when absent. */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.optionalString(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name}="${raw}" is not a boolean; use true or false`);
    return fallback;
  }

  /** One of the allowed values. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optionalString(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name}="${raw}" is not one of: ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }

  /** Record a problem found by the caller's own cross-variable checks. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throw an `EnvError` listing every problem seen so far. */
  assertValid(): void {
    if (this.problems.length > 0) throw new EnvError(this.problems);
  }
}
