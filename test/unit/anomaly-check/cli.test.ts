import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as anomaly, parseAnomalyArgs } from '../../../scripts/anomaly';
import { main as anomalyEval } from '../../../scripts/anomaly-eval';
import { makeFixture } from './corpus-fixture';

/** Runs a CLI's main with captured output. */
async function run(cli: typeof anomaly, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const fixture = makeFixture();
const csv = join(fixture.data, 'withSpikes', 'a.csv');

describe('npm run anomaly', () => {
  it('writes timestamp,value,anomaly_score,label for every row', async () => {
    const { code, out, err } = await run(anomaly, ['--csv', csv, '--detector', 'robust-zscore']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score,label');
    expect(lines.length).toBe(6 * 288 + 1);
    expect(lines[1]).toMatch(/^2024-01-01 00:00:00,[-\d.e]+,0,0$/);
    const alarms = lines.filter((l) => l.endsWith(',1'));
    expect(alarms.map((l) => l.split(',')[0])).toEqual(['2024-01-05 00:00:00']);
  });

  it.each([
    [[], '--csv FILE is required'],
    [['--csv'], '--csv needs a value'],
    [['--csv', csv, '--colour', 'red'], 'unknown option --colour; known options: --csv, --detector, --sensitivity, --min-history, --help'],
    [['--csv', csv, '--detector', 'magic'], '--detector "magic" is not a detector; use one of: default, ensemble'],
    [['--csv', csv, '--sensitivity', 'max'], '--sensitivity "max" is not one of low, medium, high'],
    [['--csv', csv, '--min-history', '1'], '--min-history must be an integer >= 2, got "1"'],
    [['--csv', csv, '--csv', csv], '--csv is given twice'],
    [[csv], `unexpected argument "${csv}"; options start with --`],
  ])('refuses %j with a usage error', async (argv, message) => {
    const { code, out, err } = await run(anomaly, argv as string[]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`error: ${message}`);
    expect(err).toContain('usage: npm run anomaly -- --csv FILE');
  });

  it('names the file, and the line, it cannot use', async () => {
    const missing = await run(anomaly, ['--csv', '/nonexistent/x.csv']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe('error: cannot read /nonexistent/x.csv: ENOENT; check the path\n');
    const bad = join(fixture.root, 'bad.csv');
    writeFileSync(bad, 'timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,oops\n');
    const broken = await run(anomaly, ['--csv', bad]);
    expect(broken.code).toBe(1);
    expect(broken.err).toBe(`error: ${bad}:3: value "oops" is not a number; write a decimal number, or leave the cell empty for a gap\n`);
  });

  it('prints the usage for --help', async () => {
    const { code, err } = await run(anomaly, ['--help']);
    expect(code).toBe(0);
    expect(err).toMatch(/^usage: /);
  });

  it('defaults to the default detector at medium sensitivity', () => {
    expect(parseAnomalyArgs(['--csv', 'x.csv'])).toEqual({ csv: 'x.csv', detector: 'ensemble', sensitivity: 'medium', minHistory: undefined });
  });
});

describe('npm run anomaly:eval', () => {
  it('prints a table per detector, per folder and overall', async () => {
    const { code, out } = await run(anomalyEval, ['--data', fixture.data, '--detector', 'robust-zscore,skyline']);
    expect(code).toBe(0);
    expect(out).toContain('NAB scores of 2 series');
    for (const detector of ['robust-zscore', 'skyline']) for (const group of ['quiet', 'withSpikes', 'overall']) expect(out).toMatch(new RegExp(`^${detector}\\s+${group}\\s`, 'm'));
  });

  it('emits JSON with --json, with per-file rows under --files, and the leave-one-folder-out check under --lofo', async () => {
    const { code, out } = await run(anomalyEval, ['--data', fixture.data, '--labels', fixture.labels, '--detector', 'robust-zscore', '--json', '--files', '--lofo']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.profiles).toEqual(['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']);
    const overall = report.evaluations[0].groups.find((g: { group: string }) => g.group === 'overall');
    expect(overall.nab.standard).toBeGreaterThan(90);
    expect(report.evaluations[0].files).toHaveLength(2);
    expect(report.lofo['robust-zscore'].folders).toHaveLength(2);
  });

  it.each([
    [[], '--data DIR is required'],
    [['--data', fixture.data, '--detector', 'all,magic'], '--detector "all" is not a detector'],
    [['--data', fixture.data, '--detector', 'magic'], '--detector "magic" is not a detector; use all, or one or more'],
    [['--data', fixture.data, '--json=yes'], '--json takes no value'],
  ])('refuses %j with a usage error', async (argv, message) => {
    const { code, err } = await run(anomalyEval, argv as string[]);
    expect(code).toBe(2);
    expect(err).toContain(`error: ${message}`);
  });

  it('names the folder or label file it cannot use', async () => {
    const noData = await run(anomalyEval, ['--data', '/nonexistent/data', '--labels', fixture.labels]);
    expect(noData.code).toBe(1);
    expect(noData.err).toBe('error: --data /nonexistent/data is not a folder; pass a NAB-style data folder (DIR/<folder>/<name>.csv)\n');
    const noLabels = await run(anomalyEval, ['--data', fixture.data, '--labels', '/nonexistent/labels']);
    expect(noLabels.code).toBe(1);
    expect(noLabels.err).toContain('cannot read /nonexistent/labels/scoring-profiles.json: ENOENT');
  });
});
