/**
 * The part of Prometheus's alert templating our annotations use, expanded
 * in TypeScript so the unit tests can state the exact annotations an alert
 * fires with (`promtool test rules` compares them verbatim).
 *
 * Supported actions: `{{ $labels.<name> }}`, `{{ $value | humanize }}`,
 * `{{ $value | humanizePercentage }}`, `{{ $value | humanizeDuration }}`
 * and `{{ printf "%.<n>f" $value }}`. Anything else is refused, so an
 * annotation cannot use a construct the tests cannot check. The number
 * formatting follows Go's `%.4g` as Prometheus's template functions do.
 */

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const LABEL = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/;
const PIPE = /^\$value\s*\|\s*(humanize|humanizePercentage|humanizeDuration)$/;
const PRINTF = /^printf\s+"%\.(\d)f"\s+\$value$/;

/** Check that a template uses only supported actions; throws naming the first one that is not. */
export function assertSupportedTemplate(text: string, where: string): void {
  for (const match of text.matchAll(ACTION)) {
    const action = match[1];
    if (!LABEL.test(action) && !PIPE.test(action) && !PRINTF.test(action)) {
      throw new Error(`${where}: template action "{{ ${action} }}" is not supported; use $labels.<name>, $value | humanize, humanizePercentage, humanizeDuration or printf "%.<n>f" $value`);
    }
  }
}

/** Expand a template as Prometheus would for an alert with these labels and value. */
export function expandTemplate(text: string, labels: Readonly<Record<string, string>>, value: number): string {
  return text.replace(ACTION, (_whole, action: string) => {
    const label = LABEL.exec(action);
    if (label) return labels[label[1]] ?? '<no value>';
    const pipe = PIPE.exec(action);
    if (pipe) {
      if (pipe[1] === 'humanize') return humanize(value);
      if (pipe[1] === 'humanizePercentage') return `${formatG(value * 100)}%`;
      return humanizeDuration(value);
    }
    const printf = PRINTF.exec(action);
    if (printf) return value.toFixed(Number(printf[1]));
    throw new Error(`template action "{{ ${action} }}" is not supported`);
  });
}

/** Go's `%.<precision>g`: shortest of fixed and exponent notation, trailing zeros removed. */
export function formatG(value: number, precision = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential(precision - 1).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const digits = Math.abs(exponent);
    return `${stripZeros(mantissa)}e${exponent < 0 ? '-' : '+'}${digits < 10 ? '0' : ''}${digits}`;
  }
  return stripZeros(value.toFixed(precision - 1 - exponent));
}

/** Prometheus's `humanize`: SI prefixes, four significant digits. */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return formatG(value);
  let v = value;
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return `${formatG(v)}${prefix}`;
}

/** Prometheus's `humanizeDuration` for a number of seconds. */
export function humanizeDuration(value: number): string {
  if (!Number.isFinite(value)) return formatG(value);
  if (value === 0) return '0s';
  if (Math.abs(value) >= 1) {
    const sign = value < 0 ? '-' : '';
    const total = Math.trunc(Math.abs(value));
    const [days, hours, minutes, seconds] = [Math.floor(total / 86400), Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60];
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatG(Math.abs(value))}s`;
  }
  let v = value;
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatG(v)}${prefix}s`;
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
