/**
 * A small typed description of configuration documents (which keys a block
 * may have, which are required, what type and form each value takes) and
 * the check of a parsed document against it. Used where no binary of the
 * pinned version is available to load the file (Loki, Jaeger): unknown
 * keys, missing keys and malformed values are reported with their path.
 */

export type Spec =
  | { readonly kind: 'object'; readonly keys: Readonly<Record<string, Spec>>; readonly required?: readonly string[]; readonly open?: boolean }
  | { readonly kind: 'map'; readonly values: Spec }
  | { readonly kind: 'array'; readonly items: Spec; readonly minItems?: number }
  | { readonly kind: 'string'; readonly pattern?: RegExp; readonly oneOf?: readonly string[]; readonly what?: string }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'number'; readonly min?: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'any' };

/** Go's `time.ParseDuration` units. */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/** Prometheus `model.Duration` units (Loki's retention and age limits). */
const PROM_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

export const S = {
  object: (keys: Record<string, Spec>, required: string[] = []): Spec => ({ kind: 'object', keys, required }),
  /** An object whose other keys are not checked (blocks this stack does not render). */
  openObject: (keys: Record<string, Spec> = {}): Spec => ({ kind: 'object', keys, open: true }),
  map: (values: Spec): Spec => ({ kind: 'map', values }),
  array: (items: Spec, minItems = 0): Spec => ({ kind: 'array', items, minItems }),
  string: (): Spec => ({ kind: 'string' }),
  pattern: (pattern: RegExp, what: string): Spec => ({ kind: 'string', pattern, what }),
  oneOf: (...values: string[]): Spec => ({ kind: 'string', oneOf: values }),
  int: (min?: number, max?: number): Spec => ({ kind: 'int', min, max }),
  number: (min?: number): Spec => ({ kind: 'number', min }),
  bool: (): Spec => ({ kind: 'bool' }),
  /** `{}` or null: a component with its defaults. */
  empty: (): Spec => ({ kind: 'empty' }),
  any: (): Spec => ({ kind: 'any' }),
  goDuration: (): Spec => ({ kind: 'string', pattern: GO_DURATION, what: 'a Go duration such as "10m" or "72h" (no d, w or y)' }),
  promDuration: (): Spec => ({ kind: 'string', pattern: PROM_DURATION, what: 'a duration such as "720h" or "30d"' }),
  hostPort: (): Spec => ({ kind: 'string', pattern: /^[^\s:]*:\d{1,5}$/, what: 'host:port' }),
  absolutePath: (): Spec => ({ kind: 'string', pattern: /^\/\S*$/, what: 'an absolute path' }),
};

/** Every way `value` departs from `spec`, each as `path: problem`. */
export function checkAgainst(spec: Spec, value: unknown, path: string): string[] {
  const at = path || '(root)';
  switch (spec.kind) {
    case 'any':
      return [];
    case 'empty':
      return value === null || value === undefined || (isObject(value) && Object.keys(value).length === 0) ? [] : [`${at}: expected an empty block`];
    case 'bool':
      return typeof value === 'boolean' ? [] : [`${at}: expected true or false, got ${show(value)}`];
    case 'int':
      if (!Number.isInteger(value)) return [`${at}: expected an integer, got ${show(value)}`];
      if (spec.min !== undefined && (value as number) < spec.min) return [`${at}: ${value} is below ${spec.min}`];
      if (spec.max !== undefined && (value as number) > spec.max) return [`${at}: ${value} is above ${spec.max}`];
      return [];
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return [`${at}: expected a number, got ${show(value)}`];
      return spec.min !== undefined && value < spec.min ? [`${at}: ${value} is below ${spec.min}`] : [];
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected a string, got ${show(value)}`];
      if (spec.oneOf && !spec.oneOf.includes(value)) return [`${at}: "${value}" is not one of ${spec.oneOf.join(', ')}`];
      if (spec.pattern && !spec.pattern.test(value)) return [`${at}: "${value}" is not ${spec.what ?? spec.pattern.source}`];
      return [];
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected a list, got ${show(value)}`];
      return [
        ...(value.length < (spec.minItems ?? 0) ? [`${at}: needs at least ${spec.minItems} item(s)`] : []),
        ...value.flatMap((item, i) => checkAgainst(spec.items, item, `${path}[${i}]`)),
      ];
    case 'map':
      if (!isObject(value)) return [`${at}: expected a mapping, got ${show(value)}`];
      return Object.entries(value).flatMap(([key, item]) => checkAgainst(spec.values, item, join(path, key)));
    case 'object': {
      if (!isObject(value)) return [`${at}: expected a block, got ${show(value)}`];
      const problems: string[] = [];
      for (const key of spec.required ?? []) if (!(key in value)) problems.push(`${join(path, key)}: required`);
      for (const [key, item] of Object.entries(value)) {
        const child = spec.keys[key];
        if (child) problems.push(...checkAgainst(child, item, join(path, key)));
        else if (!spec.open) problems.push(`${join(path, key)}: unknown key; known: ${Object.keys(spec.keys).join(', ')}`);
      }
      return problems;
    }
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
