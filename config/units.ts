/**
 * Conversions between the units users write (Kubernetes quantities,
 * Prometheus durations) and plain numbers, for checks such as "retention
 * size must fit in the volume".
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes in a Kubernetes quantity (`100Gi` -> 107374182400). */
export function quantityToBytes(quantity: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(quantity);
  if (!match) throw new Error(`"${quantity}" is not a Kubernetes quantity`);
  const factor = BINARY[match[2]] ?? DECIMAL[match[2]];
  if (factor === undefined) throw new Error(`"${quantity}" has an unknown unit "${match[2]}"`);
  return Number(match[1]) * factor;
}

const DURATION_SECONDS: Record<string, number> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 1e-3 };

/** Seconds in a Prometheus duration (`1h30m` -> 5400). */
export function durationToSeconds(duration: string): number {
  const parts = duration.match(/\d+(ms|y|w|d|h|m|s)/g);
  if (!parts || parts.join('') !== duration) throw new Error(`"${duration}" is not a Prometheus duration`);
  return parts.reduce((sum, part) => {
    const unit = /(ms|y|w|d|h|m|s)$/.exec(part)![1];
    return sum + parseInt(part, 10) * DURATION_SECONDS[unit];
  }, 0);
}

/**
 * The largest Prometheus `--storage.tsdb.retention.size` that fits in a
 * share of a volume. Prometheus reads `GB` as 2^30 bytes, so the result is
 * written in whole Prometheus-GB (or MB for small volumes).
 */
export function retentionSizeFor(volume: string, share: number): string {
  const bytes = quantityToBytes(volume) * share;
  const gib = Math.floor(bytes / 2 ** 30);
  return gib >= 1 ? `${gib}GB` : `${Math.floor(bytes / 2 ** 20)}MB`;
}

/** Bytes in a Prometheus size (`85GB` -> 85 * 2^30; Prometheus units are powers of 2). */
export function prometheusSizeToBytes(size: string): number {
  const match = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/.exec(size);
  if (!match) throw new Error(`"${size}" is not a Prometheus size such as "85GB"`);
  const power = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'].indexOf(match[2]);
  return Number(match[1]) * 2 ** (10 * power);
}
