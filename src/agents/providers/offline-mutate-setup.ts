import type { Strategy } from '../../domain/strategy.js';
import type { Draw } from './offline-random.js';
import type { Direction, Mutation, Operator } from './offline-mutate-types.js';
import { normalQuantile } from '../../monitoring/stats.js';
import { round4 } from './offline-scale.js';
import { HORIZONS, horizonSigma, thresholdRange } from './offline-space.js';

/** Mutations of what a strategy learns and how: label horizon and thresholds, model size, dropout, decision threshold. */

function neighbourHorizon(h: number, draw: Draw, direction?: Direction): number {
  const up = HORIZONS.filter((x) => x > h);
  const down = HORIZONS.filter((x) => x < h);
  if (direction === 'up' || (!direction && (!down.length || (up.length && draw.chance(0.5))))) return up.length ? up[0]! : h * 2;
  return down.length ? down[down.length - 1]! : h;
}

function fixPurgeGap(s: Strategy, horizon: number): void {
  if (s.training.purge_gap !== undefined && s.training.purge_gap < horizon) s.training.purge_gap = horizon;
}

export const labelHorizon: Operator = (s, draw, scale, direction) => {
  const l = s.labels;
  if (l.type === 'forward_return') {
    const next = neighbourHorizon(l.horizon, draw, direction);
    if (next === l.horizon) return null;
    // sqrt(h) keeps the sigmas; into or out of the short band they are clamped to its range
    const [lo, hi] = thresholdRange(next);
    const sigmas = Math.min(hi, Math.max(lo, l.up_threshold / horizonSigma(scale, l.horizon)));
    const k = (sigmas * horizonSigma(scale, next)) / l.up_threshold;
    const old = l.horizon;
    l.horizon = next;
    l.up_threshold = Math.max(1e-4, round4(l.up_threshold * k));
    l.down_threshold = Math.min(-1e-4, round4(l.down_threshold * k));
    fixPurgeGap(s, next);
    return {
      kind: 'label_horizon',
      change: `label horizon ${old} -> ${next} bars (thresholds scaled x${k.toFixed(2)} to +${l.up_threshold}/${l.down_threshold} to keep the classes balanced)`,
      reason:
        next > old
          ? 'a longer horizon averages out bar noise, so a slow signal can show'
          : 'a shorter horizon tests whether the signal fades quickly',
    };
  }
  const old = l.max_holding;
  const next = neighbourHorizon(old, draw, direction);
  if (next === old) return null;
  l.max_holding = next;
  fixPurgeGap(s, next);
  return {
    kind: 'label_horizon',
    change: `triple-barrier max_holding ${old} -> ${next} bars`,
    reason: next > old ? 'more time lets the barriers rather than the clock decide' : 'a shorter hold tests whether the move comes early',
  };
};

export const labelThreshold: Operator = (s, draw, scale, direction) => {
  const l = s.labels;
  if (l.type === 'forward_return') {
    const g = direction === 'up' ? draw.pick([1.25, 1.4]) : direction === 'down' ? draw.pick([0.7, 0.8]) : draw.pick([0.7, 0.8, 1.25, 1.4]);
    const before = `+${l.up_threshold}/${l.down_threshold}`;
    l.up_threshold = Math.max(1e-4, round4(l.up_threshold * g));
    l.down_threshold = Math.min(-1e-4, round4(l.down_threshold * g));
    const sigmas = l.up_threshold / horizonSigma(scale, l.horizon);
    return {
      kind: 'label_threshold',
      change: `label thresholds ${before} -> +${l.up_threshold}/${l.down_threshold} (${sigmas.toFixed(2)} sigma of a ${l.horizon}-bar return)`,
      reason:
        g > 1
          ? 'wider thresholds make "flat" absorb the noise so up/down labels mark real moves'
          : 'narrower thresholds give more up/down examples to learn from',
    };
  }
  const which = draw.chance(0.5) ? 'profit_take' : 'stop_loss';
  const old = l[which];
  const next = Math.max(0.5, old + (direction === 'down' ? -0.5 : direction === 'up' ? 0.5 : draw.pick([-0.5, 0.5])));
  if (next === old) return null;
  l[which] = next;
  return {
    kind: 'label_threshold',
    change: `triple-barrier ${which} ${old} -> ${next} x volatility`,
    reason: `a ${next > old ? 'wider' : 'tighter'} ${which === 'profit_take' ? 'profit target' : 'stop'} changes which moves count as wins`,
  };
};

export const modelSize: Operator = (s, draw, _scale, direction) => {
  const old = [...s.model.hidden_layers];
  const grow = direction === 'up' || (!direction && draw.chance(0.5));
  let next: number[];
  if (grow) {
    next =
      draw.chance(0.5) && old.length < 3
        ? [...old, Math.max(4, Math.floor(old[old.length - 1]! / 2))]
        : old.map((w) => Math.min(256, w * 2));
  } else {
    next = draw.chance(0.5) && old.length > 1 ? old.slice(0, -1) : old.map((w) => Math.max(4, Math.floor(w / 2)));
  }
  if (JSON.stringify(next) === JSON.stringify(old)) return null;
  s.model.hidden_layers = next;
  return {
    kind: 'model_size',
    change: `hidden layers [${old.join(', ')}] -> [${next.join(', ')}]`,
    reason: grow
      ? 'more capacity can pick up interactions between the inputs'
      : 'a smaller network has less room to memorise the training period',
  };
};

export const dropout: Operator = (s, draw, _scale, direction) => {
  const old = s.model.dropout;
  const up = direction === 'up' || (!direction && (old <= 0 || draw.chance(0.5)));
  const next = Math.round(Math.max(0, Math.min(0.5, old + (up ? 0.1 : -0.1))) * 100) / 100;
  if (next === old) return null;
  s.model.dropout = next;
  return {
    kind: 'dropout',
    change: `dropout ${old} -> ${next}`,
    reason: up ? 'more dropout regularises against fitting noise' : 'less dropout lets a weak but real signal be learnt',
  };
};

export const confidenceThreshold: Operator = (s, draw, _scale, direction) => {
  const old = s.decisions.confidence_threshold;
  const up = direction === 'up' || (!direction && draw.chance(0.5));
  const next = Math.round(Math.max(0.34, Math.min(0.7, old + (up ? 0.05 : -0.05))) * 100) / 100;
  if (next === old) return null;
  s.decisions.confidence_threshold = next;
  return {
    kind: 'confidence_threshold',
    change: `decision confidence threshold ${old} -> ${next}`,
    reason: up
      ? 'trading only confident predictions should raise the win rate'
      : 'a lower bar opens more positions, so the backtest has enough trades to judge',
  };
};

// A model whose best epoch was its last was still learning: train it longer, and faster. The
// learning rate stays within what Adam handles on scaled inputs without diverging (0.005).
const MAX_LEARNING_RATE = 0.005;

export const trainingBudget: Operator = (s, _draw, _scale, direction) => {
  if (direction === 'down') return null;
  const oldEpochs = s.training.epochs;
  const oldRate = s.training.learning_rate;
  s.training.epochs = Math.min(1000, oldEpochs * 2);
  s.training.learning_rate = Math.min(MAX_LEARNING_RATE, +(oldRate * 2).toPrecision(3));
  s.training.early_stopping_patience = Math.min(s.training.epochs, s.training.early_stopping_patience + 2);
  if (s.training.epochs === oldEpochs && s.training.learning_rate === oldRate) return null;
  return {
    kind: 'training_budget',
    change: `epochs ${oldEpochs} -> ${s.training.epochs}, learning rate ${oldRate} -> ${s.training.learning_rate}`,
    reason: 'its best epoch was its last, so it was still learning when training stopped',
  };
};

// A third of the labels "flat": for roughly normal h-bar returns that is +-0.43 sigma.
const TARGET_FLAT_SHARE = 1 / 3;

/**
 * Rescales forward-return thresholds from the flat share actually measured to a third: with
 * returns ~ N(0, sigma), flat share f sits at +-z(0.5 + f/2) sigma, so the thresholds scale by
 * z(0.5 + 1/6) / z(0.5 + f/2). One step instead of several x1.3 guesses.
 */
export function rebalanceLabels(s: Strategy, flatShare: number): Mutation | null {
  const l = s.labels;
  if (flatShare <= 0 || flatShare >= 1) return null;
  const g = Math.max(0.25, Math.min(4, normalQuantile(0.5 + TARGET_FLAT_SHARE / 2) / normalQuantile(0.5 + flatShare / 2)));
  if (Math.abs(g - 1) < 0.1) return null;
  const why = `flat was ${(flatShare * 100).toFixed(0)}% of the labels; aiming at a third`;
  const reason = 'balanced classes keep one rare class from dominating the weighted loss';
  if (l.type === 'triple_barrier') {
    // "flat" = neither barrier reached within max_holding: wider barriers make it more common. The
    // same normal approximation, applied to the barrier distance.
    const before = `${l.profit_take}/${l.stop_loss}`;
    l.profit_take = Math.max(0.5, Math.round(l.profit_take * g * 4) / 4);
    l.stop_loss = Math.max(0.5, Math.round(l.stop_loss * g * 4) / 4);
    return {
      kind: 'label_threshold',
      change: `triple-barrier profit_take/stop_loss ${before} -> ${l.profit_take}/${l.stop_loss} x volatility (${why})`,
      reason,
    };
  }
  const before = `+${l.up_threshold}/${l.down_threshold}`;
  l.up_threshold = Math.max(1e-4, round4(l.up_threshold * g));
  l.down_threshold = Math.min(-1e-4, round4(l.down_threshold * g));
  return { kind: 'label_threshold', change: `label thresholds ${before} -> +${l.up_threshold}/${l.down_threshold} (${why})`, reason };
}

/** Long-only <-> long-short. Directed 'up' (more trades): a long-only model that stays long through a trend trades rarely; a short side trades the down moves too. */
export const tradeMode: Operator = (s, _draw, _scale, direction) => {
  const old = s.decisions.mode;
  const next = direction === 'up' ? 'long_short' : direction === 'down' ? 'long_only' : old === 'long_only' ? 'long_short' : 'long_only';
  if (next === old) return null;
  s.decisions.mode = next;
  return {
    kind: 'trade_mode',
    change: `decision mode ${old} -> ${next}`,
    reason:
      next === 'long_short'
        ? 'a short side trades the predicted down moves too, so positions change more often'
        : 'long only avoids paying for a short side that does not pay',
  };
};
