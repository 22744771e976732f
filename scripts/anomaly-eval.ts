/**
 * `npm run anomaly:eval -- --data DIR [--labels DIR] [--detector NAME|all|A,B] [--sensitivity low|medium|high]
 *                          [--min-history N] [--json] [--files] [--lofo]`
 *
 * Runs detectors over every series of a NAB-style data folder and prints
 * the NAB score (standard, reward_low_FP_rate, reward_low_FN_rate) and
 * window precision/recall/F1 per detector, per data folder and overall.
 * `--lofo` adds the leave-one-folder-out check of each detector's alarm policy.
 */
import { dirname, join, resolve } from 'node:path';
import { createDetector, DETECTOR_NAMES, isDetectorName } from '../lambdas/anomaly-check/detectors/registry';
import { SENSITIVITIES, type Sensitivity } from '../lambdas/anomaly-check/detectors/types';
import { integerFlag, type Io, parseFlags, processIo, UsageError, usageExitCode } from '../lambdas/anomaly-check/nab/cli-args';
import { loadCorpus } from '../lambdas/anomaly-check/nab/corpus';
import { detectorLabeller, evaluateLabeller, formatTable, type DetectorEvaluation } from '../lambdas/anomaly-check/nab/evaluate';
import { readProfiles, readWindows, type ScoringProfile } from '../lambdas/anomaly-check/nab/labels';
import { leaveOneFolderOut, policyGrid, type LeaveOneFolderOut } from '../lambdas/anomaly-check/nab/tuning';

export const USAGE = `usage: npm run anomaly:eval -- --data DIR [--labels DIR] [--detector NAME|all|A,B] [--sensitivity ${SENSITIVITIES.join('|')}]
                            [--min-history N] [--json] [--files] [--lofo]
  DIR holds <folder>/<name>.csv; labels default to DIR/../labels (combined_windows.json, scoring-profiles.json)
  detectors: all, default, ${DETECTOR_NAMES.join(', ')}`;

export interface EvalArgs {
  readonly data: string;
  readonly labels: string;
  readonly detectors: readonly string[];
  readonly sensitivity: Sensitivity;
  readonly minHistory?: number;
  readonly json: boolean;
  readonly files: boolean;
  readonly lofo: boolean;
}

/** Parses and validates the command line. */
export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  const flags = parseFlags(argv, { data: 'value', labels: 'value', detector: 'value', sensitivity: 'value', 'min-history': 'value', json: 'boolean', files: 'boolean', lofo: 'boolean', help: 'boolean' });
  if (flags.help) throw new UsageError('');
  if (typeof flags.data !== 'string') throw new UsageError('--data DIR is required: a NAB-style data folder (DIR/<folder>/<name>.csv)');
  const data = resolve(flags.data);
  const labels = typeof flags.labels === 'string' ? resolve(flags.labels) : join(dirname(data), 'labels');
  const requested = typeof flags.detector === 'string' ? flags.detector : 'all';
  const detectors = requested === 'all' ? [...DETECTOR_NAMES] : requested.split(',').map((d) => d.trim());
  for (const detector of detectors) if (!isDetectorName(detector)) throw new UsageError(`--detector "${detector}" is not a detector; use all, or one or more (comma-separated) of: default, ${DETECTOR_NAMES.join(', ')}`);
  const sensitivity = typeof flags.sensitivity === 'string' ? flags.sensitivity : 'medium';
  if (!SENSITIVITIES.includes(sensitivity as Sensitivity)) throw new UsageError(`--sensitivity "${sensitivity}" is not one of ${SENSITIVITIES.join(', ')}`);
  return { data, labels, detectors, sensitivity: sensitivity as Sensitivity, minHistory: integerFlag(flags, 'min-history'), json: flags.json === true, files: flags.files === true, lofo: flags.lofo === true };
}

/** Score thresholds x quiet periods searched by the leave-one-folder-out check. */
const LOFO_GRID = policyGrid(
  Array.from({ length: 17 }, (_, i) => 0.35 + i * 0.025),
  [6, 12, 24, 48].map((hours) => hours * 3_600_000),
);

/** Formats the leave-one-folder-out report of one detector. */
function formatLofo(detector: string, report: LeaveOneFolderOut): string {
  const policy = (p: { scoreThreshold: number; quietMs: number }): string => `score > ${p.scoreThreshold.toFixed(3)}, quiet ${p.quietMs / 3_600_000} h`;
  const score = (t: { normalized: number; falsePositives: number }): string => (Number.isNaN(t.normalized) ? `n/a (${t.falsePositives} FP)` : t.normalized.toFixed(1));
  const lines = [`leave-one-folder-out, ${detector} (standard profile): tuned on all folders: ${policy(report.allFolders.policy)} -> ${report.allFolders.total.normalized.toFixed(1)}`];
  for (const f of report.folders) lines.push(`  held out ${f.folder.padEnd(24)} tuned on the rest: ${policy(f.policy).padEnd(30)} held-out ${score(f.heldOut).padStart(12)}   in-sample ${score(f.inSample).padStart(12)}`);
  lines.push(`  pooled held-out score: ${report.pooled.normalized.toFixed(1)} (in-sample ${report.allFolders.total.normalized.toFixed(1)})`);
  return lines.join('\n');
}

/** Runs the evaluation; resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let args: EvalArgs;
  try {
    args = parseEvalArgs(argv);
  } catch (error) {
    return usageExitCode(error, USAGE, io);
  }
  try {
    const profiles: ScoringProfile[] = readProfiles(args.labels);
    const corpus = loadCorpus(args.data, readWindows(args.labels));
    const options = { sensitivity: args.sensitivity, minHistory: args.minHistory };
    const evaluations: DetectorEvaluation[] = [];
    const lofo: Record<string, LeaveOneFolderOut> = {};
    for (const name of args.detectors) {
      const detector = createDetector(name, options);
      evaluations.push(evaluateLabeller(detector.name, detectorLabeller(() => createDetector(name, options)), corpus, profiles));
      if (args.lofo) {
        const scored = corpus.map((series) => ({ series, scores: createDetector(name, options).score(series.values, series.timestamps).scores }));
        lofo[detector.name] = leaveOneFolderOut(scored, LOFO_GRID, profiles[0]);
      }
    }
    if (args.json) {
      io.out(`${JSON.stringify({ data: args.data, labels: args.labels, sensitivity: args.sensitivity, profiles: profiles.map((p) => p.name), evaluations: evaluations.map((e) => (args.files ? e : { ...e, files: undefined })), lofo: args.lofo ? lofo : undefined }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
      return 0;
    }
    const points = evaluations.reduce((n, e) => n + e.points, 0) / Math.max(evaluations.length, 1);
    io.out(`NAB scores of ${corpus.length} series (${points} points), sensitivity ${args.sensitivity}; each detector's own labels (no threshold sweep)\n\n`);
    io.out(`${formatTable(evaluations, profiles)}\n`);
    io.out(`\nNAB: 100 = perfect, 0 = never fires; n/a = no labelled windows (only false positives count). precision/recall/F1 over windows.\n`);
    if (args.files) {
      for (const e of evaluations) {
        io.out(`\n${e.detector}, per file (raw standard score):\n`);
        for (const f of e.files) io.out(`  ${f.key.padEnd(62)} ${f.raw.standard.toFixed(2).padStart(6)}  windows ${f.detectedWindows}/${f.windows}  FP ${f.falsePositives}\n`);
      }
    }
    for (const [name, report] of Object.entries(lofo)) io.out(`\n${formatLofo(name, report)}\n`);
    return 0;
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
