import type { Bars } from '../pipeline/data/types.js';
import type { Gap, StoredBar } from '../registry/bar-store.js';

const DAY_MS = 86_400_000;
/** Relative tolerance for "the same value": CSV round trips may differ in the last binary digit, not more. */
const SAME = 1e-9;

export interface Conflict {
  symbol: string;
  time: string;
  /** Fields whose values differ: stored -> incoming. */
  differences: Record<string, { stored: number; incoming: number }>;
}

export interface Classified {
  /** Indices of bars whose timestamp is not stored yet. */
  fresh: number[];
  /** Indices of bars already stored with the same values (skipped). */
  duplicates: number[];
  /** Indices of bars stored with other values, and how they differ. */
  conflicts: { index: number; conflict: Conflict }[];
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

function same(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= SAME * Math.max(Math.abs(a), Math.abs(b));
}

/** Sorts a batch's bars against the stored ones with the same timestamps: new, duplicate, or conflicting. */
export function classifyBars(incoming: Bars, stored: readonly StoredBar[]): Classified {
  const byTime = new Map(stored.map((s) => [s.time, s]));
  const out: Classified = { fresh: [], duplicates: [], conflicts: [] };
  for (let i = 0; i < incoming.time.length; i++) {
    const old = byTime.get(incoming.time[i]!);
    if (!old) {
      out.fresh.push(i);
      continue;
    }
    const differences: Conflict['differences'] = {};
    for (const f of FIELDS) {
      const v = incoming[f][i]!;
      if (!same(old[f], v)) differences[f] = { stored: old[f], incoming: v };
    }
    if (Object.keys(differences).length === 0) out.duplicates.push(i);
    else out.conflicts.push({ index: i, conflict: { symbol: incoming.symbol, time: new Date(old.time).toISOString(), differences } });
  }
  return out;
}

/** Median spacing of sorted timestamps (ms); NaN with fewer than two. */
export function typicalSpacing(times: ArrayLike<number>): number {
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) steps.push(times[i]! - times[i - 1]!);
  if (steps.length === 0) return Number.NaN;
  steps.sort((a, b) => a - b);
  return steps[Math.floor((steps.length - 1) / 2)]!;
}

/**
 * Holes next to new bars: with the stored and new timestamps merged, a step longer than `factor`
 * times the series' typical (median) spacing, where at least one end is a new bar. With daily
 * equity bars (median 1 day) and factor 4, weekends (3 days) and holiday weekends (4 days) are
 * not gaps; a missing trading week is. Gaps already inside the store were reported when they
 * were ingested and are not repeated.
 */
export function findGaps(symbol: string, stored: Float64Array, fresh: Float64Array, factor: number): Gap[] {
  const isNew = new Set(fresh);
  const merged = Float64Array.from(new Set([...stored, ...fresh])).sort();
  const typical = typicalSpacing(merged);
  if (!Number.isFinite(typical) || typical <= 0) return [];
  const gaps: Gap[] = [];
  for (let i = 1; i < merged.length; i++) {
    const a = merged[i - 1]!;
    const b = merged[i]!;
    if (b - a > factor * typical && (isNew.has(a) || isNew.has(b))) {
      gaps.push({ symbol, from: new Date(a).toISOString(), to: new Date(b).toISOString(), spacing_days: +((b - a) / DAY_MS).toFixed(3) });
    }
  }
  return gaps;
}
