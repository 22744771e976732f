/** Small measuring helpers shared by the benchmarks. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Run a TS script in a fresh Node process (through tsx); its last stdout line must be JSON. */
export function runFresh(script: string, env: Record<string, string> = {}): { wallMs: number; result: Record<string, number> } {
  const started = process.hrtime.bigint();
  const child = spawnSync(join(__dirname, '..', 'node_modules', '.bin', 'tsx'), [script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`${script} failed: ${child.stderr}`);
  const lines = child.stdout.trim().split('\n');
  return { wallMs, result: JSON.parse(lines[lines.length - 1]) };
}
