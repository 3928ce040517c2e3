import fs from 'node:fs';
import path from 'node:path';
import { OOS_RETURNS_FILE, type OosReturnsFile } from '../monitoring/backtest/segment.js';
import { pbo } from '../monitoring/validation/pbo.js';
import type { ResearchCycle } from '../domain/research.js';
import type { Registry } from '../registry/index.js';

/**
 * The Probability of Backtest Overfitting of a research program (Bailey, Borwein, López de Prado
 * & Zhu 2015, by CSCV): every trial's test-segment returns, aligned bar by bar over the span all
 * trials share (a trial holds no position on a bar it has no prediction for: return 0), cut into
 * blocks; for every half of the blocks, the trial that was best there is ranked on the other half.
 * PBO is how often that best trial lands in the lower half: near 0 the selection carries over,
 * near 0.5 or above it is selection on noise.
 */
export interface ProgramPbo {
  /** null until the program has enough trials with recorded returns (see `note`). */
  pbo: number | null;
  trials: number;
  periods: number;
  blocks: number;
  combinations: number;
  median_logit: number | null;
  /** Share of combinations in which the selected trial lost money out of sample. */
  prob_oos_loss: number | null;
  note: string | null;
}

/** Fewest trials and aligned bars for a PBO worth reporting: four trials and 16 blocks of at least 4 bars. */
export const PBO_MIN_TRIALS = 4;
export const PBO_MIN_PERIODS = 64;
const MAX_TRIALS = 200;

/** A returns file (a model's test segment, a tuning trial's validation part), or null when absent or unreadable. */
export function readReturns(file: string): OosReturnsFile | null {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as OosReturnsFile;
    return Array.isArray(r.time) && Array.isArray(r.strategy) && r.time.length === r.strategy.length ? r : null;
  } catch {
    return null; // trained before trainyard kept the returns, or archived (folder removed)
  }
}

function empty(note: string, trials = 0): ProgramPbo {
  return { pbo: null, trials, periods: 0, blocks: 0, combinations: 0, median_logit: null, prob_oos_loss: null, note };
}

export function programPbo(registry: Registry, cycles: ResearchCycle[]): ProgramPbo {
  const series: OosReturnsFile[] = [];
  const withModels = cycles.filter((c) => c.model_id).sort((a, b) => b.cycle_index - a.cycle_index);
  for (const c of withModels.slice(0, MAX_TRIALS)) {
    let dir: string;
    try {
      dir = registry.models.get(c.model_id!).artifact_path;
    } catch {
      continue;
    }
    const r = readReturns(path.join(dir, OOS_RETURNS_FILE));
    if (r && r.time.length > 0) series.push(r);
  }
  return pboOfReturns(series, 'a test-segment backtest', 'program');
}

/**
 * PBO over trials' per-bar returns (a research program's test segments, a tuning study's
 * validation parts), aligned bar by bar over the span they all cover. `what` names what each trial
 * needs, `whole` what they belong to, in the note when there are too few.
 */
export function pboOfReturns(series: OosReturnsFile[], what: string, whole: string): ProgramPbo {
  if (series.length < PBO_MIN_TRIALS)
    return empty(`PBO needs at least ${PBO_MIN_TRIALS} trials with ${what}; the ${whole} has ${series.length}`, series.length);
  // The span every trial covers, and every bar time inside it.
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  for (const r of series) {
    lo = Math.max(lo, r.time[0]!);
    hi = Math.min(hi, r.time[r.time.length - 1]!);
  }
  const times = new Set<number>();
  for (const r of series) for (const t of r.time) if (t >= lo && t <= hi) times.add(t);
  const sorted = Float64Array.from(times).sort();
  if (sorted.length < PBO_MIN_PERIODS)
    return empty(
      `PBO needs at least ${PBO_MIN_PERIODS} bars that all trials cover; ${series.length} trials share ${sorted.length}`,
      series.length,
    );
  const index = new Map<number, number>();
  sorted.forEach((t, i) => index.set(t, i));
  const n = series.length;
  const matrix = new Float64Array(sorted.length * n);
  series.forEach((r, j) => {
    for (let i = 0; i < r.time.length; i++) {
      const row = index.get(r.time[i]!);
      if (row !== undefined) matrix[row * n + j] = r.strategy[i]!;
    }
  });
  const out = pbo(matrix, { trials: n });
  return {
    pbo: +out.pbo.toFixed(4),
    trials: n,
    periods: out.periods,
    blocks: out.blocks,
    combinations: out.combinations,
    median_logit: Number.isFinite(out.median_logit) ? +out.median_logit.toFixed(4) : null,
    prob_oos_loss: +out.prob_oos_loss.toFixed(4),
    note: null,
  };
}
