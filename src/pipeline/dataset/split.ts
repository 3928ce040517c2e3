import { DomainError } from '../../domain/errors.js';
import { subset, type SampleSet } from './assemble.js';
import { maxOf } from '../array-stats.js';

export interface SplitSpec {
  validation_fraction: number;
  test_fraction: number;
  /** Bars dropped before each boundary, per symbol: at least the label horizon. */
  purge: number;
}

export interface Split {
  train: SampleSet;
  validation: SampleSet;
  test: SampleSet;
  /** First timestamp (ms) of the validation and test parts. */
  boundaries: { validation_start: number; test_start: number };
  purged: number;
}

/** Calendar boundaries of a split: rows in [from, valStart) train, [valStart, testStart) validate, [testStart, to) test. */
export interface SplitBounds {
  from: number;
  valStart: number;
  testStart: number;
  to: number;
}

/**
 * Row indices of each part. Per symbol the `purge` bars before the validation and test boundaries
 * are dropped (counted in `purged`), so a label looking `purge` bars ahead never sees the next part.
 */
export function purgedParts(
  set: SampleSet,
  b: SplitBounds,
  purge: number,
): { train: Int32Array; val: Int32Array; test: Int32Array; purged: number } {
  // First bar index at or after each boundary, per symbol.
  const symbols = set.rows === 0 ? 0 : maxOf(set.symbol) + 1;
  const firstVal = new Float64Array(symbols).fill(Number.POSITIVE_INFINITY);
  const firstTest = new Float64Array(symbols).fill(Number.POSITIVE_INFINITY);
  for (let r = 0; r < set.rows; r++) {
    const s = set.symbol[r]!;
    const t = set.time[r]!;
    if (t >= b.valStart) firstVal[s] = Math.min(firstVal[s]!, set.bar[r]!);
    if (t >= b.testStart) firstTest[s] = Math.min(firstTest[s]!, set.bar[r]!);
  }
  // Part of every row (0 train, 1 validation, 2 test, -1 out of range or purged), then the indices
  // as typed arrays: no per-row allocation, no Array of millions of numbers.
  const part = new Int8Array(set.rows);
  const counts = [0, 0, 0];
  let purged = 0;
  for (let r = 0; r < set.rows; r++) {
    const t = set.time[r]!;
    part[r] = -1;
    if (t < b.from || t >= b.to) continue;
    const s = set.symbol[r]!;
    const p = t < b.valStart ? 0 : t < b.testStart ? 1 : 2;
    const limit = p === 0 ? firstVal[s]! : p === 1 ? firstTest[s]! : Number.POSITIVE_INFINITY;
    if (set.bar[r]! < limit - purge) {
      part[r] = p;
      counts[p]! += 1;
    } else purged++;
  }
  const out = counts.map((n) => new Int32Array(n));
  const fill = [0, 0, 0];
  for (let r = 0; r < set.rows; r++) {
    const p = part[r]!;
    if (p >= 0) out[p]![fill[p]!++] = r;
  }
  return { train: out[0]!, val: out[1]!, test: out[2]!, purged };
}

/** The parts as sample sets, with the boundaries they were cut at. */
export function splitFromParts(set: SampleSet, p: ReturnType<typeof purgedParts>, b: SplitBounds): Split {
  return {
    train: subset(set, p.train),
    validation: subset(set, p.val),
    test: subset(set, p.test),
    boundaries: { validation_start: b.valStart, test_start: b.testStart },
    purged: p.purged,
  };
}

/**
 * Chronological split on calendar time shared by all symbols, so no symbol's test period sits
 * before another's training period. Per symbol, the `purge` bars before each boundary are dropped:
 * a label looking `purge` bars ahead can then never see the next part.
 */
export function chronologicalSplit(set: SampleSet, spec: SplitSpec, minPerPart = 30): Split {
  // A typed copy sorts numerically without a comparator call per pair (10M times: seconds saved).
  const order = Float64Array.from(set.time).sort();
  const cutAt = (frac: number) => order[Math.min(order.length - 1, Math.floor(order.length * frac))]!;
  const valStart = cutAt(1 - spec.validation_fraction - spec.test_fraction);
  const testStart = cutAt(1 - spec.test_fraction);
  const bounds = { from: Number.NEGATIVE_INFINITY, valStart, testStart, to: Number.POSITIVE_INFINITY };
  const p = purgedParts(set, bounds, spec.purge);
  const parts = { train: p.train.length, validation: p.val.length, test: p.test.length };
  const short = Object.entries(parts).filter(([, n]) => n < minPerPart);
  if (short.length > 0) {
    throw new DomainError(
      'INSUFFICIENT_DATA',
      `Not enough labelled samples to split: ${set.rows} usable samples gave train ${parts.train}, validation ${parts.validation}, test ${parts.test} (each part needs at least ${minPerPart}). Use a longer date range, more symbols, a shorter label horizon or fewer warm-up bars.`,
      { samples: set.rows, ...parts, min_per_part: minPerPart },
    );
  }
  return splitFromParts(set, p, bounds);
}
