/** Period arithmetic: month boundaries, time zones with their DST changes and skipped days, leap days. */
import { checkTimeZone, localDate, localDateTime, parsePeriodKinds, reportPeriods, startOfLocalDay, startOfLocalMonth, utcOffsetMinutes } from '../../../lambdas/sla-report/periods';

const z = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;
const hours = (from: number, to: number) => (to - from) / HOUR;

describe('startOfLocalDay', () => {
  it.each([
    ['UTC', 2024, 3, 1, '2024-03-01T00:00:00.000Z'],
    ['Europe/Berlin', 2024, 3, 1, '2024-02-29T23:00:00.000Z'],
    ['Europe/Berlin', 2024, 4, 1, '2024-03-31T22:00:00.000Z'],
    ['America/New_York', 2024, 11, 3, '2024-11-03T04:00:00.000Z'],
    ['Asia/Kolkata', 2024, 1, 1, '2023-12-31T18:30:00.000Z'],
    ['Pacific/Kiritimati', 2024, 1, 1, '2023-12-31T10:00:00.000Z'],
    ['Etc/GMT+12', 2024, 1, 1, '2024-01-01T12:00:00.000Z'],
    ['Australia/Lord_Howe', 2024, 4, 7, '2024-04-06T13:00:00.000Z'],
  ])('%s %i-%i-%i starts at %s', (zone, y, m, d, expected) => {
    expect(iso(startOfLocalDay(y, m, d, zone))).toBe(expected);
  });

  it('starts a day whose midnight does not exist at the first instant after it (DST at 00:00)', () => {
    // São Paulo moved 00:00 to 01:00 on 4 Nov 2018; Santiago on 8 Sep 2024.
    expect(iso(startOfLocalDay(2018, 11, 4, 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z');
    expect(localDateTime(startOfLocalDay(2018, 11, 4, 'America/Sao_Paulo'), 'America/Sao_Paulo')).toBe('2018-11-04 01:00');
    expect(iso(startOfLocalDay(2024, 9, 8, 'America/Santiago'))).toBe('2024-09-08T04:00:00.000Z');
  });

  it('starts a skipped day where the next day starts (Samoa skipped 30 December 2011)', () => {
    expect(startOfLocalDay(2011, 12, 30, 'Pacific/Apia')).toBe(startOfLocalDay(2011, 12, 31, 'Pacific/Apia'));
    expect(hours(startOfLocalDay(2011, 12, 29, 'Pacific/Apia'), startOfLocalDay(2011, 12, 31, 'Pacific/Apia'))).toBe(24);
  });
});

describe('month boundaries', () => {
  it.each([
    ['UTC', '2024-02-15T12:00:00Z', 29 * 24],
    ['UTC', '2023-02-15T12:00:00Z', 28 * 24],
    ['UTC', '2100-02-15T12:00:00Z', 28 * 24], // not a leap year: divisible by 100, not by 400
    ['UTC', '2000-02-15T12:00:00Z', 29 * 24], // a leap year: divisible by 400
    ['Europe/Berlin', '2024-03-15T12:00:00Z', 31 * 24 - 1], // spring forward: 743 hours
    ['Europe/Berlin', '2024-10-15T12:00:00Z', 31 * 24 + 1], // fall back: 745 hours
    ['America/New_York', '2024-11-15T12:00:00Z', 30 * 24 + 1],
    ['Australia/Lord_Howe', '2024-04-15T12:00:00Z', 30 * 24 + 0.5], // half-hour DST
    ['Pacific/Apia', '2011-12-15T12:00:00Z', 30 * 24], // a day short
  ])('%s: the month around %s has %d hours', (zone, at, expected) => {
    const start = startOfLocalMonth(z(at), zone);
    const next = startOfLocalMonth(z(at) + 40 * 24 * HOUR, zone);
    expect(hours(start, next)).toBe(expected);
  });

  it('reaches back over a year end', () => {
    expect(iso(startOfLocalMonth(z('2024-01-10T00:00:00Z'), 'UTC', 1))).toBe('2023-12-01T00:00:00.000Z');
    expect(iso(startOfLocalMonth(z('2024-01-10T00:00:00Z'), 'UTC', 13))).toBe('2022-12-01T00:00:00.000Z');
  });

  it('reads an instant just after a local month start as that month, and just before as the previous', () => {
    const march = startOfLocalDay(2024, 3, 1, 'Europe/Berlin');
    expect(startOfLocalMonth(march, 'Europe/Berlin')).toBe(march);
    expect(iso(startOfLocalMonth(march - 1, 'Europe/Berlin'))).toBe('2024-01-31T23:00:00.000Z');
  });
});

describe('reportPeriods', () => {
  it('resolves every period in a time zone, as of a Monday midnight', () => {
    const asOf = z('2024-03-03T23:00:00Z'); // Monday 4 March 2024, 00:00 in Berlin
    const periods = reportPeriods(['last-24h', 'last-7d', 'month-to-date', 'previous-month'], asOf, 'Europe/Berlin');
    expect(periods.map((p) => [p.id, p.label, iso(p.start), iso(p.end), p.complete])).toEqual([
      ['last-24h', 'Last 24 hours', '2024-03-02T23:00:00.000Z', '2024-03-03T23:00:00.000Z', true],
      ['last-7d', 'Last 7 days', '2024-02-25T23:00:00.000Z', '2024-03-03T23:00:00.000Z', true],
      ['month-to-date', 'March 2024 to date', '2024-02-29T23:00:00.000Z', '2024-03-03T23:00:00.000Z', false],
      ['previous-month', 'February 2024', '2024-01-31T23:00:00.000Z', '2024-02-29T23:00:00.000Z', true],
    ]);
  });

  it('keeps "last 7 days" at 168 hours across a DST change, and the calendar month at its local length', () => {
    const asOf = z('2024-04-01T00:00:00+02:00');
    const [week, march] = reportPeriods(['last-7d', 'previous-month'], asOf, 'Europe/Berlin');
    expect(hours(week.start, week.end)).toBe(168);
    expect([march.label, hours(march.start, march.end)]).toEqual(['March 2024', 743]);
  });

  it('gives an empty month to date at the very start of a month (the monthly run reports the month before)', () => {
    const [mtd] = reportPeriods(['month-to-date'], z('2024-03-01T00:00:00Z'), 'UTC');
    expect(mtd.end - mtd.start).toBe(0);
  });

  it('drops duplicates and keeps the order asked', () => {
    expect(reportPeriods(['last-7d', 'last-24h', 'last-7d'], z('2024-03-01T00:00:00Z'), 'UTC').map((p) => p.id)).toEqual(['last-7d', 'last-24h']);
  });
});

describe('errors and formatting', () => {
  it('refuses an unknown time zone, naming it', () => {
    expect(() => checkTimeZone('Europe/Berlim')).toThrow('"Europe/Berlim" is not an IANA time zone; use e.g. "UTC", "Europe/Berlin" or "America/New_York"');
    expect(() => reportPeriods(['last-24h'], 0, 'Mars/Olympus')).toThrow('"Mars/Olympus" is not an IANA time zone');
  });

  it('refuses unknown periods and an empty list, naming them', () => {
    expect(() => parsePeriodKinds(['last-24h', 'yesterday', 'last-month'])).toThrow('unknown period(s) "yesterday", "last-month"; use last-24h, last-7d, month-to-date, previous-month');
    expect(() => parsePeriodKinds([])).toThrow('no period given; use one or more of last-24h, last-7d, month-to-date, previous-month');
  });

  it('formats local dates and offsets', () => {
    expect(localDate(z('2024-02-29T23:30:00Z'), 'Europe/Berlin')).toBe('2024-03-01');
    expect(localDateTime(z('2024-03-31T01:30:00Z'), 'Europe/Berlin')).toBe('2024-03-31 03:30');
    expect(utcOffsetMinutes(z('2024-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(utcOffsetMinutes(z('2024-07-01T00:00:00Z'), 'America/New_York')).toBe(-240);
  });
});
