import type { ResearchCycle } from '../domain/research.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { contentHash } from './providers/offline-render.js';
import type { ExperimentSummary, JournalSummary } from './types.js';

const KEEP = 5;

export function experimentSummary(c: ResearchCycle): ExperimentSummary {
  return {
    cycle_id: c.cycle_id,
    strategy_name: c.strategy_name ?? '',
    strategy_hash: c.strategy_hash ?? '',
    hypothesis: c.hypothesis ?? '',
    outcome: c.state,
    verdict: c.verdict,
    metrics: c.metrics ?? {},
    rejection_reasons: [
      ...(c.gates ?? []).flatMap((g) => g.checks.filter((k) => !k.passed).map((k) => `${g.gate}: ${k.reason}`)),
      ...(c.error ? [c.error] : []),
    ],
    rationale: c.rationale ?? '',
    strategy_yaml: c.strategy_yaml ?? '',
  };
}

function content(yaml: string | null): string | null {
  if (!yaml) return null;
  try {
    return contentHash(parseStrategy(yaml).strategy);
  } catch {
    return null;
  }
}

/**
 * What the designer learns from earlier cycles of the program: the best by out-of-sample Sharpe,
 * the most recent, the rejected ones with their reasons, and every hash already tried.
 */
export function summarizeJournal(cycles: ResearchCycle[]): JournalSummary {
  const ended = cycles.filter((c) => c.finished_at !== null && c.strategy_yaml);
  const byTime = [...ended].sort((a, b) => b.cycle_index - a.cycle_index);
  const sharpe = (c: ResearchCycle) => c.metrics?.['oos_sharpe'] ?? Number.NEGATIVE_INFINITY;
  const best = ended
    .filter((c) => c.metrics?.['oos_sharpe'] != null)
    .sort((a, b) => sharpe(b) - sharpe(a) || a.cycle_index - b.cycle_index)
    .slice(0, KEEP);
  return {
    best: best.map(experimentSummary),
    recent: byTime.slice(0, KEEP).map(experimentSummary),
    rejected: byTime
      .filter((c) => c.state === 'gate_rejected_training' || c.state === 'gate_rejected_backtest' || c.state === 'failed')
      .slice(0, KEEP)
      .map(experimentSummary),
    // The registry hash includes the name, so a renamed copy would slip through: the content hash does not.
    tried_hashes: [...new Set(cycles.flatMap((c) => [c.strategy_hash, content(c.strategy_yaml)]).filter((h): h is string => Boolean(h)))],
    total_trials: cycles.filter((c) => c.model_id !== null).length,
  };
}
