import type { Strategy } from '../../domain/strategy.js';
import { edgeOf, metric, oosSharpe, testAccuracy, type Parent, type Problem } from './offline-journal.js';
import type { Mutation } from './offline-mutate.js';
import { indicatorOf } from './offline-space.js';
import type { Cell } from '../coverage.js';

/** Words for the offline designer's hypotheses and descriptions: what a strategy is, what changed and why. */

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** "RSI rsi_14 (fuzzy), SMA sma_50 (raw), lagged returns 1, 5 -> 5-bar forward return +-0.9%; MLP [32, 16]". */
export function describeStrategy(s: Strategy): string {
  return `${describeInputs(s)} -> ${describeLabels(s)}; MLP [${s.model.hidden_layers.join(', ')}], dropout ${s.model.dropout}`;
}

/** "RSI rsi_14 (fuzzy), SMA sma_50 (raw), lagged returns 1, 5". */
export function describeInputs(s: Strategy): string {
  const inputs = s.indicators.map((ind) => {
    const fuzzy = Object.keys(s.fuzzy_sets).some((k) => indicatorOf(k) === ind.id) && s.features.fuzzy;
    const raw = s.features.raw.some((k) => indicatorOf(k) === ind.id);
    const how = [fuzzy ? 'fuzzy' : '', raw ? 'raw' : ''].filter(Boolean).join('+') || 'unused';
    return `${ind.type.toUpperCase()} ${ind.id} (${how})`;
  });
  if (s.features.lagged_returns.length) inputs.push(`lagged returns ${s.features.lagged_returns.join(', ')}`);
  return inputs.join(', ');
}

export function describeLabels(s: Strategy): string {
  const l = s.labels;
  return l.type === 'forward_return'
    ? `${l.horizon}-bar forward return, up above ${pct(l.up_threshold)}, down below ${pct(l.down_threshold)}`
    : `triple barrier (profit ${l.profit_take}x / stop ${l.stop_loss}x volatility, at most ${l.max_holding} bars)`;
}

/** "weak_signal; test accuracy 52.0% vs baseline 45.0%; OOS Sharpe 0.61". */
export function describeResult(p: Parent): string {
  const e = p.experiment;
  const parts = [e.verdict ?? e.outcome];
  const acc = testAccuracy(e);
  const base = metric(e.metrics, 'baseline_accuracy');
  if (acc !== undefined && base !== undefined) parts.push(`test accuracy ${pct(acc)} vs baseline ${pct(base)}`);
  const sharpe = oosSharpe(e);
  if (sharpe !== undefined) parts.push(`OOS Sharpe ${sharpe.toFixed(2)}`);
  return parts.join('; ');
}

/** Why a mutation aimed at a problem goes the way it does, citing the parent's figures. */
export function problemReason(problem: Problem, p: Parent): string {
  const e = p.experiment;
  const val = metric(e.metrics, 'validation_accuracy');
  const acc = testAccuracy(e);
  const base = metric(e.metrics, 'baseline_accuracy');
  const edge = edgeOf(e);
  switch (problem) {
    case 'overfit':
      return `${e.strategy_name} looked overfit${val !== undefined && acc !== undefined ? ` (validation ${pct(val)} vs test ${pct(acc)})` : ''}, so it gets less capacity`;
    case 'too_few_trades':
      return `${e.strategy_name} made too few trades to judge, so more of its predictions should open positions`;
    case 'flat_dominates':
      return `${e.strategy_name}'s thresholds made "flat" the majority class${base !== undefined ? ` (baseline ${pct(base)})` : ''}, so they are narrowed`;
    case 'flat_rare':
      return `${e.strategy_name}'s thresholds left one direction dominant${base !== undefined ? ` (baseline ${pct(base)})` : ''}, so they are widened to give "flat" its share`;
    case 'undertrained': {
      const ran = metric(e.metrics, 'epochs_run');
      return `${e.strategy_name}'s best epoch was its last${ran !== undefined ? ` (epoch ${ran})` : ''}, so it trains longer and faster`;
    }
    case 'no_edge':
      return `${e.strategy_name} showed no edge over the majority baseline${edge !== undefined ? ` (${(edge * 100).toFixed(1)} pts)` : ''}, so its inputs or horizon change`;
  }
}

export function mutationHypothesis(p: Parent, changes: Mutation[]): string {
  const what = changes.map((m) => `${m.change} because ${m.reason}`).join('; then ');
  return `mutation of ${p.experiment.strategy_name} (${describeResult(p)}): ${what}.`;
}

export function recombinationHypothesis(a: Parent, b: Parent, extra: Mutation[]): string {
  const more = extra.length ? ` Further: ${extra.map((m) => `${m.change} because ${m.reason}`).join('; ')}.` : '';
  return (
    `recombination of ${a.experiment.strategy_name} and ${b.experiment.strategy_name}: the indicators and fuzzy sets of ` +
    `${a.experiment.strategy_name} (${describeResult(a)}) with the labels, model and training of ${b.experiment.strategy_name} ` +
    `(${describeResult(b)}), because each part did comparatively well and they have not been tried together.${more}`
  );
}

export function explorationHypothesis(s: Strategy, best: Parent | undefined, extra: Mutation[]): string {
  const context = best
    ? ` The best so far is ${best.experiment.strategy_name} (${describeResult(best)}); sampling a fresh region guards against only refining noise.`
    : ' The journal is empty, so this is a first sample from the strategy space.';
  const more = extra.length ? ` Adjusted: ${extra.map((m) => m.change).join('; ')}.` : '';
  return `exploration (fresh sample): do ${describeInputs(s)} predict the ${describeLabels(s)}?${context}${more}`;
}

const BAND_WORDS = { short: '1-2 bar', medium: '3-8 bar', long: '10-20 bar' } as const;

/** "opening design 1/8 (1-2 bar horizon, returns, long_short): do ... predict ...?" */
export function openingHypothesis(
  s: Strategy,
  cell: Cell,
  index: number,
  length: number,
  best: Parent | undefined,
  extra: Mutation[],
): string {
  const basic =
    index === 0
      ? ' The most basic hypothesis: whether the last bar says which way the next one goes (momentum or reversal), traded both ways.'
      : '';
  const context = best ? ` The best so far is ${best.experiment.strategy_name} (${describeResult(best)}).` : '';
  const more = extra.length ? ` Adjusted: ${extra.map((m) => m.change).join('; ')}.` : '';
  return (
    `opening design ${index + 1}/${length} (${BAND_WORDS[cell.band]} horizon, ${cell.family} features, ${cell.mode}): ` +
    `do ${describeInputs(s)} predict the ${describeLabels(s)}?${basic} The opening covers horizon x feature family x trading mode before refining what worked.${context}${more}`
  );
}
