import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../src/pipeline/data/csv.js';
import { decodeCsvBytes } from '../../../../src/pipeline/data/decode.js';
import { catchDomainError } from './helpers.js';

const HEAD = 'date,open,high,low,close,volume';
const GOOD = '2020-01-02,10,12,9,11,100';
const csv = (...rows: string[]) => [HEAD, ...rows].join('\n') + '\n';
const fail = (text: string) => catchDomainError(() => parseCsv(text, 'data.csv'), 'INVALID_DATA');

describe('parseCsv rejects bad data with file, line and problem', () => {
  it('missing required column: lists found and needed columns', () => {
    const e = fail('date,open,close\n2020-01-02,1,2\n');
    expect(e.message).toMatch(/^data\.csv line 1: missing columns high, low/);
    expect(e.message).toContain(
      'line 1 has 3 fields separated by commas; of the required columns it has time, open, close; its columns: date, open, close',
    );
    expect(e.message).toContain('needed: a time column');
    expect(e.data).toMatchObject({ file: 'data.csv', line: 1, column: 'high' });
  });

  it('a header-less file gets a hint', () => {
    expect(fail('2020-01-02,1,2,0.5,1.5,10\n').message).toMatch(/first line looks like data/);
  });

  it('non-numeric, NaN and Infinity values', () => {
    expect(fail(csv(GOOD, '2020-01-03,abc,12,9,11,100')).message).toBe(
      'data.csv line 3: open "abc" is not a number. Fix or delete these rows (line numbers count the header as line 1) and load the file again.',
    );
    expect(fail(csv('2020-01-03,10,NaN,9,11,100')).message).toMatch(/line 2: high is "NaN", not a finite number/);
    const inf = fail(csv('2020-01-03,10,12,9,Infinity,100'));
    expect(inf.message).toMatch(/line 2: close is "Infinity", not a finite number/);
    expect(inf.data).toMatchObject({ file: 'data.csv', line: 2, column: 'close' });
  });

  it('non-positive prices', () => {
    expect(fail(csv('2020-01-03,0,12,9,11,100')).message).toMatch(/line 2: open is 0; prices must be positive/);
    expect(fail(csv('2020-01-03,10,12,-9,11,100')).message).toMatch(/line 2: low is -9; prices must be positive/);
  });

  it('high below low, below open/close, low above open/close', () => {
    expect(fail(csv('2020-01-03,10,8,9,8.5,100')).message).toMatch(/line 2: high 8 is below low 9/);
    expect(fail(csv('2020-01-03,10,11,9,12,100')).message).toMatch(/line 2: high 11 is below close 12/);
    const low = fail(csv(GOOD, '2020-01-03,10,12,10.5,11,100'));
    expect(low.message).toMatch(/line 3: low 10.5 is above open 10/);
    expect(low.data).toMatchObject({ line: 3, column: 'low' });
  });

  it('negative volume', () => {
    expect(fail(csv('2020-01-03,10,12,9,11,-5')).message).toMatch(/line 2: volume is -5; volume cannot be negative/);
  });

  it('duplicate timestamp names both lines, per symbol', () => {
    const e = fail(csv(GOOD, '2020-01-03,10,12,9,11,100', '2020-01-02,10,12,9,11,100'));
    expect(e.message).toMatch(/line 4: duplicate timestamp 2020-01-02 \(also on line 2\)/);
    const multi = 'symbol,date,open,high,low,close\nA,2020-01-02,1,2,0.5,1\nB,2020-01-02,1,2,0.5,1\nA,2020-01-02,1,2,0.5,1\n';
    expect(fail(multi).message).toMatch(/line 4: duplicate timestamp 2020-01-02 for A \(also on line 2\)/);
  });

  it('unparseable timestamps', () => {
    const e = fail(csv(GOOD, 'yesterday,10,12,9,11,100'));
    expect(e.message).toMatch(/line 3: cannot read timestamp "yesterday"; expected a timestamp; use ISO dates \(2021-03-15\)/);
    expect(fail(csv('2020-02-30,10,12,9,11,100')).message).toMatch(/cannot read timestamp "2020-02-30"/);
  });

  it('empty file and header only', () => {
    expect(fail('').message).toMatch(/^data\.csv line 1: the file is empty/);
    expect(fail('  \n\n').message).toMatch(/the file is empty/);
    expect(fail(`${HEAD}\n`).message).toMatch(/^data\.csv line 1: the file has a header but no data rows/);
  });

  it('rows with the wrong number of fields', () => {
    expect(fail(csv(GOOD, '2020-01-03,10,12,9,11')).message).toMatch(/line 3: has 5 fields but the header has 6/);
    expect(fail(csv('2020-01-03,10,12,9,11,100,7')).message).toMatch(/line 2: has 7 fields but the header has 6/);
  });

  it("Yahoo's null rows are rejected with their line, not dropped", () => {
    const e = fail(csv(GOOD, '2020-01-03,null,null,null,null,null'));
    expect(e.message).toMatch(/line 3: open is "null" \(Yahoo Finance writes null rows/);
  });

  it('collects several problems into one error', () => {
    const e = fail(csv(GOOD, '2020-01-03,x,12,9,11,100', '2020-01-04,10,12,9,11,-1', 'bad-date,10,12,9,11,100'));
    const lines = e.message.split('\n');
    expect(lines[0]).toBe('data.csv: 3 problems');
    expect(lines[1]).toMatch(/^ {2}line 3: open "x" is not a number/);
    expect(lines[2]).toMatch(/^ {2}line 4: volume is -1/);
    expect(lines[3]).toMatch(/^ {2}line 5: cannot read timestamp "bad-date"/);
    expect(e.data).toMatchObject({ file: 'data.csv', line: 3, column: 'open', total: 3 });
  });

  it('caps the list at 10 and counts the rest', () => {
    const rows = Array.from({ length: 25 }, (_, i) => `2020-02-${String(i + 1).padStart(2, '0')},10,12,9,11,-1`);
    const e = fail(csv(...rows));
    expect(e.message.split('\n')[0]).toBe('data.csv: 25 problems');
    expect(e.message).toContain('... and 15 more');
    expect((e.data?.problems as unknown[]).length).toBe(10);
  });

  it('line numbers count blank lines and CRLF like an editor', () => {
    const e = fail(`${HEAD}\r\n${GOOD}\r\n\r\n2020-01-03,10,12,9,zz,100\r\n`);
    expect(e.message).toMatch(/line 4: close "zz" is not a number/);
  });

  it('binary garbage: NUL bytes and invalid UTF-8 are caught on the bytes', () => {
    const nul = catchDomainError(() => decodeCsvBytes(Buffer.from(`${HEAD}\n${GOOD}\n\u0000\u0001`), 'data.csv'), 'INVALID_DATA');
    expect(nul.message).toMatch(/^data\.csv line 3: NUL byte at byte \d+: this is not a text file/);
    const zip = catchDomainError(() => decodeCsvBytes(Buffer.from([0x50, 0x4b, 3, 4, 0, 0]), 'book.csv'), 'INVALID_DATA');
    expect(zip.message).toMatch(/xlsx/);
    const bad = Buffer.concat([Buffer.from(`${HEAD}\n2020-01-02,1`), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(',2,1,1,1\n')]);
    const utf = catchDomainError(() => decodeCsvBytes(bad, 'data.csv'), 'INVALID_DATA');
    expect(utf.message).toMatch(/^data\.csv line 2: invalid UTF-8 at byte 45/);
    expect(utf.data).toMatchObject({ file: 'data.csv', line: 2 });
    expect(decodeCsvBytes(Buffer.from('date,é\n'), 'ok.csv')).toBe('date,é\n');
  });

  it('an unclosed quote is reported', () => {
    expect(fail(csv(GOOD, '"2020-01-03,10,12,9,11,100')).message).toMatch(/quoted field is never closed/);
  });
});
