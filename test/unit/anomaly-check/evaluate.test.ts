import { loadCorpus } from '../../../lambdas/anomaly-check/nab/corpus';
import { evaluateLabeller, formatTable } from '../../../lambdas/anomaly-check/nab/evaluate';
import { parseProfiles, parseWindows, readProfiles, readWindows } from '../../../lambdas/anomaly-check/nab/labels';
import { windowRows } from '../../../lambdas/anomaly-check/nab/scorer';
import { labelsFromScores, leaveOneFolderOut, policyGrid, scoreEvidence, tunePolicy } from '../../../lambdas/anomaly-check/nab/tuning';
import { surpriseToScore } from '../../../lambdas/anomaly-check/detectors/alarm';
import { defaultProfiles, makeFixture } from './corpus-fixture';

const fixture = makeFixture();
const profiles = readProfiles(fixture.labels);
const corpus = loadCorpus(fixture.data, readWindows(fixture.labels));

describe('label files', () => {
  it('reads the three profiles in NAB order', () => {
    expect(profiles.map((p) => [p.name, p.fpWeight, p.fnWeight])).toEqual([
      ['standard', 0.11, 1],
      ['reward_low_FP_rate', 0.22, 1],
      ['reward_low_FN_rate', 0.11, 2],
    ]);
    expect(parseProfiles(JSON.parse(defaultProfiles()))).toEqual(profiles);
  });

  it('names the file and field of a bad profile or window', () => {
    expect(() => parseProfiles({ standard: { CostMatrix: { tpWeight: 1, fpWeight: -1, fnWeight: 1 } } }, 'p.json')).toThrow('p.json: standard.CostMatrix.fpWeight must be a non-negative number, got -1');
    expect(() => parseWindows({ 'x/a.csv': [['2014-01-02 00:00:00', '2014-01-01 00:00:00']] }, 'w.json')).toThrow('w.json: "x/a.csv" window 0 is');
    expect(() => parseWindows([], 'w.json')).toThrow('w.json: expected an object');
    expect(() => readWindows('/nonexistent')).toThrow('cannot read /nonexistent/combined_windows.json: ENOENT; pass --labels DIR');
  });
});

describe('corpus', () => {
  it('loads every series with its folder and windows', () => {
    expect(corpus.map((s) => [s.key, s.folder, s.windows.length])).toEqual([
      ['quiet/b.csv', 'quiet', 0],
      ['withSpikes/a.csv', 'withSpikes', 1],
    ]);
  });

  it('refuses a series the label file does not know, and a missing folder', () => {
    expect(() => loadCorpus(fixture.data, parseWindows({ 'quiet/b.csv': [] }))).toThrow('has no entry "withSpikes/a.csv" in combined_windows.json');
    expect(() => loadCorpus('/nonexistent', new Map())).toThrow('--data /nonexistent is not a folder');
  });
});

describe('evaluateLabeller', () => {
  /** Fires at the first row of every window. */
  const perfect = (s: (typeof corpus)[number]): Uint8Array => {
    const labels = new Uint8Array(s.values.length);
    for (const row of windowRows(s.timestamps, s.windows)) labels[row.first] = 1;
    return labels;
  };

  it('gives a perfect labeller 100 and a silent one 0, per folder and overall', () => {
    const best = evaluateLabeller('perfect', perfect, corpus, profiles);
    const overall = best.groups.find((g) => g.group === 'overall')!;
    expect(overall.nab).toEqual({ standard: 100, reward_low_FP_rate: 100, reward_low_FN_rate: 100 });
    expect([overall.precision, overall.recall, overall.f1]).toEqual([1, 1, 1]);
    expect(best.groups.find((g) => g.group === 'quiet')!.nab.standard).toBeNaN();
    const silent = evaluateLabeller('silent', (s) => new Uint8Array(s.values.length), corpus, profiles);
    expect(silent.groups.find((g) => g.group === 'overall')!.nab.standard).toBe(0);
    expect(best.files.map((f) => f.key)).toEqual(['quiet/b.csv', 'withSpikes/a.csv']);
  });

  it('formats a table with a row per folder and overall', () => {
    const table = formatTable([evaluateLabeller('perfect', perfect, corpus, profiles)], profiles);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^detector\s+group\s+standard\s+reward_low_FP_rate\s+reward_low_FN_rate\s+windows\s+found\s+FP\s+precision\s+recall\s+F1$/);
    expect(lines.some((l) => /^perfect\s+overall\s+100\.0\s+100\.0\s+100\.0\s+1\s+1\s+0\s+1\.00\s+1\.00\s+1\.00$/.test(l))).toBe(true);
    expect(lines.some((l) => /^perfect\s+quiet\s+n\/a/.test(l))).toBe(true);
  });
});

describe('policy tuning and leave-one-folder-out', () => {
  const spiky = corpus.find((s) => s.folder === 'withSpikes')!;
  const at = windowRows(spiky.timestamps, spiky.windows)[0].first + 40;
  // Scores: 0.9 at the spike, 0.6 at one other point of the spiky series, 0.8 at one point of the quiet one.
  const scored = corpus.map((series) => {
    const scores = new Float64Array(series.values.length).fill(0.1);
    if (series === spiky) scores[300] = 0.6;
    else scores[900] = 0.8;
    if (series === spiky) scores[at] = 0.9;
    return { series, scores };
  });
  const grid = policyGrid([0.5, 0.7, 0.95], [3_600_000]);

  it('labels from scores under a threshold and a quiet period', () => {
    const labels = labelsFromScores(Float64Array.from([0.9, 0.9, 0.1, 0.9]), Float64Array.from([0, 1000, 2000, 5000]), { scoreThreshold: 0.5, quietMs: 3000, episodeCalmPoints: 0 });
    expect(Array.from(labels)).toEqual([1, 0, 0, 1]);
  });

  it('by default also waits for the episode to end, as the default detector does', () => {
    const timestamps = Float64Array.from({ length: 80 }, (_, i) => i * 1000);
    const scores = new Float64Array(80).fill(0.1);
    scores[0] = 0.9;
    scores[40] = 0.9;
    scores[79] = 0.9;
    // 39 calm points after the first alarm are too few (72 end an episode); 78 are enough.
    const labels = labelsFromScores(scores, timestamps, { scoreThreshold: 0.5, quietMs: 0 });
    expect(Array.from(labels).flatMap((l, i) => (l ? [i] : []))).toEqual([0]);
    const longer = Float64Array.from({ length: 160 }, (_, i) => i * 1000);
    const spaced = new Float64Array(160).fill(0.1);
    spaced[0] = 0.9;
    spaced[100] = 0.9;
    expect(Array.from(labelsFromScores(spaced, longer, { scoreThreshold: 0.5, quietMs: 0 })).flatMap((l, i) => (l ? [i] : []))).toEqual([0, 100]);
  });

  it('reads scores as evidence in medium-threshold units: 1 at 0.5, half at the half-surprise score', () => {
    expect(scoreEvidence(0.5)).toBeCloseTo(1, 12);
    expect(scoreEvidence(surpriseToScore(1.5, 3))).toBeCloseTo(0.5, 12);
    expect(scoreEvidence(0)).toBe(0);
  });

  it('picks the threshold that keeps the spike and drops the most false-alarm weight', () => {
    expect(tunePolicy(scored, grid, profiles[0]).policy.scoreThreshold).toBe(0.7);
  });

  it('scores each folder with the policy tuned on the others', () => {
    const report = leaveOneFolderOut(scored, grid, profiles[0]);
    expect(report.allFolders.policy.scoreThreshold).toBe(0.7);
    expect(report.folders.map((f) => [f.folder, f.policy.scoreThreshold])).toEqual([
      ['quiet', 0.7],
      // Tuned on the quiet folder alone, never firing is best: the held-out spike is missed.
      ['withSpikes', 0.95],
    ]);
    expect(report.folders[1].heldOut.normalized).toBe(0);
    expect(report.folders[1].inSample.normalized).toBeGreaterThan(90);
    // The held-out quiet folder keeps its false alarm: 100 * (-1 - 0.11 + 1) / 2.
    expect(report.pooled.normalized).toBeCloseTo(-5.5, 10);
  });
});
