import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, deepMerge, loadConfig, loadConfigFile, loadProfile } from '../../../config';

function file(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('profiles', () => {
  it('default is HA where it needs nothing external and has no AWS account', () => {
    const config = loadProfile('default');
    expect(config.prometheus.replicas).toBe(2);
    expect(config.alertmanager.replicas).toBe(2);
    expect(config.cluster.accountId).toBeUndefined();
  });

  it('production has the sizing users asked for', () => {
    const config = loadProfile('production');
    expect(config.cluster.environment).toBe('production');
    expect(config.prometheus).toMatchObject({ replicas: 2, scrapeInterval: '15s', evaluationInterval: '15s', retention: { time: '30d' }, storage: { size: '100Gi' } });
    expect(config.alertmanager).toMatchObject({ replicas: 2, storage: { size: '5Gi' } });
    expect(config.storage.volumeType).toBe('gp3');
  });

  it('refuses an unknown profile and lists the known ones', () => {
    expect(errorOf(() => loadProfile('staging')).message).toContain('"staging" is not a profile; use one of: default, production');
  });

  it('is chosen by MONITORING_PROFILE, and MONITORING_CONFIG wins over it', () => {
    expect(loadConfig({ MONITORING_PROFILE: 'production' }).cluster.environment).toBe('production');
    const path = file('mine.yaml', 'extends: default\ncluster:\n  name: from-file\n');
    expect(loadConfig({ MONITORING_PROFILE: 'production', MONITORING_CONFIG: path }).cluster.name).toBe('from-file');
    expect(loadConfig({}).cluster.environment).toBe('dev');
  });
});

describe('user files', () => {
  it('reads YAML over a base profile, replacing arrays and merging objects', () => {
    const path = file('c.yaml', ['extends: production', 'prometheus:', '  replicas: 3', 'network:', '  nodeCidrs: ["10.1.0.0/16"]'].join('\n'));
    const config = loadConfigFile(path);
    expect(config.prometheus.replicas).toBe(3);
    expect(config.prometheus.storage.size).toBe('100Gi');
    expect(config.network.nodeCidrs).toEqual(['10.1.0.0/16']);
  });

  it('reads JSON and TS modules', () => {
    expect(loadConfigFile(file('c.json', JSON.stringify({ cluster: { name: 'json-cluster' } }))).cluster.name).toBe('json-cluster');
    const ts = file('c.ts', "export default { extends: 'production', cluster: { name: 'ts-cluster' } };\n");
    const config = loadConfigFile(ts);
    expect(config.cluster.name).toBe('ts-cluster');
    expect(config.cluster.environment).toBe('production');
  });

  it('is validated the same way as a profile, naming the file', () => {
    const path = file('bad.yaml', 'prometheus:\n  replicas: 0\n');
    const error = errorOf(() => loadConfigFile(path));
    expect(error.source).toBe(path);
    expect(error.message).toContain('prometheus.replicas: must be at least 1');
  });

  it('refuses an unknown base profile', () => {
    expect(errorOf(() => loadConfigFile(file('c.yaml', 'extends: prod\n'))).message).toContain('extends: "prod" is not a profile');
  });

  it('refuses a file that is not an object, or cannot be parsed', () => {
    expect(errorOf(() => loadConfigFile(file('c.yaml', '- a\n- b\n'))).message).toContain('must contain an object of configuration fields');
    expect(errorOf(() => loadConfigFile(file('c.json', '{ nope'))).message).toContain('cannot be read');
    expect(errorOf(() => loadConfigFile('/nonexistent/config.yaml')).message).toContain('cannot be read');
  });
});

describe('deepMerge', () => {
  it('merges objects, replaces arrays and scalars, ignores undefined', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: undefined })).toEqual({ a: { b: 1, c: [3] }, d: 1 });
  });
});
