/** One synth of the chosen profile in this fresh process; prints its time and peak memory as JSON. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const started = performance.now();
// Loaded here, not at the top, so module loading counts in the synth time as it does for a user.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadConfig } = require('../config');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildK8sApp } = require('../charts/app');
const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
buildK8sApp(loadConfig(), outdir).synth();
const synthMs = performance.now() - started;
rmSync(outdir, { recursive: true, force: true });
console.log(JSON.stringify({ synthMs, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
