import type { Strategy } from '../../domain/strategy.js';
import { parseStrategy } from '../../pipeline/strategy-source.js';
import type { ExperimentSummary, JournalSummary, Verdict } from '../types.js';
import { contentHash } from './offline-render.js';
import { BALANCED_SIGMAS, horizonSigma } from './offline-space.js';
import type { DataScale } from './offline-scale.js';

/**
 * What the offline designer reads from the journal: earlier strategies ranked as parents, what
 * went wrong with each (so a mutation can go the other way), and lessons that rule out
 * directions which failed.
 */
export type Problem = 'overfit' | 'too_few_trades' | 'undertrained' | 'flat_dominates' | 'flat_rare' | 'no_edge';

export interface Parent {
  experiment: ExperimentSummary;
  strategy: Strategy;
  score: number;
  problems: Problem[];
}

/** A label threshold (in sigmas of the horizon's return) that made one class dominate. */
export interface ThresholdLesson {
  sigmas: number;
  /** 'above': thresholds at least this wide made "flat" dominate; 'below': this narrow made it rare. */
  side: 'above' | 'below';
  from: string;
}

const VERDICT_RANK: Record<Verdict, number> = { strong_signal: 3, weak_signal: 2, no_signal: 1, overfit: 0.5 };
/** A majority class above 55% of three means the labels are lopsided (a third each is balanced). */
const LOPSIDED_BASELINE = 0.55;
/** Validation accuracy this far above test accuracy reads as overfitting (as in the assessor). */
const OVERFIT_GAP = 0.08;

export function metric(m: Record<string, number | null>, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = m[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

export function testAccuracy(e: ExperimentSummary): number | undefined {
  return metric(e.metrics, 'test_accuracy', 'accuracy');
}
export function oosSharpe(e: ExperimentSummary): number | undefined {
  return metric(e.metrics, 'sharpe', 'oos_sharpe', 'backtest_sharpe');
}
export function edgeOf(e: ExperimentSummary): number | undefined {
  const acc = testAccuracy(e);
  const base = metric(e.metrics, 'baseline_accuracy');
  return acc !== undefined && base !== undefined ? acc - base : undefined;
}

/** Verdict first, then out-of-sample Sharpe and accuracy edge: the parent most worth refining. */
export function scoreOf(e: ExperimentSummary): number {
  const verdict = e.verdict ? VERDICT_RANK[e.verdict] : 0;
  const sharpe = Math.max(-3, Math.min(3, oosSharpe(e) ?? -1));
  const edge = Math.max(-0.2, Math.min(0.2, edgeOf(e) ?? -0.05));
  return verdict * 10 + sharpe + edge * 10;
}

// "flat" under a sixth of the labels makes its balanced class weight dominate the loss; over a
// half leaves little direction to learn. A third each is the aim.
const RARE_FLAT_SHARE = 1 / 6;
const DOMINANT_FLAT_SHARE = 0.5;

export function problemsOf(e: ExperimentSummary, s: Strategy, scale: DataScale): Problem[] {
  const out: Problem[] = [];
  const reasons = e.rejection_reasons.join(' ');
  const val = metric(e.metrics, 'validation_accuracy');
  const acc = testAccuracy(e);
  if (e.verdict === 'overfit' || (val !== undefined && acc !== undefined && val - acc > OVERFIT_GAP)) out.push('overfit');
  if (/too_few_trades/.test(reasons)) out.push('too_few_trades');
  // Best epoch = last epoch: the loss was still falling when the epoch budget ran out.
  const best = metric(e.metrics, 'best_epoch');
  const ran = metric(e.metrics, 'epochs_run');
  if (best !== undefined && ran !== undefined && best >= ran && !out.includes('overfit')) out.push('undertrained');
  const base = metric(e.metrics, 'baseline_accuracy');
  const flat = metric(e.metrics, 'label_flat_share');
  if (flat !== undefined && (flat < RARE_FLAT_SHARE || flat > DOMINANT_FLAT_SHARE)) {
    // The label balance actually measured beats the volatility-based estimate (trending or
    // mean-reverting data make h-bar moves larger or smaller than sqrt(h) times one bar's).
    out.push(flat > DOMINANT_FLAT_SHARE ? 'flat_dominates' : 'flat_rare');
  } else if (flat === undefined && base !== undefined && base > LOPSIDED_BASELINE && s.labels.type === 'forward_return') {
    out.push(thresholdSigmas(s, scale) > BALANCED_SIGMAS ? 'flat_dominates' : 'flat_rare');
  }
  const edge = edgeOf(e);
  if (e.verdict === 'no_signal' || /no_edge_over_majority_baseline/.test(reasons) || (edge !== undefined && edge <= 0)) out.push('no_edge');
  return out;
}

/** A forward-return strategy's up threshold in sigmas of its horizon's return on this data. */
export function thresholdSigmas(s: Strategy, scale: DataScale): number {
  if (s.labels.type !== 'forward_return') return Number.NaN;
  return s.labels.up_threshold / horizonSigma(scale, s.labels.horizon);
}

/** The journal's strategies parsed once (parsing costs milliseconds); undefined for one that no longer parses. */
export type ParsedJournal = Map<string, Strategy | undefined>;

export function parseJournal(journal: JournalSummary): ParsedJournal {
  const out: ParsedJournal = new Map();
  for (const e of [...journal.best, ...journal.recent, ...journal.rejected]) {
    if (out.has(e.strategy_yaml)) continue;
    try {
      out.set(e.strategy_yaml, parseStrategy(e.strategy_yaml, e.strategy_name).strategy);
    } catch {
      out.set(e.strategy_yaml, undefined); // a journal entry that no longer parses is no parent
    }
  }
  return out;
}

/** Every distinct experiment of the journal, best first (ties broken by name for determinism). */
export function rankParents(journal: JournalSummary, parsed: ParsedJournal, scale: DataScale): Parent[] {
  const seen = new Set<string>();
  const out: Parent[] = [];
  for (const e of [...journal.best, ...journal.recent, ...journal.rejected]) {
    if (seen.has(e.strategy_hash) || e.outcome === 'failed') continue;
    seen.add(e.strategy_hash);
    const strategy = parsed.get(e.strategy_yaml);
    if (!strategy) continue;
    out.push({ experiment: e, strategy, score: scoreOf(e), problems: problemsOf(e, strategy, scale) });
  }
  return out.sort((a, b) => b.score - a.score || a.experiment.strategy_name.localeCompare(b.experiment.strategy_name));
}

/** Label thresholds that made a class dominate: later designs keep away from them. */
export function thresholdLessons(parents: Parent[], scale: DataScale): ThresholdLesson[] {
  const out: ThresholdLesson[] = [];
  for (const p of parents) {
    const sigmas = thresholdSigmas(p.strategy, scale);
    if (!Number.isFinite(sigmas)) continue;
    if (p.problems.includes('flat_dominates')) out.push({ sigmas, side: 'above', from: p.experiment.strategy_name });
    if (p.problems.includes('flat_rare')) out.push({ sigmas, side: 'below', from: p.experiment.strategy_name });
  }
  return out;
}

/** The lesson a candidate's labels would repeat, if any (10% margin towards the failed side). */
export function violatedLesson(s: Strategy, lessons: ThresholdLesson[], scale: DataScale): ThresholdLesson | undefined {
  const sigmas = thresholdSigmas(s, scale);
  if (!Number.isFinite(sigmas)) return undefined;
  return lessons.find((l) => (l.side === 'above' ? sigmas >= l.sigmas * 0.9 : sigmas <= l.sigmas * 1.1));
}

/** Content hashes of every journal strategy that parses (renamed duplicates have new registry hashes). */
export function knownContentHashes(parsed: ParsedJournal): Set<string> {
  const out = new Set<string>();
  for (const s of parsed.values()) if (s) out.add(contentHash(s));
  return out;
}
