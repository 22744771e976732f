#!/usr/bin/env node
/**
 * Adds package-lock.json entries for optional, platform-specific packages
 * (`@swc/core-darwin-arm64`, `@unrs/resolver-binding-win32-x64-msvc`, ...)
 * that `npm install` left out.
 *
 * Why: the registry this project installs from does not serve every
 * platform build of every version. `npm install` then silently drops those
 * optional packages from the lock file, and `npm ci` afterwards refuses the
 * lock as "out of sync" ("Missing: @swc/core-darwin-arm64@ from lock file").
 * An entry with `os`/`cpu` lets `npm ci` skip the package on other platforms
 * without fetching it, exactly as it would with a complete lock.
 *
 * Usage, after any `npm install <pkg>`:
 *   node scripts/complete-lockfile.cjs            # fix package-lock.json
 *   node scripts/complete-lockfile.cjs --check    # exit 1 if entries are missing
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'loong64', 'riscv64', 'wasm32'];
const OSES = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'wasi'];

/** Infers os/cpu/libc from a platform package name such as `core-linux-arm-gnueabihf`. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OSES.includes(part));
  const cpu = parts.find((part) => CPUS.includes(part));
  if (!os || !cpu) return undefined;
  const libc = name.includes('-gnu') ? ['glibc'] : name.includes('-musl') ? ['musl'] : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

/** Returns the lock entries to add: optional dependencies with no entry of their own. */
function missingEntries(packages) {
  const missing = {};
  for (const [location, entry] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const nested = location ? `${location}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[nested] || packages[`node_modules/${name}`] || missing[`node_modules/${name}`]) continue;
      const platform = platformOf(name);
      if (!platform) {
        throw new Error(`optional dependency ${name} of ${location || 'the project'} has no lock entry and no platform in its name; run npm install on a machine that can fetch it`);
      }
      missing[`node_modules/${name}`] = { version, ...platform, optional: true, ...(entry.dev ? { dev: true } : {}) };
    }
  }
  return missing;
}

/** Entry point: fixes (or with --check verifies) the lock file beside package.json. */
function main() {
  const check = process.argv.includes('--check');
  const file = path.join(__dirname, '..', 'package-lock.json');
  const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
  const missing = missingEntries(lock.packages);
  const names = Object.keys(missing);
  if (check) {
    if (names.length > 0) {
      console.error(`package-lock.json lacks ${names.length} optional platform entries (${names.slice(0, 3).join(', ')}, ...); run: node scripts/complete-lockfile.cjs`);
      process.exit(1);
    }
    return;
  }
  const merged = { ...lock.packages, ...missing };
  // npm keeps the root entry ("") first and the rest in name order.
  lock.packages = Object.fromEntries(
    Object.keys(merged)
      .sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en')))
      .map((key) => [key, merged[key]]),
  );
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: added ${names.length} optional platform entries`);
}

if (require.main === module) main();
module.exports = { missingEntries, platformOf };
