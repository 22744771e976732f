import { envFlagOptions, envWithFlags, parseFlags, timeoutFlag } from '../../lambdas/shared/cli';

describe('local runner flags', () => {
  let errors: string[];
  let logs: string[];
  beforeEach(() => {
    errors = [];
    logs = [];
    jest.spyOn(console, 'error').mockImplementation((text: string) => void errors.push(text));
    jest.spyOn(console, 'log').mockImplementation((text: string) => void logs.push(text));
  });
  afterEach(() => jest.restoreAllMocks());

  const FLAGS = { 'prometheus-url': 'PROMETHEUS_URL', cluster: 'CLUSTER_NAME' };
  const options = { ...envFlagOptions(FLAGS), 'dry-run': { type: 'boolean' as const } };

  it('maps environment flags onto the variables, over the ones already set', () => {
    const parsed = parseFlags(['--prometheus-url', 'http://p:9090', '--dry-run'], options, 'usage');
    if ('exitCode' in parsed) throw new Error('expected values');
    expect(parsed.values['dry-run']).toBe(true);
    expect(envWithFlags({ PROMETHEUS_URL: 'http://old', CLUSTER_NAME: 'c1' }, FLAGS, parsed.values)).toEqual({ PROMETHEUS_URL: 'http://p:9090', CLUSTER_NAME: 'c1' });
  });

  it('exits 2 with the error and the usage on an unknown flag or a positional', () => {
    expect(parseFlags(['--prometheus'], options, 'the usage')).toEqual({ exitCode: 2 });
    expect(parseFlags(['extra'], options, 'the usage')).toEqual({ exitCode: 2 });
    expect(errors.every((text) => text.endsWith('\nthe usage'))).toBe(true);
    expect(errors[0]).toMatch(/--prometheus/);
  });

  it('prints the usage and exits 0 on --help', () => {
    expect(parseFlags(['--help'], options, 'the usage')).toEqual({ exitCode: 0 });
    expect(logs).toEqual(['the usage']);
  });

  it('reads --timeout as positive seconds, with a default', () => {
    expect(timeoutFlag(undefined, 300)).toBe(300);
    expect(timeoutFlag('12.5', 300)).toBe(12.5);
    expect(timeoutFlag('soon', 300)).toBeUndefined();
    expect(timeoutFlag('0', 300)).toBeUndefined();
    expect(errors).toEqual(['--timeout "soon" is not a number of seconds', '--timeout "0" is not a number of seconds']);
  });
});
