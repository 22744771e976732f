/**
 * The real validators of Prometheus and Alertmanager configuration:
 * `promtool` and `amtool` from the Debian packages, run on files written
 * exactly as the ConfigMaps hold them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ToolName, toolPath } from './tools';

/** Outcome of one tool run. */
export interface ToolResult {
  readonly ok: boolean;
  readonly output: string;
}

/** Fail with install instructions when a tool is missing, rather than a cryptic ENOENT. */
export function requireTool(tool: 'promtool' | 'amtool'): void {
  toolPath(tool);
}

function run(tool: ToolName, args: string[], cwd?: string): ToolResult {
  const result = spawnSync(toolPath(tool), args, { encoding: 'utf8', cwd, timeout: 60_000 });
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Write `files` to a fresh temporary folder, run `fn` in it, remove it. */
export function withFiles<T>(files: Record<string, string>, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'monitoring-validate-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `promtool check config --syntax-only`: the credential and CA files the
 * config names exist only inside the pod, so their existence is not checked
 * here; everything else is.
 */
export function checkPrometheusConfig(prometheusYml: string): ToolResult {
  return withFiles({ 'prometheus.yml': prometheusYml }, (dir) => run('promtool', ['check', 'config', '--syntax-only', 'prometheus.yml'], dir));
}

/** `promtool check rules` on one rule file. */
export function checkRules(fileName: string, content: string): ToolResult {
  return withFiles({ [fileName]: content }, (dir) => run('promtool', ['check', 'rules', fileName], dir));
}

/** `amtool check-config` on an `alertmanager.yml`. */
export function checkAlertmanagerConfig(alertmanagerYml: string): ToolResult {
  return withFiles({ 'alertmanager.yml': alertmanagerYml }, (dir) => run('amtool', ['check-config', 'alertmanager.yml'], dir));
}

/** `promtool test rules` on a unit-test file beside the rule files it names. */
export function testRules(files: Record<string, string>, testFile: string): ToolResult {
  return withFiles(files, (dir) => run('promtool', ['test', 'rules', testFile], dir));
}

/**
 * `amtool config routes test`: the receivers an alert with these labels
 * reaches under an `alertmanager.yml`, in routing order.
 */
export function routeReceivers(alertmanagerYml: string, labels: Record<string, string>): string[] {
  return withFiles({ 'alertmanager.yml': alertmanagerYml }, (dir) => {
    const args = Object.entries(labels).map(([name, value]) => `${name}=${value}`);
    const spawned = spawnSync(toolPath('amtool'), ['config', 'routes', 'test', '--config.file=alertmanager.yml', ...args], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    if (spawned.error) throw spawned.error;
    if (spawned.status !== 0) throw new Error(`amtool config routes test ${args.join(' ')} failed:\n${spawned.stdout}${spawned.stderr}`);
    return spawned.stdout.trim().split(',').filter(Boolean);
  });
}
