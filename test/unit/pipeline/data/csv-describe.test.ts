import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../src/pipeline/data/csv.js';
import { catchDomainError } from './helpers.js';

const fail = (text: string) => catchDomainError(() => parseCsv(text, 'file'), 'INVALID_DATA').message;

describe('a header without the required columns is described, never quoted', () => {
  it('files that are not market data: fields and separator counted, nothing of the line repeated', () => {
    const passwd = fail('root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n');
    expect(passwd).toMatch(/^file line 1: missing columns time, open, high, low, close; line 1 has 1 field \(no comma, semicolon or tab/);
    expect(passwd).not.toMatch(/root|daemon|bash/);
    const env = fail('API_KEY=sk-secret-123,DEBUG=1\n');
    expect(env).toContain('line 1 has 2 fields separated by commas');
    expect(env).not.toMatch(/API_KEY|sk-secret/);
    const one = fail('token;ghp_abcdef123456;open\nx;y;z\n');
    expect(one).toContain('line 1 has 3 fields separated by semicolons; of the required columns it has open');
    expect(one).not.toContain('ghp_');
  });

  it('market data with a header to fix: identifier-like names listed, others described', () => {
    const m = fail(`Date\tPrice\tHigh\tLow\t${'x'.repeat(60)}\tVol=1\n2020-01-02\t1\t2\t0.5\t1\t3\n`);
    // "Price" is the close of a close-only export, so only open is missing here.
    expect(m).toContain(
      'missing column open; line 1 has 6 fields separated by tabs; of the required columns it has time, high, low, close',
    );
    expect(m).not.toContain('x'.repeat(60));
    expect(m).toContain('its columns: Date, Price, High, Low, <field of 60 characters>, <field of 5 characters>');
  });
});
