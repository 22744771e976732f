/**
 * Tuning a detector's alarm policy on a corpus, and checking that tuning
 * by leave-one-folder-out: tune on all folders but one, score the one left
 * out, for each folder in turn. If the held-out scores are close to the
 * in-sample ones, the choice generalizes across kinds of data; if not, it
 * was fitted to the corpus.
 *
 * Only the policy (score threshold, quiet period) is tuned, on the scores a
 * detector already computed: scores are monotone in a detector's evidence,
 * so thresholding them is thresholding the evidence. The policy has the
 * default detector's shape (an alarm starts an episode; another needs the
 * quiet period over and the episode ended, or far stronger evidence), so
 * the default detector's own labels are one point of the grid.
 */
import { Alarm } from '../detectors/alarm';
import { EPISODE_CALM_POINTS } from '../detectors/ensemble';

/** The default detector's build-up after an alarm (its level span, default 12 points). */
const EPISODE_BUILD_UP_POINTS = 12;
import type { CorpusSeries } from './corpus';
import type { ScoringProfile } from './labels';
import { scoreFile, totalScore, type NabFileScore, type NabTotal } from './scorer';

/** A series with the scores a detector gave it. */
export interface ScoredSeries {
  readonly series: CorpusSeries;
  readonly scores: Float64Array;
}

/** When to alarm: a score threshold and a quiet period (series time, ms). */
export interface AlarmPolicy {
  readonly scoreThreshold: number;
  readonly quietMs: number;
  /**
   * Points the evidence must stay below half the threshold before an
   * episode is over and may alarm again (0: the quiet period alone).
   * @default EPISODE_CALM_POINTS (the default detector's)
   */
  readonly episodeCalmPoints?: number;
}

/**
 * A score as evidence in units of the medium threshold: every detector's
 * score is `1 - 2^(-surprise / reference)` with `reference` its medium
 * threshold (see `surpriseToScore`), so this is surprise / reference, 1 at
 * score 0.5. Half the evidence is half the surprise, whatever the detector.
 */
export function scoreEvidence(score: number): number {
  return score > 0 ? -Math.log2(1 - score) : 0;
}

/**
 * Escalation through the quiet period, in evidence units: one medium
 * threshold more than the episode's peak (for the default detector, 1,000
 * times rarer, its own rule).
 */
const ESCALATION = 1;

/** Labels from scores under a policy (NaN scores never alarm). */
export function labelsFromScores(scores: Float64Array, timestamps: Float64Array, policy: AlarmPolicy): Uint8Array {
  const threshold = scoreEvidence(policy.scoreThreshold);
  const calm = policy.episodeCalmPoints ?? EPISODE_CALM_POINTS;
  const alarm = new Alarm(threshold, policy.quietMs, ESCALATION, calm > 0 ? { level: threshold / 2, points: calm, buildUpPoints: EPISODE_BUILD_UP_POINTS } : undefined);
  const labels = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) labels[i] = alarm.update(scoreEvidence(scores[i]), timestamps[i]);
  return labels;
}

/** The NAB total of scored series under a policy, for one profile. */
export function policyTotal(scored: readonly ScoredSeries[], policy: AlarmPolicy, profile: ScoringProfile): NabTotal {
  const files: NabFileScore[] = scored.map(({ series, scores }) => scoreFile(series.timestamps, labelsFromScores(scores, series.timestamps, policy), series.windows, profile));
  return totalScore(files);
}

/** The policy with the best standard NAB score on `scored` (ties: the earlier in `grid`). */
export function tunePolicy(scored: readonly ScoredSeries[], grid: readonly AlarmPolicy[], profile: ScoringProfile): { policy: AlarmPolicy; total: NabTotal } {
  let best: { policy: AlarmPolicy; total: NabTotal } | null = null;
  for (const policy of grid) {
    const total = policyTotal(scored, policy, profile);
    if (!best || total.raw - total.nullScore > best.total.raw - best.total.nullScore + 1e-9) best = { policy, total };
  }
  if (!best) throw new Error('the tuning grid is empty');
  return best;
}

/** A grid of policies: every threshold with every quiet period (and the default episode rule). */
export function policyGrid(scoreThresholds: readonly number[], quietMs: readonly number[]): AlarmPolicy[] {
  return scoreThresholds.flatMap((scoreThreshold) => quietMs.map((quiet) => ({ scoreThreshold, quietMs: quiet })));
}

/** One held-out folder. */
export interface HeldOutFolder {
  readonly folder: string;
  /** Policy tuned on the other folders. */
  readonly policy: AlarmPolicy;
  /** The folder's score under that policy (NaN when it has no windows). */
  readonly heldOut: NabTotal;
  /** The folder's score under the policy tuned on all folders, for comparison. */
  readonly inSample: NabTotal;
}

export interface LeaveOneFolderOut {
  /** Policy tuned on every folder. */
  readonly allFolders: { policy: AlarmPolicy; total: NabTotal };
  readonly folders: readonly HeldOutFolder[];
  /** Held-out folders pooled: each scored with the policy tuned without it. */
  readonly pooled: NabTotal;
}

/** Runs the leave-one-folder-out check for one detector's scores. */
export function leaveOneFolderOut(scored: readonly ScoredSeries[], grid: readonly AlarmPolicy[], profile: ScoringProfile): LeaveOneFolderOut {
  const allFolders = tunePolicy(scored, grid, profile);
  const folderNames = [...new Set(scored.map((s) => s.series.folder))];
  const pooledFiles: NabFileScore[] = [];
  const folders = folderNames.map((folder) => {
    const inFolder = scored.filter((s) => s.series.folder === folder);
    const { policy } = tunePolicy(
      scored.filter((s) => s.series.folder !== folder),
      grid,
      profile,
    );
    for (const { series, scores } of inFolder) pooledFiles.push(scoreFile(series.timestamps, labelsFromScores(scores, series.timestamps, policy), series.windows, profile));
    return { folder, policy, heldOut: policyTotal(inFolder, policy, profile), inSample: policyTotal(inFolder, allFolders.policy, profile) };
  });
  return { allFolders, folders, pooled: totalScore(pooledFiles) };
}
