/**
 * Where the Prometheus-family binaries are: `.tools/bin` as
 * `scripts/install-tools.sh` lays it out, or a folder named by
 * `MONITORING_TOOLS_BIN`. Never the bare PATH: Debian 12's `prometheus` and
 * `amtool` on the PATH are too old to check what we render.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type ToolName = 'prometheus' | 'promtool' | 'alertmanager' | 'amtool' | 'pushgateway' | 'node-exporter';

const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Absolute path of a tool, or an error that says how to install it. */
export function toolPath(name: ToolName): string {
  const dir = process.env.MONITORING_TOOLS_BIN ?? join(PROJECT_ROOT, '.tools', 'bin');
  const path = join(dir, name);
  if (!existsSync(path)) {
    throw new Error(`${name} not found in ${dir}; run \`bash scripts/install-tools.sh\` (or set MONITORING_TOOLS_BIN to a folder that has it)`);
  }
  return path;
}
