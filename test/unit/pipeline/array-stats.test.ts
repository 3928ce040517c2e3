import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { maxOf, minMax, minOf, pushAll } from '../../../src/pipeline/array-stats.js';
import type { SampleSet } from '../../../src/pipeline/dataset/assemble.js';
import { chronologicalSplit } from '../../../src/pipeline/dataset/split.js';
import { majorityClass } from '../../../src/pipeline/evaluate/metrics.js';
import { spreadOf } from '../../../src/monitoring/backtest/walk-forward-plan.js';

// Past ~600k elements an argument spread (Math.max(...xs)) threw "Maximum call stack size exceeded".
const ROWS = 700_000;
const DAY = 86_400_000;

function bigSampleSet(rows: number, symbols: number): SampleSet {
  const per = Math.ceil(rows / symbols);
  const symbol = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / per));
  const bar = Int32Array.from({ length: rows }, (_, r) => r % per);
  const time = Float64Array.from(bar, (b) => b * DAY);
  return { names: ['f'], rows, cols: 1, x: new Float64Array(rows), y: Int32Array.from(bar, (b) => b % 3), symbol, bar, time };
}

describe('array helpers', () => {
  it('match Math.min / Math.max, NaN and empty included', () => {
    expect(minMax([3, -1, 7])).toEqual({ min: -1, max: 7 });
    expect(minMax([])).toEqual({ min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY });
    expect(maxOf([1, Number.NaN])).toBeNaN();
    expect(minOf(Int32Array.of(4, 2, 9))).toBe(2);
    expect(pushAll([1], [2, 3])).toEqual([1, 2, 3]);
  });

  it(`handle ${ROWS.toLocaleString('en')}-element arrays where an argument spread overflowed the stack`, () => {
    const xs = Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i));
    expect(minMax(xs).min).toBeGreaterThanOrEqual(-1);
    expect(maxOf(Int32Array.from({ length: ROWS }, (_, i) => i))).toBe(ROWS - 1);
    expect(pushAll<number>([], xs)).toHaveLength(ROWS);
    expect(spreadOf(Array.from(xs)).max).toBeLessThanOrEqual(1);
  });

  it(`split and majority class run on a ${ROWS.toLocaleString('en')}-row sample set`, () => {
    const set = bigSampleSet(ROWS, 2);
    const split = chronologicalSplit(set, { validation_fraction: 0.15, test_fraction: 0.15, purge: 5 });
    expect(split.train.rows + split.validation.rows + split.test.rows + split.purged).toBe(ROWS);
    expect(majorityClass(set.y)).toBe(0);
  });
});

describe('lint guard against argument spreads', () => {
  it('fails Math.max(...xs), push(...xs), fromCharCode(...bytes) and .apply in src/, allows array literals', async () => {
    const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../../..') });
    const code = [
      'export function f(xs: number[], out: number[], bytes: Uint8Array): unknown[] {',
      '  const a = Math.max(...xs);',
      '  const b = Math.min(0, ...xs);',
      '  out.push(...xs);',
      '  const c = String.fromCharCode(...bytes);',
      '  const d = Math.max.apply(null, xs);',
      '  const e = [...xs, ...out];',
      '  return [a, b, c, d, e];',
      '}',
      '',
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: 'src/spread-probe.ts' });
    const lines = result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line);
    expect(lines).toEqual([2, 3, 4, 5, 6]);
  }, 60_000);
});
