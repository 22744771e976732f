/**
 * The detectors' names, apart from their code: the configuration validates
 * a check's `detector` against them, and loading the configuration (every
 * synth) should not load the detectors themselves.
 */

/** Every detector, ours first, then the baselines. */
export const DETECTOR_NAMES = ['ensemble', 'robust-zscore', 'ewma', 'seasonal', 'isolation-forest', 'windowed-gaussian', 'skyline'] as const;

export type DetectorName = (typeof DETECTOR_NAMES)[number];

/** The detector used when none is named (`default` is an alias of it). */
export const DEFAULT_DETECTOR: DetectorName = 'ensemble';

/** Simple baselines kept for comparison, not for production checks. */
export const BASELINE_DETECTORS: readonly DetectorName[] = ['windowed-gaussian', 'skyline'];

/** How readily a detector raises alarms (see `types.ts`). */
export type Sensitivity = 'low' | 'medium' | 'high';

/** The sensitivity levels, for validation and help texts. */
export const SENSITIVITIES: readonly Sensitivity[] = ['low', 'medium', 'high'];
