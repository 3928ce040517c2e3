import type { ChartData, ChartKind } from '../../src/charts/index.js';

/** Small, realistic data for every chart kind (shapes as trainyard stores them). */
const HOSTILE = '<script>alert(1)</script>';

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** A random-walk equity pair over `n` daily bars. */
export function equitySeries(n: number, seed = 7) {
  const r = rng(seed);
  const time: string[] = [];
  const strategy = new Float64Array(n);
  const hold = new Float64Array(n);
  let s = 1;
  let b = 1;
  for (let i = 0; i < n; i++) {
    s *= 1 + (r() - 0.48) * 0.02;
    b *= 1 + (r() - 0.49) * 0.025;
    strategy[i] = s;
    hold[i] = b;
    time.push(new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString());
  }
  return { time, strategy, buy_and_hold: hold };
}

/**
 * A tuning study's trials: losses falling per epoch; every 4th from trial 2 pruned after 2 epochs
 * (no stored value), trial 5 failed before reporting, the last one running (3 epochs so far).
 */
export function tuningTrials(n: number, epochs = 6) {
  return Array.from({ length: n }, (_, i) => {
    const state = i === 5 ? 'failed' : i === n - 1 ? 'running' : i % 4 === 2 ? 'pruned' : 'complete';
    const steps = state === 'failed' ? 0 : state === 'pruned' ? 2 : state === 'running' ? Math.min(3, epochs) : epochs;
    const start = 1.1 + 0.01 * Math.sin(i * 1.3);
    const intermediate = Array.from({ length: steps }, (_, k) => ({
      step: k + 1,
      value: +(start - (0.004 + 0.001 * (i % 5)) * (k + 1)).toFixed(4),
    }));
    return { number: i, state, value: state === 'complete' ? intermediate[steps - 1]!.value : null, intermediate } as const;
  });
}

export function sampleData(hostile = false): { [K in ChartKind]: ChartData<K> } {
  const name = hostile ? `evil${HOSTILE}` : 'momentum';
  const model_id = `${name}@1`;
  return {
    training_curves: {
      model_id,
      best_epoch: 4,
      history: [1, 2, 3, 4, 5, 6].map((epoch) => ({
        epoch,
        loss: 1.1 - epoch * 0.015,
        val_loss: 1.098 - Math.min(epoch, 4) * 0.004 + Math.max(0, epoch - 4) * 0.002,
        val_accuracy: 0.37 + Math.min(epoch, 4) * 0.008,
        seconds: 0.5,
      })),
    },
    equity: { model_id, source: hostile ? HOSTILE : 'test segment', ...equitySeries(500) },
    drawdown: { model_id, source: 'test segment', ...equitySeries(500) },
    walk_forward: {
      model_id,
      scheme: 'expanding',
      windows: [1, 2, 3, 4].map((w) => ({
        window: w,
        test: { from: `202${w}-01-04T00:00:00.000Z`, to: `202${w}-06-30T00:00:00.000Z` },
        strategy: { total_return: [0.04, -0.02, 0.07, 0.01][w - 1]!, sharpe: [0.9, -0.4, 1.3, 0.2][w - 1]! },
        buy_and_hold: { total_return: [0.02, 0.01, 0.05, -0.03][w - 1]!, sharpe: [0.5, 0.2, 1.0, -0.5][w - 1]! },
      })),
    },
    confusion_matrix: {
      model_id,
      classes: ['down', 'flat', 'up'],
      confusion_matrix: [
        [40, 12, 30],
        [10, 25, 14],
        [28, 11, 50],
      ],
      accuracy: 115 / 220,
      baseline_accuracy: 89 / 220,
    },
    feature_importance: {
      model_id,
      features: ['rsi_14', 'macd_hist', 'ret_5', hostile ? HOSTILE : 'atr_14', 'volume_z', 'bb_width'].map((feature, i) => ({
        feature,
        loss_increase: 0.012 / (i + 1),
        accuracy_drop: 0.02 / (i + 1),
      })),
    },
    drift: driftData(model_id, hostile),
    drift_histograms: driftData(model_id, hostile),
    performance: {
      model_id,
      evaluations: Array.from({ length: 30 }, (_, i) => {
        const m = (value: number, threshold: number) => ({ value, threshold, status: value < threshold ? 'degraded' : 'healthy' });
        return {
          window_end: Date.UTC(2024, 0, 1) + i * 86_400_000,
          metrics: {
            prediction_accuracy_7d: m(0.45 - i * 0.003, 0.4),
            signal_win_rate_30d: m(0.52 - i * 0.002, 0.45),
            sharpe_30d: m(1.2 - i * 0.05, 0),
            feature_importance_stability: m(0.8, 0.5),
          },
        };
      }),
    },
    research: {
      program: hostile ? `prog${HOSTILE}` : 'momentum-search',
      min_deflated_sharpe: 0.95,
      pbo: 0.31,
      trials: Array.from({ length: 12 }, (_, i) => ({
        cycle_index: i + 1,
        strategy_name: `s${i}`,
        sharpe: i === 3 ? null : Math.sin(i * 1.7) * 0.8 + i * 0.05,
        deflated_sharpe: i === 3 ? null : Math.min(0.99, 0.3 + i * 0.05),
        passed: i % 3 === 0,
      })),
    },
    tuning: {
      run_id: 'op_tune1',
      study_id: 'op_tune1',
      strategy: hostile ? `tuned${HOSTILE}` : 'momentum_test',
      objective: 'val_loss',
      trials: tuningTrials(12),
    },
  };
}

function driftData(model_id: string, hostile: boolean) {
  const names = ['rsi_14', 'macd_hist', 'ret_5', hostile ? HOSTILE : 'atr_14', 'volume_z'];
  const psis = [0.31, 0.05, 0.12, 0.02, 0.22];
  return {
    model_id,
    at: '2024-03-01T00:00:00.000Z',
    data: hostile ? `csv:${HOSTILE}.csv` : 'store:',
    psi_warn: 0.1,
    features: names.map((name, i) => ({
      name,
      psi: psis[i]!,
      drift_threshold: 0.2 + i * 0.01,
      status: psis[i]! > 0.2 + i * 0.01 ? 'drift' : psis[i]! > 0.1 ? 'warn' : 'stable',
    })),
    histograms: names.slice(0, 4).map((name, i) => ({
      name,
      psi: psis[i]!,
      edges: [-1.2, -0.5, 0, 0.5, 1.2],
      reference: [0.17, 0.17, 0.16, 0.17, 0.17, 0.16],
      current: [0.1 + i * 0.02, 0.12, 0.16, 0.2, 0.22 - i * 0.02, 0.2],
    })),
  };
}
