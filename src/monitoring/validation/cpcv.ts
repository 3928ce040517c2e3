import { DomainError } from '../../domain/errors.js';
import { binomial, combinations, groupBounds } from './combinations.js';

/**
 * Combinatorial purged cross-validation (López de Prado 2018, Advances in Financial Machine
 * Learning, ch. 12). N time-ordered groups; every combination of k groups is a test set, so each
 * group is tested C(N-1, k-1) times and the out-of-sample predictions assemble into
 * φ = k/N · C(N, k) = C(N-1, k-1) complete backtest paths instead of walk-forward's one.
 *
 * Purging and embargo (ch. 7.4, snippets 7.1-7.2): a training sample whose label span overlaps a
 * test label is removed. A label looks `purge` samples ahead, so that is the `purge` samples before
 * each test block and, after the block, the `purge` samples whose labels start inside the last
 * test label's span; the embargo then drops `embargo` more samples after that (serial correlation
 * of features with the test period). After a block `purge + embargo` samples go in all.
 */
export interface CpcvSpec {
  /** Samples, in time order. */
  n: number;
  /** N: contiguous groups the samples are cut into. */
  groups: number;
  /** k: groups in each test set. */
  testGroups: number;
  /** Samples a label looks ahead (the label horizon). */
  purge?: number | undefined;
  /** Samples dropped after each test block, beyond the purge. */
  embargo?: number | undefined;
}

export interface CpcvSplit {
  /** Test group ids (0-based, ascending). */
  test_groups: number[];
  /** Training sample indices, ascending, purged and embargoed. */
  train: Int32Array;
  /** Test sample indices, ascending. */
  test: Int32Array;
}

/** Group ids already assigned per sample, for data that is not one contiguous series (several symbols on one calendar). */
export interface CpcvGroupedSpec {
  /** Group id (0..groups-1) of each sample. */
  group: ArrayLike<number>;
  groups: number;
  testGroups: number;
  purge?: number | undefined;
  embargo?: number | undefined;
  /** Segment (e.g. symbol) of each sample: purge and embargo never reach across segments. Rows of a segment must be contiguous and in time order. Default: one segment. */
  segment?: ArrayLike<number> | undefined;
  /** Position of each sample within its segment (e.g. the bar index); purge and embargo are counted in it. Default: the row index. */
  position?: ArrayLike<number> | undefined;
}

export interface CpcvPaths {
  /** Number of splits, C(N, k). */
  splits: number;
  /** φ = k/N · C(N, k): complete backtest paths. */
  paths: number;
  /** Test groups of each split, in the order cpcvSplits returns the splits. */
  test_groups: number[][];
  /** path_of[s][i]: the path that split s's i-th test group belongs to. */
  path_of: number[][];
  /** split_of[p][g]: the split whose prediction of group g lies on path p. */
  split_of: number[][];
}

function checkShape(groups: number, testGroups: number, purge: number, embargo: number): void {
  const bad = (msg: string) => new DomainError('INVALID_ARGUMENT', `CPCV: ${msg}`, { groups, test_groups: testGroups, purge, embargo });
  if (!Number.isInteger(groups) || groups < 2) throw bad(`groups must be an integer >= 2, got ${groups}`);
  if (!Number.isInteger(testGroups) || testGroups < 1 || testGroups >= groups)
    throw bad(`test groups must be an integer in 1..${groups - 1} (below groups ${groups}), got ${testGroups}`);
  if (!Number.isInteger(purge) || purge < 0) throw bad(`purge must be a non-negative integer, got ${purge}`);
  if (!Number.isInteger(embargo) || embargo < 0) throw bad(`embargo must be a non-negative integer, got ${embargo}`);
}

/** Splits of n time-ordered samples cut into contiguous groups (the first n mod N groups hold one sample more). */
export function cpcvSplits(spec: CpcvSpec): CpcvSplit[] {
  const { n, groups } = spec;
  if (!Number.isInteger(n) || n < groups)
    throw new DomainError('INVALID_ARGUMENT', `CPCV: ${n} samples cannot fill ${groups} groups; need at least one sample per group`, {
      n,
      groups,
    });
  const bounds = groupBounds(n, groups);
  const group = new Int32Array(n);
  for (let g = 0; g < groups; g++) group.fill(g, bounds[g]!, bounds[g + 1]!);
  return cpcvSplitsByGroup({ group, groups, testGroups: spec.testGroups, purge: spec.purge, embargo: spec.embargo });
}

/** Splits over samples whose groups are given (see CpcvGroupedSpec); purge and embargo counted in `position` within each segment. */
export function cpcvSplitsByGroup(spec: CpcvGroupedSpec): CpcvSplit[] {
  const { group, groups, testGroups } = spec;
  const purge = spec.purge ?? 0;
  const embargo = spec.embargo ?? 0;
  checkShape(groups, testGroups, purge, embargo);
  const n = group.length;
  const seg = spec.segment;
  const pos = spec.position;
  const at = (i: number) => (pos ? pos[i]! : i);
  const sameSeg = (i: number, j: number) => !seg || seg[i] === seg[j];
  // 0 train, 1 test, 2 purged or embargoed.
  const role = new Uint8Array(n);
  return combinations(groups, testGroups).map((testSet) => {
    const isTest = new Uint8Array(groups);
    for (const g of testSet) isTest[g] = 1;
    for (let i = 0; i < n; i++) role[i] = isTest[group[i]!] ? 1 : 0;
    // Forward sweep: within purge + embargo after the last test sample of the segment.
    let lastTest = -1;
    for (let i = 0; i < n; i++) {
      if (lastTest >= 0 && !sameSeg(i, lastTest)) lastTest = -1;
      if (role[i] === 1) lastTest = i;
      else if (lastTest >= 0 && at(i) - at(lastTest) <= purge + embargo) role[i] = 2;
    }
    // Backward sweep: within purge before the next test sample of the segment.
    let nextTest = -1;
    for (let i = n - 1; i >= 0; i--) {
      if (nextTest >= 0 && !sameSeg(i, nextTest)) nextTest = -1;
      if (role[i] === 1) nextTest = i;
      else if (nextTest >= 0 && at(nextTest) - at(i) <= purge) role[i] = 2;
    }
    let trainCount = 0;
    let testCount = 0;
    for (let i = 0; i < n; i++) {
      if (role[i] === 0) trainCount++;
      else if (role[i] === 1) testCount++;
    }
    const train = new Int32Array(trainCount);
    const test = new Int32Array(testCount);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (role[i] === 0) train[a++] = i;
      else if (role[i] === 1) test[b++] = i;
    }
    return { test_groups: testSet, train, test };
  });
}

/**
 * Backtest paths (López de Prado 2018, fig. 12.1-12.2): the j-th split (in cpcvSplits order) that
 * tests group g contributes group g to path j. Every path then holds each group exactly once.
 */
export function cpcvPaths(groups: number, testGroups: number): CpcvPaths {
  checkShape(groups, testGroups, 0, 0);
  const testSets = combinations(groups, testGroups);
  const paths = binomial(groups - 1, testGroups - 1);
  const seen = new Int32Array(groups);
  const split_of = Array.from({ length: paths }, () => new Array<number>(groups).fill(-1));
  const path_of = testSets.map((set, s) =>
    set.map((g) => {
      const p = seen[g]!++;
      split_of[p]![g] = s;
      return p;
    }),
  );
  return { splits: testSets.length, paths, test_groups: testSets, path_of, split_of };
}
