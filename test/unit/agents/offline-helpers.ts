import { createHash } from 'node:crypto';
import type { DataSummary, DesignRequest, ExperimentSummary, JournalSummary, Verdict } from '../../../src/agents/types.js';
import { contentHash } from '../../../src/agents/providers/offline-render.js';
import { parseStrategy } from '../../../src/pipeline/strategy-source.js';

/** sample:sp500 as the cycle runner would summarise it. */
export const SP500: DataSummary = {
  spec: 'sample:sp500',
  symbols: ['SP500'],
  timeframe: '1d',
  bars: 5107,
  from: '2000-01-03',
  to: '2020-04-17',
  annual_return: 0.035,
  annual_volatility: 0.2,
};

export const SYNTHETIC: DataSummary = {
  spec: 'synthetic:seed=1,bars=1500',
  symbols: ['SYN1'],
  timeframe: '1d',
  bars: 1500,
  from: '2010-01-01',
  to: '2015-10-01',
  annual_return: 0.05,
  annual_volatility: 0.16,
};

export const EMPTY_JOURNAL: JournalSummary = { best: [], recent: [], rejected: [], tried_hashes: [], total_trials: 0 };

export function designRequest(over: Partial<DesignRequest> = {}): DesignRequest {
  return {
    goal: 'find a predictable pattern',
    program: 'demo',
    data: SP500,
    journal: EMPTY_JOURNAL,
    seed: 1,
    cycle_index: 0,
    max_epochs: 20,
    ...over,
  };
}

/** A journal entry for a strategy YAML with the given figures. */
export function experiment(
  yaml: string,
  over: Partial<ExperimentSummary> & { metrics?: Record<string, number | null> } = {},
): ExperimentSummary {
  const r = parseStrategy(yaml);
  return {
    cycle_id: `c_${r.hash.slice(0, 8)}`,
    strategy_name: r.strategy.name,
    strategy_hash: r.hash,
    hypothesis: r.strategy.hypothesis,
    outcome: 'done',
    verdict: 'weak_signal',
    metrics: { test_accuracy: 0.45, baseline_accuracy: 0.4, validation_accuracy: 0.46, sharpe: 0.6 },
    rejection_reasons: [],
    rationale: '',
    strategy_yaml: yaml,
    ...over,
  };
}

/**
 * Made-up but deterministic figures for a strategy (from its hash): what a loop test feeds back
 * so the designer sees a mix of verdicts, lopsided labels and overfitting.
 */
export function fakeOutcome(yaml: string): Pick<ExperimentSummary, 'outcome' | 'verdict' | 'metrics' | 'rejection_reasons'> {
  const h = createHash('sha256').update(yaml).digest();
  const u = (i: number) => h[i]! / 255;
  const baseline = 0.34 + 0.3 * u(0);
  const test = baseline - 0.05 + 0.12 * u(1);
  const validation = test + 0.15 * u(2) - 0.03;
  const sharpe = -1 + 2.5 * u(3);
  const verdicts: Verdict[] = ['strong_signal', 'weak_signal', 'no_signal', 'overfit'];
  const verdict = verdicts[Math.floor(u(4) * 3.99)]!;
  const reasons = u(5) < 0.3 ? ['too_few_trades (3 < 10)'] : u(5) < 0.6 ? ['no_edge_over_majority_baseline (0.1 pts < 2.0 pts)'] : [];
  return {
    outcome: reasons.length ? 'gate_rejected_backtest' : 'done',
    verdict,
    metrics: { test_accuracy: test, baseline_accuracy: baseline, validation_accuracy: validation, sharpe },
    rejection_reasons: reasons,
  };
}

/**
 * best (top 5 by Sharpe), recent (last 5), rejected (last 5 rejected), and every registry and
 * content hash: what the journal summary holds.
 */
export function summarise(all: ExperimentSummary[]): JournalSummary {
  const bySharpe = [...all].sort((a, b) => (b.metrics['sharpe'] ?? -9) - (a.metrics['sharpe'] ?? -9));
  return {
    best: bySharpe.slice(0, 5),
    recent: all.slice(-5),
    rejected: all.filter((e) => e.outcome !== 'done').slice(-5),
    tried_hashes: all.flatMap((e) => [e.strategy_hash, contentOf(e.strategy_yaml)]),
    total_trials: all.length,
  };
}

const contents = new Map<string, string>();
function contentOf(yaml: string): string {
  let h = contents.get(yaml);
  if (h === undefined) {
    h = contentHash(parseStrategy(yaml).strategy);
    contents.set(yaml, h);
  }
  return h;
}
