/**
 * Lambda bundles, built before the stack: esbuild (minified, source maps,
 * node22, CommonJS) and a deterministic zip. The zip's bytes depend only
 * on the code: entries are sorted, timestamps fixed, and source-map paths
 * are relative to the repository, not to wherever the build ran. So its
 * SHA-256 (the function's `source_code_hash`, and the asset's hash)
 * changes exactly when the code does.
 *
 * The bundle contains only the AWS SDK clients the function imports
 * (esbuild follows imports; nothing is marked external), so the code runs
 * against the SDK version it was tested with, not the runtime's.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { buildSync } from 'esbuild';

const ROOT = resolve(__dirname, '..');
/** A fixed, never-written location the outputs are named after, so source-map paths are the same on every machine. */
const VIRTUAL_OUT = join(ROOT, '.lambda-build');

export interface LambdaBundle {
  /** Function folder under `lambdas/`. */
  readonly name: string;
  /** The zip on disk (a temporary folder unless `outDir` was given). */
  readonly zipPath: string;
  /** Hex SHA-256 of the zip. */
  readonly sha256: string;
  /** Base64 SHA-256 of the zip: Lambda's `source_code_hash`. */
  readonly base64Sha256: string;
  readonly zipBytes: number;
  readonly jsBytes: number;
  readonly mapBytes: number;
  /** The handler setting: `index.handler`. */
  readonly handler: string;
  /** npm packages under `@aws-sdk/` that ended up in the bundle. */
  readonly awsSdkPackages: string[];
  /** The bundled JavaScript, for tests and benchmarks. */
  readonly code: string;
}

export interface BundleOptions {
  /** @default `lambdas/<name>/handler.ts` */
  readonly entry?: string;
  /** Where to write the zip. @default - a fresh temporary folder */
  readonly outDir?: string;
  /**
   * Extra files in the zip beside `index.js`, by name (e.g. a function's
   * configuration, which then changes the hash like code does).
   * @default {}
   */
  readonly files?: Readonly<Record<string, string>>;
}

const cache = new Map<string, LambdaBundle>();

/** Bundle `lambdas/<name>/handler.ts` (once per process and name). */
export function bundleLambda(name: string, options: BundleOptions = {}): LambdaBundle {
  const key = `${name}\0${options.entry ?? ''}\0${options.outDir ?? ''}\0${JSON.stringify(options.files ?? {})}`;
  if (!cache.has(key)) cache.set(key, buildBundle(name, options));
  return cache.get(key)!;
}

function buildBundle(name: string, options: BundleOptions): LambdaBundle {
  const entry = resolve(ROOT, options.entry ?? join('lambdas', name, 'handler.ts'));
  const outfile = join(VIRTUAL_OUT, name, 'index.js');
  const result = buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'external',
    sourcesContent: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path === outfile);
  const map = result.outputFiles.find((f) => f.path === `${outfile}.map`);
  if (!js || !map) throw new Error(`bundleLambda(${name}): esbuild wrote ${result.outputFiles.map((f) => relative(ROOT, f.path)).join(', ')}, not index.js and index.js.map`);
  // esbuild names the map by its file; point to it explicitly so --enable-source-maps finds it in the zip.
  const code = js.text.replace(/\/\/# sourceMappingURL=.*\n?$/, '') + '//# sourceMappingURL=index.js.map\n';
  const extra = Object.entries(options.files ?? {});
  const clash = extra.find(([file]) => file === 'index.js' || file === 'index.js.map' || !/^[\w.-]+$/.test(file));
  if (clash) throw new Error(`bundleLambda(${name}): 'files' has "${clash[0]}"; use a plain file name other than index.js and index.js.map`);
  const zip = deterministicZip([
    { name: 'index.js', data: Buffer.from(code) },
    { name: 'index.js.map', data: Buffer.from(map.contents) },
    ...extra.map(([file, text]) => ({ name: file, data: Buffer.from(text) })),
  ]);
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), `lambda-${name}-`));
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `${name}.zip`);
  writeFileSync(zipPath, zip);
  const digest = createHash('sha256').update(zip).digest();
  const awsSdkPackages = [...new Set(Object.keys(result.metafile!.inputs).flatMap((input) => /node_modules\/(@aws-sdk\/[^/]+)\//.exec(input)?.[1] ?? []))].sort();
  return {
    name,
    zipPath,
    sha256: digest.toString('hex'),
    base64Sha256: digest.toString('base64'),
    zipBytes: zip.length,
    jsBytes: Buffer.byteLength(code),
    mapBytes: map.contents.length,
    handler: 'index.handler',
    awsSdkPackages,
    code,
  };
}

/** A zip archive whose bytes depend only on the entries: sorted, deflated, dated 1980-01-01. */
export function deterministicZip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = Buffer.from(entry.name);
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
