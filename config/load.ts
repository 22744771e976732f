/**
 * Turning a profile name or a user's file into a validated
 * `MonitoringConfig`: parse, merge over the base profile, check the shape
 * with the schema, then the cross-field checks. Any problem ends in one
 * `ConfigError` that lists them all.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { CONFIG_CHECKS } from './checks';
import { ConfigError, type ConfigIssue } from './errors';
import { defaultProfile } from './profiles/default';
import { productionProfile } from './profiles/production';
import { type MonitoringConfig, MonitoringConfigSchema, type MonitoringConfigInput } from './schema';

/** The built-in profiles, by the name `MONITORING_PROFILE` takes. */
export const PROFILES = { default: defaultProfile, production: productionProfile } as const;
export type ProfileName = keyof typeof PROFILES;

/** A user's file: any subset of the configuration over a built-in profile. */
export type ConfigFile = MonitoringConfigInput & { extends?: ProfileName };

/** Validate a configuration input; `source` names it in errors. */
export function resolveConfig(input: unknown, source: string): MonitoringConfig {
  const parsed = MonitoringConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.flatMap(describeIssue));
  const issues = CONFIG_CHECKS.flatMap((check) => check(parsed.data));
  if (issues.length > 0) throw new ConfigError(source, issues);
  return parsed.data;
}

/** The validated configuration of a built-in profile. */
export function loadProfile(name: string): MonitoringConfig {
  if (!isProfileName(name)) {
    throw new ConfigError(`MONITORING_PROFILE=${name}`, [{ path: 'MONITORING_PROFILE', message: `"${name}" is not a profile; use one of: ${Object.keys(PROFILES).join(', ')}` }]);
  }
  return resolveConfig(PROFILES[name], `profile ${name}`);
}

/**
 * The validated configuration of a user's file (JSON, YAML, or a TS/JS
 * module exporting `default` or `config`). The file may name a base
 * profile in `extends`; its fields are merged over it, arrays replaced.
 */
export function loadConfigFile(path: string): MonitoringConfig {
  const absolute = resolve(path);
  const raw = readConfigFile(absolute);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(path, [{ path: '(file)', message: 'must contain an object of configuration fields' }]);
  }
  const { extends: base = 'default', ...overrides } = raw as Record<string, unknown>;
  if (typeof base !== 'string' || !isProfileName(base)) {
    throw new ConfigError(path, [{ path: 'extends', message: `${JSON.stringify(base)} is not a profile; use one of: ${Object.keys(PROFILES).join(', ')}` }]);
  }
  return resolveConfig(deepMerge(PROFILES[base], overrides), path);
}

/**
 * The configuration chosen by the environment, as both apps read it:
 * `MONITORING_CONFIG=<file>` wins over `MONITORING_PROFILE=<name>`
 * (default `default`).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): MonitoringConfig {
  if (env.MONITORING_CONFIG) return loadConfigFile(env.MONITORING_CONFIG);
  return loadProfile(env.MONITORING_PROFILE ?? 'default');
}

/** Merge `override` into `base`: objects field by field, everything else replaced. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(merged[key], value);
  return merged as T;
}

function readConfigFile(path: string): unknown {
  const extension = extname(path);
  try {
    if (['.ts', '.js', '.cjs', '.mts', '.mjs'].includes(extension)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(path);
      return module.default ?? module.config;
    }
    const text = readFileSync(path, 'utf8');
    return extension === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, [{ path: '(file)', message: `cannot be read: ${(error as Error).message}` }]);
  }
}

function describeIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: path ? `${path}.${key}` : key,
      message: `unknown field${suggestion(key, knownKeysAt(issue.path))}`,
    }));
  }
  return [{ path: path || '(root)', message: issue.message }];
}

function suggestion(key: string, known: string[]): string {
  const best = known
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)[0];
  if (best && best.distance <= Math.max(2, Math.floor(key.length / 3))) return `; did you mean "${best.candidate}"?`;
  return known.length > 0 ? `; known fields: ${known.join(', ')}` : '';
}

/** The field names the schema accepts at a path, for "did you mean" hints. */
function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = MonitoringConfigSchema;
  for (const segment of [...path, null]) {
    schema = unwrap(schema);
    if (segment === null) break;
    const def = (schema?._zod.def ?? {}) as unknown as Record<string, unknown>;
    if (def.type === 'object') schema = (def.shape as Record<string, z.core.$ZodType>)[String(segment)];
    else if (def.type === 'array') schema = def.element as z.core.$ZodType;
    else return [];
  }
  const def = schema?._zod.def as { type?: string; shape?: object } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 10; depth++) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType; getter?: () => z.core.$ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else break;
  }
  return current;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isProfileName(name: string): name is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, name);
}

/**
 * Run an app entry with the configuration the environment chooses. A
 * refused configuration is the user's to fix, not a crash: its message goes
 * to stderr and the process exits with 2; anything else propagates.
 */
export function withConfig(run: (config: MonitoringConfig) => void): void {
  try {
    run(loadConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
