import { describe, expect, it } from 'vitest';
import {
  binomial,
  combinations,
  cpcvPaths,
  cpcvSplits,
  cpcvSplitsByGroup,
  groupBounds,
} from '../../../../src/monitoring/validation/index.js';

/** Maximal runs of consecutive test indices: [first, last]. */
function blocks(test: Int32Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const i of test) {
    const last = out[out.length - 1];
    if (last && i === last[1] + 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

describe('combinatorics', () => {
  it('counts and lists k-subsets', () => {
    expect(binomial(6, 2)).toBe(15);
    expect(binomial(16, 8)).toBe(12_870);
    expect(binomial(12, 6)).toBe(924);
    expect(binomial(3, 4)).toBe(0);
    const c = combinations(5, 3);
    expect(c).toHaveLength(10);
    expect(c[0]).toEqual([0, 1, 2]);
    expect(c[9]).toEqual([2, 3, 4]);
    expect(new Set(c.map((x) => x.join())).size).toBe(10);
  });

  it('cuts groups whose sizes differ by at most one, leftovers first', () => {
    expect(Array.from(groupBounds(20, 6))).toEqual([0, 4, 8, 11, 14, 17, 20]);
    expect(Array.from(groupBounds(12, 4))).toEqual([0, 3, 6, 9, 12]);
  });
});

describe('CPCV splits', () => {
  it('N=6, k=2: 15 splits and 5 paths (López de Prado 2018, fig. 12.1)', () => {
    const splits = cpcvSplits({ n: 600, groups: 6, testGroups: 2 });
    expect(splits).toHaveLength(15);
    const p = cpcvPaths(6, 2);
    expect(p.splits).toBe(15);
    expect(p.paths).toBe(5); // φ = k/N · C(N,k) = 2/6 · 15
    expect(p.test_groups).toEqual(splits.map((s) => s.test_groups));
    // Fig. 12.2's path numbering: S1 (G1,G2) -> paths 1,1; S2 (G1,G3) -> 2,1; S6 (G2,G3) -> 2,2; S15 (G5,G6) -> 5,5.
    expect(p.path_of[0]).toEqual([0, 0]);
    expect(p.path_of[1]).toEqual([1, 0]);
    expect(p.path_of[5]).toEqual([1, 1]);
    expect(p.path_of[14]).toEqual([4, 4]);
    // Each path holds every group exactly once, predicted by a split that tests that group.
    for (let path = 0; path < 5; path++) {
      for (let g = 0; g < 6; g++) {
        const s = p.split_of[path]![g]!;
        const i = p.test_groups[s]!.indexOf(g);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(p.path_of[s]![i]).toBe(path);
      }
    }
    // And every (split, group) pair lies on exactly one path.
    const used = new Set(p.split_of.flatMap((row, path) => row.map((s, g) => `${s}:${g}:${path}`)));
    expect(used.size).toBe(15 * 2);
  });

  it.each([
    [6, 2, 603, 5, 7],
    [5, 3, 101, 3, 0],
    [4, 1, 50, 0, 4],
    [7, 2, 97, 2, 3],
  ])('N=%i k=%i n=%i purge=%i embargo=%i: purged, embargoed, every sample tested φ times', (N, k, n, purge, embargo) => {
    const splits = cpcvSplits({ n, groups: N, testGroups: k, purge, embargo });
    const phi = cpcvPaths(N, k).paths;
    expect(splits).toHaveLength(binomial(N, k));
    const tested = new Int32Array(n);
    for (const s of splits) {
      for (const i of s.test) tested[i]!++;
      const testSet = new Set(s.test);
      const trainSet = new Set(s.train);
      for (const i of s.train) expect(testSet.has(i)).toBe(false);
      for (const [first, last] of blocks(s.test)) {
        for (let i = Math.max(0, first - purge); i < first; i++) expect(trainSet.has(i)).toBe(false);
        for (let i = last + 1; i <= Math.min(n - 1, last + purge + embargo); i++) expect(trainSet.has(i)).toBe(false);
      }
      // Nothing else is dropped: every sample outside those margins trains.
      const dropped = n - s.train.length - s.test.length;
      let margins = 0;
      for (let i = 0; i < n; i++) {
        if (testSet.has(i)) continue;
        const nearAfter = s.test.some((t) => i > t && i - t <= purge + embargo);
        const nearBefore = s.test.some((t) => i < t && t - i <= purge);
        if (nearAfter || nearBefore) margins++;
      }
      expect(dropped).toBe(margins);
      expect(Array.from(s.train)).toEqual(Array.from(s.train).sort((a, b) => a - b));
    }
    // Leftover samples (n not a multiple of N) belong to a group and are tested too.
    for (let i = 0; i < n; i++) expect(tested[i]).toBe(phi);
  });

  it('test sets are exactly the union of their groups', () => {
    const n = 23;
    const bounds = groupBounds(n, 4);
    for (const s of cpcvSplits({ n, groups: 4, testGroups: 2, purge: 1 })) {
      const expected = s.test_groups.flatMap((g) => Array.from({ length: bounds[g + 1]! - bounds[g]! }, (_, i) => bounds[g]! + i));
      expect(Array.from(s.test)).toEqual(expected);
    }
  });

  it('purges per segment, counted in positions, never across a segment boundary', () => {
    // Two symbols on one calendar: rows 0-9 symbol 0 (bars 0-9), rows 10-19 symbol 1 (bars 0-9).
    const group = Int32Array.from({ length: 20 }, (_, r) => Math.floor((r % 10) / 5));
    const segment = Int32Array.from({ length: 20 }, (_, r) => (r < 10 ? 0 : 1));
    const position = Int32Array.from({ length: 20 }, (_, r) => r % 10);
    const [first] = cpcvSplitsByGroup({ group, groups: 2, testGroups: 1, purge: 2, embargo: 1, segment, position });
    // Test group 0 = bars 0-4 of both symbols; bars 5-7 (purge 2 + embargo 1) dropped in each.
    expect(Array.from(first!.test)).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
    expect(Array.from(first!.train)).toEqual([8, 9, 18, 19]);
  });

  it('rejects impossible shapes', () => {
    expect(() => cpcvSplits({ n: 3, groups: 4, testGroups: 1 })).toThrow(/cannot fill 4 groups/);
    expect(() => cpcvSplits({ n: 30, groups: 4, testGroups: 4 })).toThrow(/test groups must be an integer in 1..3/);
    expect(() => cpcvSplits({ n: 30, groups: 4, testGroups: 1, purge: -1 })).toThrow(/purge/);
    expect(() => cpcvPaths(1, 1)).toThrow(/groups must be an integer >= 2/);
  });
});
