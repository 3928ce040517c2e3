import type { Strategy } from '../../domain/strategy.js';
import type { Draw } from './offline-random.js';
import type { Direction, Operator } from './offline-mutate-types.js';
import { round4 } from './offline-scale.js';
import { HORIZONS, horizonSigma } from './offline-space.js';

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

export const labelHorizon: Operator = (s, draw, _scale, direction) => {
  const l = s.labels;
  if (l.type === 'forward_return') {
    const next = neighbourHorizon(l.horizon, draw, direction);
    if (next === l.horizon) return null;
    const k = Math.sqrt(next / l.horizon);
    const old = l.horizon;
    l.horizon = next;
    l.up_threshold = round4(l.up_threshold * k);
    l.down_threshold = round4(l.down_threshold * k);
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
