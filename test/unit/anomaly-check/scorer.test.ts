/**
 * The NAB scorer against hand-computed cases. A 1000-row file has a
 * 150-row probationary period; windows are rows 300-399 and 700-799.
 */
import type { AnomalyWindow, ScoringProfile } from '../../../lambdas/anomaly-check/nab/labels';
import { probationaryPeriod, scaledSigmoid, scoreFile, totalScore, windowMetrics, windowRows } from '../../../lambdas/anomaly-check/nab/scorer';

const STANDARD: ScoringProfile = { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const LOW_FN: ScoringProfile = { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 };
const MINUTE = 60_000;
const timestamps = Float64Array.from({ length: 1000 }, (_, i) => i * MINUTE);
const windows: AnomalyWindow[] = [
  { start: 300 * MINUTE, end: 399 * MINUTE },
  { start: 700 * MINUTE, end: 799 * MINUTE },
];

/** A detection vector firing at the given rows. */
function firing(...rows: number[]): Uint8Array {
  const detections = new Uint8Array(1000);
  for (const row of rows) detections[row] = 1;
  return detections;
}

function normalized(detections: Uint8Array, profile = STANDARD, fileWindows = windows): number {
  return totalScore([scoreFile(timestamps, detections, fileWindows, profile)]).normalized;
}

describe('NAB scorer', () => {
  it('uses NAB\'s scaled sigmoid', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.848284, 6);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.986614, 6);
    expect(scaledSigmoid(3)).toBe(-1);
  });

  it('has a 15% probationary period, capped at 750 rows', () => {
    expect(probationaryPeriod(1000)).toBe(150);
    expect(probationaryPeriod(4032)).toBe(604);
    expect(probationaryPeriod(22695)).toBe(750);
  });

  it('scores a detector firing at the start of every window 100, and one that never fires 0', () => {
    const perfect = scoreFile(timestamps, firing(300, 700), windows, STANDARD);
    expect(perfect.raw).toBeCloseTo(2, 12);
    expect(perfect.perfectScore).toBeCloseTo(2, 12);
    expect(perfect.nullScore).toBe(-2);
    expect(normalized(firing(300, 700))).toBeCloseTo(100, 10);
    expect(normalized(firing())).toBe(0);
    expect(normalized(firing(), LOW_FN)).toBe(0);
    expect(scoreFile(timestamps, firing(), windows, LOW_FN).nullScore).toBe(-4);
  });

  it('charges a false positive with no window before it the full FP weight', () => {
    const file = scoreFile(timestamps, firing(200), windows, STANDARD);
    expect(file.raw).toBeCloseTo(-2.11, 12);
    expect(file.falsePositives).toBe(1);
    // 100 * (-2.11 - -2) / (2 - -2)
    expect(normalized(firing(200))).toBeCloseTo(-2.75, 10);
  });

  it('charges a false positive just after a window almost nothing, and one 3 widths later in full', () => {
    // Row 400: |399 - 400| / (100 - 1) past the window: 2 / (1 + e^(5/99)) - 1 = -0.0252444.
    expect(scoreFile(timestamps, firing(400), windows, STANDARD).raw).toBeCloseTo(-2 - 0.11 * 0.0252444, 6);
    // Row 699 is 300/99 > 3 widths past the first window.
    expect(scoreFile(timestamps, firing(699), windows, STANDARD).raw).toBeCloseTo(-2.11, 12);
  });

  it('counts only the first detection in a window, weighted by how early it is', () => {
    // Row 320: y = -(399 - 320 + 1) / 100 = -0.8; (2 / (1 + e^-4) - 1) / 0.986614 = 0.977108
    const early = scoreFile(timestamps, firing(320), windows, STANDARD);
    expect(early.raw).toBeCloseTo(0.977108 - 1, 5);
    expect(scoreFile(timestamps, firing(320, 350, 390), windows, STANDARD).raw).toBeCloseTo(early.raw, 12);
    // At the window's last row the reward is almost nothing: (2 / (1 + e^-0.05) - 1) / 0.986614.
    expect(scoreFile(timestamps, firing(399), windows, STANDARD).raw).toBeCloseTo(0.025334 - 1, 5);
    expect(early.detectedWindows).toBe(1);
  });

  it('ignores detections in the probationary period, and windows that lie entirely in it', () => {
    const withEarlyWindow = [{ start: 50 * MINUTE, end: 120 * MINUTE }, ...windows];
    const file = scoreFile(timestamps, firing(60, 100, 300, 700), withEarlyWindow, STANDARD);
    expect(file.windows).toBe(2);
    expect(file.falsePositives).toBe(0);
    expect(file.raw).toBeCloseTo(2, 12);
  });

  it('has no normalized score for files without windows, only false positives', () => {
    const file = scoreFile(timestamps, firing(500), [], STANDARD);
    expect(file.raw).toBeCloseTo(-0.11, 12);
    expect(totalScore([file]).normalized).toBeNaN();
  });

  it('normalizes sums over files, not averages of files', () => {
    const a = scoreFile(timestamps, firing(300, 700), windows, STANDARD);
    const b = scoreFile(timestamps, firing(), windows.slice(0, 1), STANDARD);
    // raw 2 - 1, null -3, perfect 3: 100 * 4 / 6
    expect(totalScore([a, b]).normalized).toBeCloseTo(66.6667, 3);
  });

  it('maps windows to rows, dropping windows that cover no row', () => {
    expect(windowRows(timestamps, [{ start: 299.5 * MINUTE, end: 400.5 * MINUTE }, { start: 5000 * MINUTE, end: 6000 * MINUTE }])).toEqual([{ first: 300, last: 400 }]);
  });

  it('refuses detections that do not line up with the timestamps', () => {
    expect(() => scoreFile(timestamps, new Uint8Array(3), windows, STANDARD)).toThrow('detections has 3 rows but timestamps has 1000');
  });
});

describe('window precision, recall and F1', () => {
  it('counts found windows against false alarms', () => {
    expect(windowMetrics({ windows: 4, detectedWindows: 3, falsePositives: 1 })).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75 });
    const quiet = windowMetrics({ windows: 2, detectedWindows: 0, falsePositives: 0 });
    expect(quiet.precision).toBeNaN();
    expect(quiet.recall).toBe(0);
  });
});
