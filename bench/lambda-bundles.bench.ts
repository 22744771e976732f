/**
 * Each Lambda bundle: size (JavaScript, source map, zip), and its cold
 * load in a fresh Node process (require of the bundled index.js, as the
 * runtime does on a cold start): median time and peak memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STACK_LAMBDAS } from '../stacks/app';
import { bundleLambda } from '../stacks/lambda-bundle';
import { median, round } from './lib';

const RUNS = 7;
/** Runs in the fresh process: load the bundle, report time and peak RSS. */
const LOADER = `const t=process.hrtime.bigint();const m=require(process.argv[1]);const ms=Number(process.hrtime.bigint()-t)/1e6;if(typeof m.handler!=='function')throw new Error('no handler');console.log(JSON.stringify({ms,rssMiB:process.resourceUsage().maxRSS/1024}));`;

export async function run(): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {};
  const dir = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    const baseline = loads(join(dir, 'empty.js'), 'module.exports.handler = () => undefined;');
    for (const name of STACK_LAMBDAS) {
      const started = performance.now();
      const bundle = bundleLambda(name, { outDir: dir });
      const buildMs = performance.now() - started;
      const runs = loads(join(dir, `${name}.js`), bundle.code);
      figures[name] = {
        buildMs: round(buildMs),
        jsKiB: round(bundle.jsBytes / 1024),
        sourceMapKiB: round(bundle.mapBytes / 1024),
        zipKiB: round(bundle.zipBytes / 1024),
        awsSdkClients: bundle.awsSdkPackages.filter((p) => p.startsWith('@aws-sdk/client-')),
        runs: RUNS,
        medianColdLoadMs: round(median(runs.map((r) => r.ms))),
        peakRssMiB: round(Math.max(...runs.map((r) => r.rssMiB))),
      };
    }
    figures.emptyModule = { medianColdLoadMs: round(median(baseline.map((r) => r.ms)), 2), peakRssMiB: round(Math.max(...baseline.map((r) => r.rssMiB))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

function loads(file: string, code: string): Array<{ ms: number; rssMiB: number }> {
  writeFileSync(file, code);
  return Array.from({ length: RUNS }, () => {
    const child = spawnSync(process.execPath, ['-e', LOADER, file], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`loading ${file} failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!);
  });
}
