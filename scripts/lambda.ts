/**
 * `npm run lambda -- <name> [args...]`: runs a Lambda's local runner
 * (`lambdas/<name>/cli.ts`), which invokes the same handler code as AWS
 * against real endpoints given on the command line.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What a Lambda's local runner exports. */
export interface LambdaCli {
  /** Run with the arguments after the name; resolve to the exit code. */
  main(argv: string[]): Promise<number>;
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const lambdasDir = join(__dirname, '..', 'lambdas');
  const available = readdirSync(lambdasDir).filter((d) => existsSync(join(lambdasDir, d, 'cli.ts')));
  if (!name || !available.includes(name)) {
    console.error(`usage: npm run lambda -- <name> [args...]; name is one of: ${available.join(', ') || '(none yet)'}`);
    process.exit(2);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require(join(lambdasDir, name, 'cli.ts')) as LambdaCli;
  process.exit(await cli.main(args));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
