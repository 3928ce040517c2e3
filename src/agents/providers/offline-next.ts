import type { Strategy } from '../../domain/strategy.js';
import { parseStrategy } from '../../pipeline/strategy-source.js';
import type { AssessmentRequest, Verdict } from '../types.js';
import type { Evidence } from './offline-assessor.js';

/** The offline assessor's next_hypotheses: concrete changes to the assessed strategy that answer its verdict. */

/** A majority class above this share of three means the labels are lopsided (as in offline-journal). */
const LOPSIDED_BASELINE = 0.55;
const MAX_HYPOTHESES = 5;

function strategyOf(request: AssessmentRequest): Strategy | undefined {
  try {
    return parseStrategy(request.strategy_yaml, request.strategy_name).strategy;
  } catch {
    return undefined;
  }
}

export function nextHypotheses(request: AssessmentRequest, verdict: Verdict, e: Evidence): string[] {
  const s = strategyOf(request);
  const out: string[] = [];
  const layers = s ? `[${s.model.hidden_layers.join(', ')}]` : 'the hidden layers';
  const smaller = s ? `[${s.model.hidden_layers.map((w) => Math.max(4, Math.floor(w / 2))).join(', ')}]` : 'half the width';
  const reasons = request.gates.flatMap((g) => g.reasons).join(' ');
  const base = request.training?.baseline_accuracy;
  if (s && base !== undefined && base > LOPSIDED_BASELINE && s.labels.type === 'forward_return') {
    out.push(
      `Rebalance the labels: with thresholds +${s.labels.up_threshold}/${s.labels.down_threshold} the majority class is ${(base * 100).toFixed(0)}% of the test set; move the thresholds so each class holds about a third.`,
    );
  }
  if (/too_few_trades/.test(reasons) && s) {
    out.push(
      `Lower the decision confidence threshold ${s.decisions.confidence_threshold} -> ${Math.max(0.34, s.decisions.confidence_threshold - 0.05).toFixed(2)} so the backtest has enough trades to judge.`,
    );
  }
  switch (verdict) {
    case 'overfit':
      out.push(
        `Shrink the network ${layers} -> ${smaller} or raise dropout${s ? ` ${s.model.dropout} -> ${Math.min(0.5, s.model.dropout + 0.1).toFixed(1)}` : ''}.`,
      );
      out.push(`Train fewer epochs (${request.training?.epochs_run ?? '?'} ran) or stop earlier, and drop the least useful indicator.`);
      break;
    case 'no_signal':
      if (s) {
        const horizon = s.labels.type === 'forward_return' ? s.labels.horizon : s.labels.max_holding;
        out.push(`Try another label horizon than ${horizon} bars (the signal may live at a longer or shorter scale).`);
        out.push(
          `Replace ${s.indicators.map((i) => i.type).join(', ')} with a different indicator family (trend vs mean reversion vs volatility regime).`,
        );
      } else {
        out.push('Try another label horizon and a different indicator family.');
      }
      break;
    case 'weak_signal':
      out.push(
        `Refine around this strategy: vary its indicator periods and fuzzy breakpoints one at a time to see which input carries the edge${e.edge !== undefined ? ` (${(e.edge * 100).toFixed(1)} pts now)` : ''}.`,
      );
      if (e.sharpe && e.sharpe.z < e.zStrong)
        out.push(
          `More out-of-sample bars would tighten the Sharpe estimate (z ${e.sharpe.z.toFixed(2)} now, strong needs ${e.zStrong.toFixed(2)}).`,
        );
      break;
    case 'strong_signal':
      out.push('Check robustness: the same strategy on another period or data set, and with the confidence threshold moved by +-0.05.');
      out.push('Check the edge survives higher costs (double cost_bps and slippage_bps) before relying on it.');
      break;
  }
  return out.slice(0, MAX_HYPOTHESES);
}
