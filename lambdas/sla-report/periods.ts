/**
 * Reporting periods and the calendar arithmetic behind them, in any IANA
 * time zone, with the platform's `Intl` (full ICU in Node 20 and the
 * nodejs22.x runtime) and no time library.
 *
 * A period is a half-open interval of instants `[start, end)` in epoch
 * milliseconds. "Last 24 hours" and "last 7 days" are durations ending at
 * the report's `asOf` (so a week across a DST change is still 168 hours);
 * months follow the calendar of the report's time zone, so March in
 * Europe/Berlin is 743 hours and February 2024 is 29 days anywhere.
 */
import { SLA_PERIODS, type SlaPeriod } from '../../config/sections/sla-report';

/** The periods a report can cover (the configuration's list, so a schedule can only name these). */
export const PERIOD_KINDS = SLA_PERIODS;
export type PeriodKind = SlaPeriod;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One reporting period, resolved. */
export interface ReportPeriod {
  readonly id: PeriodKind;
  /** For people: "Last 24 hours", "March 2024", "April 2024 to date". */
  readonly label: string;
  /** First instant of the period (epoch ms, inclusive). */
  readonly start: number;
  /** End of the period (epoch ms, exclusive). */
  readonly end: number;
  /** False while the period is still running (month to date). */
  readonly complete: boolean;
}

/** Local calendar fields of an instant in a time zone. */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's canonical name; throws naming the value when it is not an IANA time zone. */
export function checkTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`"${timeZone}" is not an IANA time zone; use e.g. "UTC", "Europe/Berlin" or "America/New_York"`);
  }
}

/** The local date and time of an instant in a time zone. */
export function localTime(epochMs: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  return { year, month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** A comparable key of a local date: 20240229. */
function dateKey(year: number, month: number, day: number): number {
  return year * 10_000 + month * 100 + day;
}

function localDateKey(epochMs: number, timeZone: string): number {
  const t = localTime(epochMs, timeZone);
  return dateKey(t.year, t.month, t.day);
}

/**
 * The first instant of a local calendar day: local midnight, or the first
 * instant after it when midnight does not exist (a DST change at 00:00,
 * as in America/Santiago or, until 2019, America/Sao_Paulo), or the first
 * instant of the next existing day when the day itself was skipped
 * (Pacific/Apia skipped 30 December 2011).
 *
 * Offsets lie within -12h..+14h, so the instant is within 16 hours of the
 * same wall time in UTC. A 15-minute scan finds the change of date (no
 * zone has moved its clock twice within 15 minutes) and a bisection finds
 * the millisecond.
 */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const target = dateKey(year, month, day);
  const utcMidnight = Date.UTC(year, month - 1, day);
  const step = 15 * 60_000;
  let before = utcMidnight - 16 * HOUR_MS;
  if (localDateKey(before, timeZone) >= target) throw new Error(`startOfLocalDay: ${year}-${month}-${day} in ${timeZone} starts more than 16 hours before UTC midnight`);
  let after = before + step;
  while (localDateKey(after, timeZone) < target) {
    before = after;
    after += step;
    if (after > utcMidnight + 40 * HOUR_MS) throw new Error(`startOfLocalDay: no instant of ${year}-${month}-${day} or later found in ${timeZone}`);
  }
  // Invariant: the local date at `before` is earlier than the target, at `after` it is the target or later.
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (localDateKey(mid, timeZone) < target) before = mid;
    else after = mid;
  }
  return after;
}

/** The first instant of the local month `monthsBack` months before the one containing `epochMs`. */
export function startOfLocalMonth(epochMs: number, timeZone: string, monthsBack = 0): number {
  const t = localTime(epochMs, timeZone);
  const index = t.year * 12 + (t.month - 1) - monthsBack;
  return startOfLocalDay(Math.floor(index / 12), (index % 12) + 1, 1, timeZone);
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthLabel(epochMs: number, timeZone: string): string {
  const t = localTime(epochMs, timeZone);
  return `${MONTH_NAMES[t.month - 1]} ${t.year}`;
}

/** One period ending at (or before) `asOf`. */
export function reportPeriod(kind: PeriodKind, asOf: number, timeZone: string): ReportPeriod {
  switch (kind) {
    case 'last-24h':
      return { id: kind, label: 'Last 24 hours', start: asOf - DAY_MS, end: asOf, complete: true };
    case 'last-7d':
      return { id: kind, label: 'Last 7 days', start: asOf - 7 * DAY_MS, end: asOf, complete: true };
    case 'month-to-date': {
      const start = startOfLocalMonth(asOf, timeZone);
      return { id: kind, label: `${monthLabel(start, timeZone)} to date`, start, end: asOf, complete: false };
    }
    case 'previous-month': {
      const start = startOfLocalMonth(asOf, timeZone, 1);
      return { id: kind, label: monthLabel(start, timeZone), start, end: startOfLocalMonth(asOf, timeZone), complete: true };
    }
  }
}

/** The periods of a report, in the order asked, without duplicates. */
export function reportPeriods(kinds: readonly PeriodKind[], asOf: number, timeZone: string): ReportPeriod[] {
  const zone = checkTimeZone(timeZone);
  return [...new Set(kinds)].map((kind) => reportPeriod(kind, asOf, zone));
}

/** Parse a list of period names; throws naming every unknown one. */
export function parsePeriodKinds(values: readonly string[]): PeriodKind[] {
  const unknown = values.filter((v) => !(PERIOD_KINDS as readonly string[]).includes(v));
  if (unknown.length > 0) throw new RangeError(`unknown period(s) ${unknown.map((u) => `"${u}"`).join(', ')}; use ${PERIOD_KINDS.join(', ')}`);
  if (values.length === 0) throw new RangeError(`no period given; use one or more of ${PERIOD_KINDS.join(', ')}`);
  return values as PeriodKind[];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2024-03-31` in the zone. */
export function localDate(epochMs: number, timeZone: string): string {
  const t = localTime(epochMs, timeZone);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
}

/** `2024-03-31 02:00` in the zone, for people. */
export function localDateTime(epochMs: number, timeZone: string): string {
  const t = localTime(epochMs, timeZone);
  return `${localDate(epochMs, timeZone)} ${pad(t.hour)}:${pad(t.minute)}`;
}

/** The zone's offset from UTC at an instant, in minutes (east positive). */
export function utcOffsetMinutes(epochMs: number, timeZone: string): number {
  const t = localTime(epochMs, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}
