/**
 * Baseline: a streaming take on Etsy's Skyline, which NAB also measures.
 * Skyline runs several three-sigma style tests over a metric's history and
 * calls a point anomalous when most of them agree. Six of its tests are
 * kept here, each computed incrementally over a sliding window:
 *
 * 1. stddev from average: mean of the last 3 values vs the window mean;
 * 2. stddev from moving average: the value vs an EWMA (centre of mass 50);
 * 3. mean subtraction cumulation: the value vs the window mean;
 * 4. least squares: the last 3 residuals of a linear fit over the window;
 * 5. histogram bins: the last-3 mean falls in a sparse bin (<= 20 points of 15);
 * 6. median absolute deviation: more than 6 MADs from the median.
 *
 * (Skyline's "first hour average" needs a day of raw history per metric and
 * its KS and Grubbs tests need distribution tables; they are left out.)
 * The score is the share of tests that fire; the label needs a consensus.
 */
import { Alarm, NO_ESCALATION } from './alarm';
import { EwmaBaseline } from './ewma';
import { SortedWindow } from './sorted-window';
import { resolveMinHistory, resolveQuietMs, resolveSensitivity, scoreWithStream, type Detector, type DetectorOptions, type Sensitivity, type StreamingDetector } from './types';
import { SlidingMoments } from './windowed-gaussian';

/** Tests that must agree for an alarm (Skyline's CONSENSUS), per sensitivity. */
export const SKYLINE_CONSENSUS: Readonly<Record<Sensitivity, number>> = { low: 5, medium: 4, high: 3 };

const TESTS = 6;
const HISTOGRAM_BINS = 15;
const SPARSE_BIN = 20;

export interface SkylineOptions extends DetectorOptions {
  /**
   * Past values the tests look at.
   * @default 2000
   */
  readonly windowPoints?: number;
}

/** Running least-squares line over a sliding window of (index, value). */
class SlidingLine {
  private readonly ring: Float64Array;
  private next = 0;
  private count = 0;
  private index = 0;
  private offset = NaN;
  private st = 0;
  private stt = 0;
  private sx = 0;
  private stx = 0;
  private sxx = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Float64Array(capacity);
  }

  push(value: number): void {
    if (Number.isNaN(this.offset)) this.offset = value;
    const x = value - this.offset;
    if (this.count === this.capacity) {
      const t = this.index - this.capacity;
      const old = this.ring[this.next];
      this.st -= t;
      this.stt -= t * t;
      this.sx -= old;
      this.stx -= t * old;
      this.sxx -= old * old;
    } else this.count++;
    const t = this.index++;
    this.ring[this.next] = x;
    this.next = (this.next + 1) % this.capacity;
    this.st += t;
    this.stt += t * t;
    this.sx += x;
    this.stx += t * x;
    this.sxx += x * x;
  }

  /**
   * Mean residual of the last `k` points against the fitted line, in units
   * of the residual standard deviation (0 when the fit is degenerate).
   */
  lastResidualsZ(k: number): number {
    const n = this.count;
    const denominator = n * this.stt - this.st * this.st;
    if (n < 3 || !(denominator > 0)) return 0;
    const slope = (n * this.stx - this.st * this.sx) / denominator;
    const intercept = (this.sx - slope * this.st) / n;
    const sse = Math.max(0, this.sxx - intercept * this.sx - slope * this.stx);
    const sigma = Math.sqrt(sse / n);
    if (!(sigma > 1e-12)) return 0;
    let residual = 0;
    for (let j = 1; j <= k; j++) {
      const t = this.index - j;
      residual += this.ring[(this.next - j + this.capacity) % this.capacity] - (intercept + slope * t);
    }
    return residual / k / sigma;
  }
}

class SkylineStream implements StreamingDetector {
  label: 0 | 1 = 0;
  private readonly moments: SlidingMoments;
  private readonly sorted: SortedWindow;
  private readonly line: SlidingLine;
  private readonly ewma = new EwmaBaseline(1 / 51);
  private readonly alarm: Alarm;
  private readonly last = new Float64Array(3);
  private seen = 0;

  constructor(
    private readonly minHistory: number,
    windowPoints: number,
    consensus: number,
    quietMs: number,
  ) {
    this.moments = new SlidingMoments(windowPoints);
    this.sorted = new SortedWindow(windowPoints);
    this.line = new SlidingLine(windowPoints);
    // Alarm on the number of agreeing tests: "more than consensus - 0.5".
    this.alarm = new Alarm(consensus - 0.5, quietMs, NO_ESCALATION);
  }

  push(value: number, timestamp: number): number {
    this.label = 0;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return NaN;
    this.last[this.seen++ % 3] = value;
    const tail = (this.last[0] + this.last[1] + this.last[2]) / Math.min(this.seen, 3);
    // Skyline fits its line through the latest point too: its residuals are the test.
    this.line.push(value);
    let score = NaN;
    if (this.moments.size >= this.minHistory) {
      const votes = this.votes(value, tail);
      this.label = this.alarm.update(votes, timestamp);
      score = votes / TESTS;
    }
    this.moments.push(value);
    this.sorted.push(value);
    this.ewma.update(value, false);
    return score;
  }

  /** How many of the six tests flag this point (only the line already holds it). */
  private votes(value: number, tail: number): number {
    const mean = this.moments.mean;
    const std = this.moments.std;
    let votes = 0;
    if (Math.abs(tail - mean) > 3 * std) votes++;
    if (Math.abs(value - this.ewma.mean) > 3 * Math.sqrt(this.ewma.variance)) votes++;
    if (Math.abs(value - mean) > 3 * std) votes++;
    if (Math.abs(this.line.lastResidualsZ(3)) > 3) votes++;
    if (this.inSparseBin(tail)) votes++;
    const mad = this.sorted.mad();
    if (mad > 0 && Math.abs(value - this.sorted.median()) / mad > 6) votes++;
    return votes;
  }

  /** Whether `x` falls in one of 15 equal-width bins over the window holding at most 20 values. */
  private inSparseBin(x: number): boolean {
    const low = this.sorted.at(0);
    const high = this.sorted.at(this.sorted.size - 1);
    if (!(high > low)) return false;
    const width = (high - low) / HISTOGRAM_BINS;
    const bin = Math.min(Math.max(Math.floor((x - low) / width), 0), HISTOGRAM_BINS - 1);
    const from = low + bin * width;
    const count = this.sorted.countBelow(bin === HISTOGRAM_BINS - 1 ? Infinity : from + width) - this.sorted.countBelow(from);
    return count <= SPARSE_BIN;
  }
}

/** Creates the Skyline-like baseline. */
export function skylineDetector(options: SkylineOptions = {}): Detector {
  const minHistory = resolveMinHistory(options);
  const consensus = SKYLINE_CONSENSUS[resolveSensitivity(options)];
  const windowPoints = Math.max(options.windowPoints ?? 2000, minHistory);
  const quietMs = resolveQuietMs(options);
  const stream = (): StreamingDetector => new SkylineStream(minHistory, windowPoints, consensus, quietMs);
  return { name: 'skyline', stream, score: (values, timestamps) => scoreWithStream(stream(), values, timestamps) };
}
