/**
 * Reader and writer for NAB-style `timestamp,value` CSV files.
 *
 * Timestamps are `YYYY-MM-DD HH:MM:SS` (optionally with fractional seconds,
 * optionally with a `T` separator and a trailing `Z`) and are read as UTC,
 * as NAB does: its files carry no zone, and reading them as local time would
 * make the result depend on the machine's TZ and shift seasonal phases.
 */
import { readFileSync } from 'node:fs';

/** One series as parallel typed arrays (index i is one row). */
export interface TimeSeries {
  /** Milliseconds since the Unix epoch, UTC. */
  readonly timestamps: Float64Array;
  /** NaN where the file has an empty or `NaN` value (a gap). */
  readonly values: Float64Array;
}

/** A CSV problem, with the file and 1-based line it was found on. */
export class CsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'CsvError';
  }
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z?$/;

/**
 * Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` as UTC milliseconds, or returns NaN
 * when the text is not such a timestamp or names an impossible date.
 */
export function parseTimestamp(text: string): number {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return NaN;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + (fraction ? Math.round(Number(fraction) * 1000) : 0);
  // Date.UTC rolls 2014-02-30 over to March; a round trip catches that.
  const check = new Date(ms);
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return NaN;
  return ms;
}

/** Formats UTC milliseconds as `YYYY-MM-DD HH:MM:SS` (the NAB form). */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Parses a value cell: a finite number, or NaN for an explicit gap. */
function parseValue(cell: string, file: string, line: number): number {
  const text = cell.trim();
  if (text === '' || text.toLowerCase() === 'nan') return NaN;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new CsvError(file, line, `value "${text}" is not a number; write a decimal number, or leave the cell empty for a gap`);
  return value;
}

/**
 * Parses CSV text with a `timestamp,value` header (extra columns are
 * ignored, so a scored output file reads back too). `file` names the source
 * in error messages.
 */
export function parseSeriesCsv(text: string, file = '<csv>'): TimeSeries {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((c) => c.trim().toLowerCase());
  if (header[0] !== 'timestamp' || header[1] !== 'value') {
    throw new CsvError(file, 1, `header is "${lines[0] ?? ''}"; expected "timestamp,value"`);
  }
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length < 2) throw new CsvError(file, i + 1, `expected "timestamp,value", got "${line}"`);
    const timestamp = parseTimestamp(cells[0]);
    if (Number.isNaN(timestamp)) throw new CsvError(file, i + 1, `timestamp "${cells[0].trim()}" is not "YYYY-MM-DD HH:MM:SS"`);
    timestamps.push(timestamp);
    values.push(parseValue(cells[1], file, i + 1));
  }
  if (timestamps.length === 0) throw new CsvError(file, 1, 'no data rows after the header');
  return { timestamps: Float64Array.from(timestamps), values: Float64Array.from(values) };
}

/** Reads and parses a `timestamp,value` CSV file. */
export function readSeriesCsv(file: string): TimeSeries {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; check the path`);
  }
  return parseSeriesCsv(text, file);
}

/** Formats a number compactly for CSV output; NaN becomes an empty cell. */
function formatNumber(value: number, digits?: number): string {
  if (Number.isNaN(value)) return '';
  return digits === undefined ? String(value) : String(Number(value.toFixed(digits)));
}

/**
 * Writes `timestamp,value,anomaly_score,label` rows, calling `write` once
 * per chunk so a large series streams to stdout without one huge string.
 * Points that were not scored (NaN, e.g. before `minHistory`) are written
 * with score 0, NAB's convention for a detector's warm-up.
 */
export function writeScoredCsv(series: TimeSeries, scores: Float64Array, labels: Uint8Array, write: (chunk: string) => void): void {
  const chunkRows = 4096;
  let chunk = 'timestamp,value,anomaly_score,label\n';
  for (let i = 0; i < series.values.length; i++) {
    const score = Number.isNaN(scores[i]) ? 0 : scores[i];
    chunk += `${formatTimestamp(series.timestamps[i])},${formatNumber(series.values[i])},${formatNumber(score, 6)},${labels[i]}\n`;
    if ((i + 1) % chunkRows === 0) {
      write(chunk);
      chunk = '';
    }
  }
  if (chunk) write(chunk);
}
