import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvError, formatTimestamp, parseSeriesCsv, parseTimestamp, readSeriesCsv, writeScoredCsv } from '../../../lambdas/anomaly-check/nab/csv';

describe('timestamps', () => {
  it('reads NAB timestamps as UTC, with optional fractions, T and Z', () => {
    expect(parseTimestamp('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0));
    expect(parseTimestamp('2014-04-10 07:15:00.500000')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0, 500));
    expect(parseTimestamp('2014-04-10T07:15:00Z')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0));
  });

  it('rejects malformed and impossible timestamps', () => {
    expect(parseTimestamp('2014-02-30 00:00:00')).toBeNaN();
    expect(parseTimestamp('2014-04-10 24:00:00')).toBeNaN();
    expect(parseTimestamp('10/04/2014 07:15')).toBeNaN();
  });

  it('formats back to the NAB form', () => {
    expect(formatTimestamp(Date.UTC(2014, 3, 10, 7, 15, 0))).toBe('2014-04-10 07:15:00');
  });
});

describe('parseSeriesCsv', () => {
  it('parses rows into aligned typed arrays, gaps as NaN, extra columns ignored', () => {
    const series = parseSeriesCsv('timestamp,value,label\n2014-01-01 00:00:00,1.5,0\n2014-01-01 00:05:00,,0\n\n2014-01-01 00:10:00,NaN\n2014-01-01 00:15:00,-2e3\n');
    expect(Array.from(series.timestamps)).toEqual([0, 5, 10, 15].map((m) => Date.UTC(2014, 0, 1, 0, m)));
    expect(Array.from(series.values)).toEqual([1.5, NaN, NaN, -2000]);
  });

  it('names the file and line of every problem', () => {
    expect(() => parseSeriesCsv('time,val\n', 'a.csv')).toThrow('a.csv:1: header is "time,val"; expected "timestamp,value"');
    expect(() => parseSeriesCsv('timestamp,value\n2014-01-01 00:00:00,1\n2014-13-01 00:00:00,2\n', 'b.csv')).toThrow('b.csv:3: timestamp "2014-13-01 00:00:00" is not "YYYY-MM-DD HH:MM:SS"');
    expect(() => parseSeriesCsv('timestamp,value\n2014-01-01 00:00:00,abc\n', 'c.csv')).toThrow('c.csv:2: value "abc" is not a number');
    expect(() => parseSeriesCsv('timestamp,value\n2014-01-01 00:00:00\n', 'd.csv')).toThrow('d.csv:2: expected "timestamp,value"');
    expect(() => parseSeriesCsv('timestamp,value\n', 'e.csv')).toThrow('e.csv:1: no data rows after the header');
    expect(() => parseSeriesCsv('nope', 'f.csv')).toThrow(CsvError);
  });
});

describe('readSeriesCsv', () => {
  it('reads a file, and says which path it could not read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomaly-csv-'));
    writeFileSync(join(dir, 's.csv'), 'timestamp,value\r\n2014-01-01 00:00:00,3\r\n');
    expect(Array.from(readSeriesCsv(join(dir, 's.csv')).values)).toEqual([3]);
    expect(() => readSeriesCsv(join(dir, 'missing.csv'))).toThrow(`cannot read ${join(dir, 'missing.csv')}: ENOENT; check the path`);
  });
});

describe('writeScoredCsv', () => {
  it('writes timestamp,value,anomaly_score,label with unscored points as 0', () => {
    const series = parseSeriesCsv('timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,\n2014-01-01 00:10:00,7.25\n');
    let out = '';
    writeScoredCsv(series, Float64Array.from([NaN, NaN, 0.1234567]), Uint8Array.from([0, 0, 1]), (chunk) => (out += chunk));
    expect(out).toBe('timestamp,value,anomaly_score,label\n2014-01-01 00:00:00,1,0,0\n2014-01-01 00:05:00,,0,0\n2014-01-01 00:10:00,7.25,0.123457,1\n');
    // And it reads back.
    expect(Array.from(parseSeriesCsv(out).values)).toEqual([1, NaN, 7.25]);
  });

  it('streams large series in chunks', () => {
    const n = 10_000;
    const series = { timestamps: Float64Array.from({ length: n }, (_, i) => i * 1000), values: new Float64Array(n) };
    const chunks: string[] = [];
    writeScoredCsv(series, new Float64Array(n), new Uint8Array(n), (chunk) => chunks.push(chunk));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('').split('\n').length).toBe(n + 2);
  });
});
