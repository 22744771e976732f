/**
 * `npm run bench [-- name...]`: runs every `bench/*.bench.ts` (or the named
 * ones) and prints one JSON document of their figures. Benchmarks measure;
 * they never fail on timing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What a benchmark module exports. */
export interface BenchModule {
  /** Measure and return figures (JSON-serializable). */
  run(): Promise<Record<string, unknown>>;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')));
  if (files.length === 0) throw new Error(`no benchmark matches ${wanted.join(', ')}; available: ${readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  const results: Record<string, unknown> = {};
  for (const file of files) {
    const name = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`bench ${name}...\n`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(join(__dirname, file)) as BenchModule;
    results[name] = await module.run();
  }
  console.log(JSON.stringify({ node: process.version, cpus: require('node:os').cpus().length, results }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
