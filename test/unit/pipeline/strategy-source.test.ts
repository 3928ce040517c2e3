import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDomainError, type DomainError } from '../../../src/domain/errors.js';
import { parseStrategy, resolveStrategy } from '../../../src/pipeline/strategy-source.js';

const problems = (fn: () => unknown): { message: string; issues: string[] } => {
  try {
    fn();
  } catch (err) {
    if (isDomainError(err)) return { message: err.message, issues: (err as DomainError).data?.['issues'] as string[] };
    throw err;
  }
  throw new Error('no error');
};
const VALID_HEAD = 'name: x\nindicators: [{id: r, type: rsi}]\nlabels: {type: forward_return}\nfeatures: {raw: [r]}\n';

describe('strategy errors describe the file, never quote it', () => {
  it('a mapping with none of name, indicators, labels is not a strategy: its fields are counted, not listed', () => {
    const p = problems(() => parseStrategy('root:$6$salt$hash:19000:0:99999:7:::\nAPI_KEY: sk-secret-123\n', '/x/shadow'));
    expect(p.issues).toEqual(['(root): not a strategy: a mapping of 2 fields, none of them name, indicators, labels']);
    expect(p.message).not.toMatch(/root:|salt|API_KEY|sk-secret/);
  });

  it('unknown fields are quoted only when identifier-like and at most 40 characters', () => {
    const long = 'a'.repeat(41);
    const p = problems(() => parseStrategy(`${VALID_HEAD}"has space": 1\n${long}: 2\nindicatorz: 3\n"x:y": 4\n`));
    expect(p.issues).toEqual(['(root): unknown fields "indicatorz" and 3 more whose names are not identifiers']);
    const nested = problems(() => parseStrategy(`${VALID_HEAD}training: {"p@ss word": 1}\n`));
    expect(nested.issues.join('\n')).not.toContain('p@ss');
  });

  it('YAML that does not parse is reported by code and position; text and lists by their kind', () => {
    expect(problems(() => parseStrategy('name: x\n  secret: [\n')).message).toMatch(
      /is not valid YAML \([A-Z_]+ at line \d+, column \d+\)\.$/,
    );
    expect(problems(() => parseStrategy('- a\n- b\n')).issues).toEqual([
      '(root): expected a mapping with name, indicators and labels; found a list of 2 items',
    ]);
  });

  it('a strategy file over 1 MiB is refused before it is parsed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-strategy-'));
    const file = path.join(dir, 'big.yaml');
    fs.writeFileSync(file, `# ${'x'.repeat(1024 * 1024)}\n`);
    expect(problems(() => resolveStrategy(file, { strategiesDir: dir })).message).toMatch(/at most 1048576 bytes/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
