/** README's two commands are the ones CI and users run. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const commands = readme.match(/```sh\n([\s\S]*?)```/)![1].split('\n').filter((line) => line && !line.startsWith('#'));

describe('README', () => {
  it('starts with the install-and-synth command and the test command', () => {
    expect(commands).toEqual(['npm ci && npm run synth', 'npm ci && bash scripts/install-tools.sh && npm test']);
  });

  it('is what .ci/run runs', () => {
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
    expect(ci).toContain(commands[1]);
  });
});
