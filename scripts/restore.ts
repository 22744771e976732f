/**
 * `npm run restore -- --bucket <name> --data-dir <dir> [...]`: download
 * Prometheus blocks from the backup bucket into a data directory. See
 * docs/restore.md (also for Grafana and Alertmanager).
 *
 * Exit codes: 0 restored (or nothing left to do), 1 failed, 2 bad usage.
 */
import { mkdirSync } from 'node:fs';
import { parseFlags } from '../lambdas/shared/cli';
import { createS3Client } from '../lambdas/shared/s3';
import { RestoreError, restoreBlocks } from '../lambdas/backup/restore';

export const USAGE = `usage: npm run restore -- --bucket <name> --data-dir <dir> [flags]
  --bucket <name>          backup bucket (required)
  --data-dir <dir>         Prometheus data directory to restore into (required; Prometheus stopped, or it picks blocks up on its next reload)
  --prefix <prefix>        key prefix of the blocks (default: prometheus)
  --replica <name>         replica whose blocks to restore, e.g. prometheus-0 (required when the bucket holds several)
  --from <time>            only blocks overlapping this window (RFC 3339, e.g. 2026-11-20T00:00:00Z)
  --to <time>
  --blocks <ulid,...>      exactly these blocks
  --region <region>        (default: AWS_REGION, then eu-west-1)
  --endpoint <url>         S3-compatible endpoint (tests, MinIO)
  --dry-run                list what would be restored`;

/** Run the restore from the command line; resolves to the exit code. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      bucket: { type: 'string' },
      'data-dir': { type: 'string' },
      prefix: { type: 'string' },
      replica: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      blocks: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const problems: string[] = [];
  if (!values.bucket) problems.push('--bucket is required');
  if (!values['data-dir']) problems.push('--data-dir is required');
  const time = (flag: 'from' | 'to') => {
    if (values[flag] === undefined) return undefined;
    const date = new Date(String(values[flag]));
    if (Number.isNaN(date.getTime())) problems.push(`--${flag} "${values[flag]}" is not a time such as 2026-11-20T00:00:00Z`);
    return date;
  };
  const from = time('from');
  const to = time('to');
  if (problems.length) {
    console.error(`${problems.join('\n')}\n${USAGE}`);
    return 2;
  }
  const dataDir = String(values['data-dir']);
  mkdirSync(dataDir, { recursive: true });
  const s3 = createS3Client({ region: String(values.region ?? env.AWS_REGION ?? 'eu-west-1'), endpoint: values.endpoint as string | undefined });
  try {
    const result = await restoreBlocks(s3, {
      bucket: String(values.bucket),
      prefix: String(values.prefix ?? 'prometheus').replace(/^\/+|\/+$/g, ''),
      dataDir,
      replica: values.replica as string | undefined,
      from,
      to,
      blocks: typeof values.blocks === 'string' ? values.blocks.split(',').map((b) => b.trim()).filter(Boolean) : undefined,
      dryRun: values['dry-run'] === true,
      onBlock: ({ ulid, action, bytes }) => console.error(`${action.padEnd(8)} ${ulid} ${bytes} bytes`),
    });
    console.log(JSON.stringify({ dataDir, blocks: result.blocks.length, restored: result.blocks.filter((b) => b.action === 'restored').length, bytes: result.bytes, seconds: result.seconds, list: result.blocks }, null, 2));
    return 0;
  } catch (error) {
    console.error(error instanceof RestoreError ? `restore refused: ${error.message}` : `restore failed: ${(error as Error).message}`);
    return error instanceof RestoreError ? 2 : 1;
  } finally {
    s3.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
