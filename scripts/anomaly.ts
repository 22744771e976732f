/**
 * `npm run anomaly -- --csv FILE [--detector NAME] [--sensitivity low|medium|high] [--min-history N]`
 *
 * Scores a `timestamp,value` CSV causally and writes
 * `timestamp,value,anomaly_score,label` to standard output.
 */
import { createDetector, DEFAULT_DETECTOR, DETECTOR_NAMES, isDetectorName } from '../lambdas/anomaly-check/detectors/registry';
import { SENSITIVITIES, type Sensitivity } from '../lambdas/anomaly-check/detectors/types';
import { integerFlag, type Io, parseFlags, processIo, UsageError, usageExitCode } from '../lambdas/anomaly-check/nab/cli-args';
import { readSeriesCsv, writeScoredCsv } from '../lambdas/anomaly-check/nab/csv';

export const USAGE = `usage: npm run anomaly -- --csv FILE [--detector NAME] [--sensitivity ${SENSITIVITIES.join('|')}] [--min-history N]
  detectors: default (= ${DEFAULT_DETECTOR}), ${DETECTOR_NAMES.join(', ')}`;

/** Settings of one run, validated. */
export interface AnomalyArgs {
  readonly csv: string;
  readonly detector: string;
  readonly sensitivity: Sensitivity;
  readonly minHistory?: number;
}

/** Parses and validates the command line. */
export function parseAnomalyArgs(argv: readonly string[]): AnomalyArgs {
  const flags = parseFlags(argv, { csv: 'value', detector: 'value', sensitivity: 'value', 'min-history': 'value', help: 'boolean' });
  if (flags.help) throw new UsageError('');
  const csv = flags.csv;
  if (typeof csv !== 'string') throw new UsageError('--csv FILE is required: the timestamp,value file to score');
  const detector = (flags.detector as string | undefined) ?? DEFAULT_DETECTOR;
  if (!isDetectorName(detector)) throw new UsageError(`--detector "${detector}" is not a detector; use one of: default, ${DETECTOR_NAMES.join(', ')}`);
  const sensitivity = (flags.sensitivity as string | undefined) ?? 'medium';
  if (!SENSITIVITIES.includes(sensitivity as Sensitivity)) throw new UsageError(`--sensitivity "${sensitivity}" is not one of ${SENSITIVITIES.join(', ')}`);
  return { csv, detector, sensitivity: sensitivity as Sensitivity, minHistory: integerFlag(flags, 'min-history') };
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 bad input file, 2 bad arguments). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let args: AnomalyArgs;
  try {
    args = parseAnomalyArgs(argv);
  } catch (error) {
    return usageExitCode(error, USAGE, io);
  }
  try {
    const series = readSeriesCsv(args.csv);
    const result = createDetector(args.detector, { sensitivity: args.sensitivity, minHistory: args.minHistory }).score(series.values, series.timestamps);
    writeScoredCsv(series, result.scores, result.labels, io.out);
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
