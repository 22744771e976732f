import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { missingEntries, platformOf } = require('../../scripts/complete-lockfile.cjs');

const root = join(__dirname, '..', '..');

describe('package-lock.json', () => {
  it('has an entry for every optional platform package, so `npm ci` accepts it', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    // A failure here means `npm install` dropped platform packages the registry
    // does not serve: run `node scripts/complete-lockfile.cjs`.
    expect(Object.keys(missingEntries(lock.packages))).toEqual([]);
  });

  it('infers os, cpu and libc from platform package names', () => {
    expect(platformOf('@swc/core-linux-arm-gnueabihf')).toEqual({ os: ['linux'], cpu: ['arm'], libc: ['glibc'] });
    expect(platformOf('@unrs/resolver-binding-darwin-x64')).toEqual({ os: ['darwin'], cpu: ['x64'] });
    expect(platformOf('left-pad')).toBeUndefined();
  });

  it('adds the missing entry of a package that lost its platform builds', () => {
    const packages = {
      '': { devDependencies: { tool: '1.0.0' } },
      'node_modules/tool': { version: '1.0.0', dev: true, optionalDependencies: { 'tool-win32-x64-msvc': '1.0.0' } },
    };
    expect(missingEntries(packages)).toEqual({
      'node_modules/tool-win32-x64-msvc': { version: '1.0.0', os: ['win32'], cpu: ['x64'], optional: true, dev: true },
    });
  });
});
