/** Detectors by name, as the CLIs, the evaluation and the Lambda's config name them. */
import { ensembleDetector } from './ensemble';
import { ewmaDetector } from './ewma';
import { isolationForestDetector } from './isolation-forest';
import { robustZScoreDetector } from './robust-zscore';
import { seasonalDetector } from './seasonal';
import { skylineDetector } from './skyline';
import { DEFAULT_DETECTOR, DETECTOR_NAMES, type DetectorName } from './names';
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
} as const satisfies Record<DetectorName, (options?: DetectorOptions) => Detector>;

export { BASELINE_DETECTORS, DEFAULT_DETECTOR, DETECTOR_NAMES, type DetectorName } from './names';

/** Whether `name` names a detector (`default` included). */
export function isDetectorName(name: string): name is DetectorName | 'default' {
  return name === 'default' || Object.prototype.hasOwnProperty.call(FACTORIES, name);
}

/** Creates a detector by name; an unknown name is an error listing the known ones. */
export function createDetector(name: string = DEFAULT_DETECTOR, options: DetectorOptions = {}): Detector {
  if (!isDetectorName(name)) throw new Error(`unknown detector "${name}"; use one of: default, ${DETECTOR_NAMES.join(', ')}`);
  return FACTORIES[name === 'default' ? DEFAULT_DETECTOR : name](options);
}
