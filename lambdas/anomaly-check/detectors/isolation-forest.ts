/**
 * Isolation forest (Liu, Ting & Zhou, 2008): random axis-parallel splits
 * isolate unusual points in fewer steps than usual ones, so a short average
 * path over many random trees means "anomalous". It needs no distance
 * metric and no per-feature scaling, which makes it the detector for
 * several metrics at once (CPU, latency and error rate of one service) and,
 * with lag features, for patterns in one metric.
 *
 * Online use: the forest is fitted on a window of past points only and
 * refitted on a fixed schedule, with a seeded random generator, so scores
 * are causal and reproducible. Its raw scores are then calibrated against
 * their own history, because a "0.6" means different things on different data.
 */
import { Alarm, surpriseToScore } from './alarm';
import { TailCalibrator } from './tail-surprise';
import { resolveMinHistory, resolveQuietMs, resolveSensitivity, scoreWithStream, type Detector, type DetectorOptions, type DetectorResult, type Sensitivity, type StreamingDetector } from './types';

/** Alarm thresholds on the calibrated forest score (one-sided surprise), per sensitivity. */
export const ISOLATION_FOREST_THRESHOLDS: Readonly<Record<Sensitivity, number>> = { low: 3.5, medium: 3, high: 2.5 };

const EULER_GAMMA = 0.5772156649015329;

/** Average path length of an unsuccessful search in a binary search tree of n points: c(n) in the paper. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** A small, fast, seedable PRNG (mulberry32): reproducible forests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ForestOptions {
  /** @default 100 */
  readonly trees?: number;
  /** Points per tree (psi in the paper). @default 256 */
  readonly sampleSize?: number;
  /** @default 1 */
  readonly seed?: number;
}

/**
 * A fitted forest, stored as flat typed arrays (one node table for all
 * trees): no objects per node, cache-friendly traversal.
 *
 * Splits are random hyperplanes through the node's points (the "extended"
 * isolation forest of Hariri, Carrasco Kind & Brunner, 2018) rather than
 * axis-parallel cuts: metrics that move together form a thin diagonal band,
 * and only oblique cuts isolate a point that leaves the band while each
 * coordinate stays in its usual range. Features are standardized with the
 * training rows' mean and deviation first, so no unit dominates the cuts.
 * With one feature this is exactly the original algorithm.
 */
export class IsolationForest {
  private constructor(
    readonly dimensions: number,
    private readonly roots: Int32Array,
    /** Per node: `dimensions` normal-vector components; a leaf has none used. */
    private readonly normal: Float64Array,
    private readonly offset: Float64Array,
    private readonly left: Int32Array,
    private readonly right: Int32Array,
    /** Per node: -1 for an inner node, else the number of sample points that ended in this leaf. */
    private readonly size: Int32Array,
    private readonly normalizer: number,
    private readonly center: Float64Array,
    private readonly scale: Float64Array,
    /** c(n) for every leaf size a tree can have, computed once. */
    private readonly leafPath: Float64Array,
  ) {
    this.scratch = new Float64Array(dimensions);
  }

  /** The standardized point being scored (reused, so scoring allocates nothing). */
  private readonly scratch: Float64Array;

  /**
   * Fits a forest on `count` rows of `dimensions` values each, row-major in
   * `rows` (rows must be finite).
   */
  static fit(rows: Float64Array, count: number, dimensions: number, options: ForestOptions = {}): IsolationForest {
    const trees = options.trees ?? 100;
    const sampleSize = Math.min(options.sampleSize ?? 256, count);
    if (count < 2) throw new Error(`an isolation forest needs at least 2 rows, got ${count}`);
    const { center, scale, standardized } = standardize(rows, count, dimensions);
    const random = seededRandom(options.seed ?? 1);
    const heightLimit = Math.ceil(Math.log2(Math.max(sampleSize, 2)));
    const builder = new ForestBuilder(standardized, dimensions, trees * (2 * sampleSize - 1), heightLimit, random);
    const roots = new Int32Array(trees);
    const indices = new Int32Array(count);
    for (let t = 0; t < trees; t++) {
      for (let i = 0; i < count; i++) indices[i] = i;
      // Partial Fisher-Yates: the first sampleSize entries are a sample without replacement.
      for (let i = 0; i < sampleSize; i++) {
        const j = i + Math.floor(random() * (count - i));
        const swap = indices[i];
        indices[i] = indices[j];
        indices[j] = swap;
      }
      roots[t] = builder.build(indices, 0, sampleSize, 0);
    }
    const leafPath = Float64Array.from({ length: sampleSize + 1 }, (_, n) => averagePathLength(n));
    return new IsolationForest(dimensions, roots, builder.normal, builder.offset, builder.left, builder.right, builder.size, averagePathLength(sampleSize), center, scale, leafPath);
  }

  /** Anomaly score of one point in (0, 1]: 2^(-mean path / c(psi)); about 0.5 is ordinary, near 1 isolated. */
  score(point: Float64Array, at = 0): number {
    const d = this.dimensions;
    const x = this.scratch;
    for (let k = 0; k < d; k++) x[k] = (point[at + k] - this.center[k]) / this.scale[k];
    let total = 0;
    for (let t = 0; t < this.roots.length; t++) {
      let node = this.roots[t];
      let depth = 0;
      while (this.size[node] < 0) {
        let projection = 0;
        const base = node * d;
        for (let k = 0; k < d; k++) projection += x[k] * this.normal[base + k];
        node = projection < this.offset[node] ? this.left[node] : this.right[node];
        depth++;
      }
      total += depth + this.leafPath[this.size[node]];
    }
    return Math.pow(2, -total / this.roots.length / this.normalizer);
  }
}

/** Per-feature mean and deviation of the rows, and the rows standardized with them. */
function standardize(rows: Float64Array, count: number, dimensions: number): { center: Float64Array; scale: Float64Array; standardized: Float64Array } {
  const center = new Float64Array(dimensions);
  const scale = new Float64Array(dimensions);
  for (let k = 0; k < dimensions; k++) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += rows[i * dimensions + k];
    const mean = sum / count;
    let squares = 0;
    for (let i = 0; i < count; i++) squares += (rows[i * dimensions + k] - mean) ** 2;
    center[k] = mean;
    // A constant feature keeps unit scale: it never separates anything anyway.
    scale[k] = Math.sqrt(squares / count) || 1;
  }
  const standardized = new Float64Array(count * dimensions);
  for (let i = 0; i < count; i++) for (let k = 0; k < dimensions; k++) standardized[i * dimensions + k] = (rows[i * dimensions + k] - center[k]) / scale[k];
  return { center, scale, standardized };
}

/** Grows trees into shared node arrays. */
class ForestBuilder {
  readonly normal: Float64Array;
  readonly offset: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly size: Int32Array;
  private nodes = 0;
  private readonly projections: Float64Array;

  constructor(
    private readonly rows: Float64Array,
    private readonly dimensions: number,
    maxNodes: number,
    private readonly heightLimit: number,
    private readonly random: () => number,
  ) {
    this.normal = new Float64Array(maxNodes * dimensions);
    this.offset = new Float64Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.size = new Int32Array(maxNodes);
    this.projections = new Float64Array(rows.length / dimensions);
  }

  /**
   * Builds the subtree isolating `indices[from..to)`, partitioning that
   * range in place (no allocation per node); returns the node index.
   */
  build(indices: Int32Array, from: number, to: number, depth: number): number {
    const node = this.nodes++;
    const count = to - from;
    if (depth >= this.heightLimit || count <= 1 || !this.chooseSplit(node, indices, from, to)) {
      this.size[node] = count;
      return node;
    }
    this.size[node] = -1;
    const cut = this.offset[node];
    let middle = from;
    for (let i = from; i < to; i++) {
      if (this.projections[indices[i]] < cut) {
        const swap = indices[middle];
        indices[middle++] = indices[i];
        indices[i] = swap;
      }
    }
    this.left[node] = this.build(indices, from, middle, depth + 1);
    this.right[node] = this.build(indices, middle, to, depth + 1);
    return node;
  }

  /**
   * Draws a random direction (standard normal components) and a cut point
   * uniform along the points' projections on it; false when the points all
   * project to one value (they cannot be separated).
   */
  private chooseSplit(node: number, indices: Int32Array, from: number, to: number): boolean {
    const d = this.dimensions;
    for (let k = 0; k < d; k++) this.normal[node * d + k] = d === 1 ? 1 : gaussian(this.random);
    let min = Infinity;
    let max = -Infinity;
    for (let at = from; at < to; at++) {
      const i = indices[at];
      let projection = 0;
      for (let k = 0; k < d; k++) projection += this.rows[i * d + k] * this.normal[node * d + k];
      this.projections[i] = projection;
      if (projection < min) min = projection;
      if (projection > max) max = projection;
    }
    if (!(max > min)) return false;
    const cut = min + this.random() * (max - min);
    // A cut equal to min (possible in floating point) would send everything right.
    this.offset[node] = cut > min ? cut : max;
    return true;
  }
}

/** A standard normal draw (Box-Muller) from a uniform generator. */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface IsolationForestOptions extends DetectorOptions {
  /**
   * Past points the forest is fitted on.
   * @default 2048
   */
  readonly trainPoints?: number;
  /**
   * Points between refits.
   * @default 512
   */
  readonly refitEvery?: number;
  /** @default 100 */
  readonly trees?: number;
  /** Overrides the sensitivity's threshold. */
  readonly threshold?: number;
  /** @default 1 */
  readonly seed?: number;
}

/**
 * Online forest over feature rows: fit on the past `trainPoints` rows,
 * refit every `refitEvery` rows, score each row before learning it, and
 * calibrate the scores against their own history.
 */
export class OnlineForest {
  label: 0 | 1 = 0;
  private readonly buffer: Float64Array;
  private readonly trainPoints: number;
  private stored = 0;
  private next = 0;
  private sinceFit = 0;
  private fits = 0;
  private forest: IsolationForest | null = null;
  private readonly calibration = new TailCalibrator(2000);
  private readonly alarm: Alarm;

  constructor(
    readonly dimensions: number,
    private readonly minHistory: number,
    private readonly options: Required<Pick<IsolationForestOptions, 'trainPoints' | 'refitEvery' | 'trees' | 'seed'>> & { threshold: number; quietMs: number },
  ) {
    this.trainPoints = Math.max(options.trainPoints, minHistory);
    this.buffer = new Float64Array(this.trainPoints * dimensions);
    this.alarm = new Alarm(options.threshold, options.quietMs);
  }

  /** Scores a finite feature row observed at `timestamp` (NaN before the first fit), then learns it. */
  push(row: Float64Array, timestamp: number): number {
    this.label = 0;
    let score = NaN;
    if (this.forest) {
      const raw = this.forest.score(row);
      // The calibration needs some history of its own before it can judge.
      const surprise = this.calibration.size >= 50 ? this.calibration.upperSurprise(raw) : 0;
      this.calibration.push(raw);
      this.label = this.alarm.update(surprise, timestamp);
      score = surpriseToScore(surprise, ISOLATION_FOREST_THRESHOLDS.medium);
    }
    this.learn(row);
    return score;
  }

  private learn(row: Float64Array): void {
    this.buffer.set(row, this.next * this.dimensions);
    this.next = (this.next + 1) % this.trainPoints;
    if (this.stored < this.trainPoints) this.stored++;
    this.sinceFit++;
    if (this.stored >= this.minHistory && (!this.forest || this.sinceFit >= this.options.refitEvery)) {
      // The ring's order does not matter to a forest: fit on the stored rows as they lie.
      this.forest = IsolationForest.fit(this.buffer, this.stored, this.dimensions, { trees: this.options.trees, seed: this.options.seed + this.fits++ });
      this.sinceFit = 0;
    }
  }
}

/** Resolves forest options with their defaults. */
function forestSettings(options: IsolationForestOptions): ConstructorParameters<typeof OnlineForest>[2] {
  return {
    trainPoints: options.trainPoints ?? 2048,
    refitEvery: options.refitEvery ?? 512,
    trees: options.trees ?? 100,
    quietMs: resolveQuietMs(options),
    seed: options.seed ?? 1,
    threshold: options.threshold ?? ISOLATION_FOREST_THRESHOLDS[resolveSensitivity(options)],
  };
}

/** Lag features of one series: the value, its change, and its departure from the mean of the previous 6. */
const LAG_FEATURES = 3;
const LAG_SPAN = 6;

class LaggedForestStream implements StreamingDetector {
  label: 0 | 1 = 0;
  private readonly forest: OnlineForest;
  private readonly recent = new Float64Array(LAG_SPAN);
  private seen = 0;
  private readonly row = new Float64Array(LAG_FEATURES);

  constructor(minHistory: number, settings: ConstructorParameters<typeof OnlineForest>[2]) {
    this.forest = new OnlineForest(LAG_FEATURES, minHistory, settings);
  }

  push(value: number, timestamp: number): number {
    this.label = 0;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return NaN;
    let score = NaN;
    if (this.seen >= LAG_SPAN) {
      let sum = 0;
      for (let i = 0; i < LAG_SPAN; i++) sum += this.recent[i];
      this.row[0] = value;
      this.row[1] = value - this.recent[(this.seen - 1) % LAG_SPAN];
      this.row[2] = value - sum / LAG_SPAN;
      score = this.forest.push(this.row, timestamp);
      this.label = this.forest.label;
    }
    this.recent[this.seen % LAG_SPAN] = value;
    this.seen++;
    return score;
  }
}

/**
 * Single-metric isolation forest over lag features (value, change, and
 * departure from the recent mean).
 */
export function isolationForestDetector(options: IsolationForestOptions = {}): Detector {
  const minHistory = resolveMinHistory(options);
  const settings = forestSettings(options);
  const stream = (): StreamingDetector => new LaggedForestStream(minHistory, settings);
  return { name: 'isolation-forest', stream, score: (values, timestamps) => scoreWithStream(stream(), values, timestamps) };
}

/**
 * Multi-metric isolation forest: scores time i from the values of every
 * series at i together (a point can be unusual as a combination while each
 * metric alone looks normal). Rows where any series is NaN are skipped
 * (score NaN, label 0) and do not train the forest.
 */
export function scoreMultiMetric(series: readonly Float64Array[], timestamps: Float64Array, options: IsolationForestOptions = {}): DetectorResult {
  if (series.length === 0) throw new Error('scoreMultiMetric needs at least one series');
  series.forEach((s, i) => {
    if (s.length !== timestamps.length) throw new Error(`series ${i} has ${s.length} points but timestamps has ${timestamps.length}; align the series first`);
  });
  const scores = new Float64Array(timestamps.length);
  const labels = new Uint8Array(timestamps.length);
  const forest = new OnlineForest(series.length, resolveMinHistory(options), forestSettings(options));
  const row = new Float64Array(series.length);
  for (let i = 0; i < timestamps.length; i++) {
    let complete = Number.isFinite(timestamps[i]);
    for (let d = 0; d < series.length && complete; d++) {
      row[d] = series[d][i];
      complete = Number.isFinite(row[d]);
    }
    scores[i] = complete ? forest.push(row, timestamps[i]) : NaN;
    labels[i] = complete ? forest.label : 0;
  }
  return { scores, labels };
}
