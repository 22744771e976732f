/** Detectors by name, as the CLIs, the evaluation and the Lambda's config name them. */
import { ensembleDetector } from './ensemble';
import { ewmaDetector } from './ewma';
import { isolationForestDetector } from './isolation-forest';
import { robustZScoreDetector } from './robust-zscore';
import { seasonalDetector } from './seasonal';
import { skylineDetector } from './skyline';
import type { Detector, DetectorOptions } from './types';
import { windowedGaussianDetector } from './windowed-gaussian';

const FACTORIES = {
  ensemble: ensembleDetector,
  'robust-zscore': robustZScoreDetector,
  ewma: ewmaDetector,
  seasonal: seasonalDetector,
  'isolation-forest': isolationForestDetector,
  'windowed-gaussian': windowedGaussianDetector,
  skyline: skylineDetector,
} as const satisfies Record<string, (options?: DetectorOptions) => Detector>;

export type DetectorName = keyof typeof FACTORIES;

/** Every detector, ours first, then the baselines. */
export const DETECTOR_NAMES = Object.keys(FACTORIES) as DetectorName[];

/** The detector used when none is named (`default` is an alias of it). */
export const DEFAULT_DETECTOR: DetectorName = 'ensemble';

/** Simple baselines kept for comparison, not for production checks. */
export const BASELINE_DETECTORS: readonly DetectorName[] = ['windowed-gaussian', 'skyline'];

/** Whether `name` names a detector (`default` included). */
export function isDetectorName(name: string): name is DetectorName | 'default' {
  return name === 'default' || Object.prototype.hasOwnProperty.call(FACTORIES, name);
}

/** Creates a detector by name; an unknown name is an error listing the known ones. */
export function createDetector(name: string = DEFAULT_DETECTOR, options: DetectorOptions = {}): Detector {
  if (!isDetectorName(name)) throw new Error(`unknown detector "${name}"; use one of: default, ${DETECTOR_NAMES.join(', ')}`);
  return FACTORIES[name === 'default' ? DEFAULT_DETECTOR : name](options);
}
