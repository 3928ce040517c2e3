import { describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../../src/domain/model-version.js';
import { effectiveGates } from '../../../src/monitoring/effective-gates.js';
import { backtestGate, promotionGate, trainingGate } from '../../../src/monitoring/gates.js';
import { TRAINING_GATE_PRESETS } from '../../../src/domain/gates.js';

const SPEC = TRAINING_GATE_PRESETS.model_trainer_spec;

const now = new Date('2026-01-01T00:00:00Z');
const BT = { min_win_rate: 0.45, max_drawdown: 0.25, min_sharpe: 0.5, min_trades: 10 };
const PROMO = { non_inferiority: 0.9, min_deflated_sharpe: 0.95, max_drifted_features: 0 };
const NO_DRIFT = {
  data: 'sample:sp500',
  window: 'after 2019-12-31',
  bars: 250,
  features: 8,
  drifted: [],
  prediction_drift: false,
  concept_drift: false,
  action_required: false,
};
const NO_APPROVAL = { required: false, approval: null };
const ctx = { backtest: BT, promotion: PROMO, drift: NO_DRIFT, approval: NO_APPROVAL };

function model(
  id: string,
  test: Record<string, number>,
  backtest?: Record<string, number>,
  training: Record<string, number> = { loss_decrease: 0.3 },
): ModelVersion {
  return {
    model_id: id,
    name: id.split('@')[0]!,
    version: Number(id.split('@')[1]),
    stage: 'candidate',
    created_at: '',
    created_by: 't',
    operation_id: null,
    artifact_path: '/x',
    lineage: { strategy_hash: '', data_hash: '', data_source: '', code_version: '', seed: 1, backend: 'wasm' },
    metrics: { training, validation: {}, test, ...(backtest ? { backtest: { strategy: backtest } } : {}) },
    ever_in_production: false,
    stage_changed_at: '',
  };
}

const strong = {
  win_rate: 0.55,
  max_drawdown: 0.1,
  sharpe: 1.6,
  trade_count: 40,
  sharpe_per_period: 0.1,
  bars: 1000,
  skew: 0,
  kurtosis: 3,
};

describe('gates', () => {
  it('training gate: a model that predicts the majority class every time does not pass', () => {
    const majority = trainingGate(model('m@1', { accuracy: 0.52, baseline_accuracy: 0.52, loss: 0.7 }), SPEC, now);
    expect(majority.passed).toBe(false);
    expect(majority.checks.find((c) => !c.passed)?.reason).toBe('no_edge_over_majority_baseline (+0.0 pts < +2.0 pts)');
    const weak = trainingGate(model('m@2', { accuracy: 0.35, baseline_accuracy: 0.3, loss: 1.1 }), SPEC, now);
    expect(weak.checks.map((c) => c.reason)).toEqual(
      expect.arrayContaining(['accuracy_below_threshold (35% < 45%)', 'test_loss_above_threshold (1.100 >= 0.800)']),
    );
  });

  it('backtest gate reports each threshold with its measured value', () => {
    const g = backtestGate(model('m@1', {}, { ...strong, max_drawdown: 0.4, trade_count: 3 }), BT, now);
    expect(g.passed).toBe(false);
    expect(g.checks.filter((c) => !c.passed).map((c) => c.reason)).toEqual([
      'drawdown_above_threshold (40% > 25%)',
      'too_few_trades (3 < 10)',
    ]);
    expect(backtestGate(model('m@2', {}), BT, now).checks[0]!.reason).toMatch(/missing/);
  });

  it('promotion gate: non-inferiority against production, and more trials make the deflated Sharpe stricter', () => {
    const candidate = model('s@5', {}, strong);
    const production = model('s@2', {}, { ...strong, sharpe: 2.0 });
    const g = promotionGate(candidate, { ...ctx, production, trials: [candidate] }, now);
    expect(g.checks.find((c) => c.name === 'non_inferiority')).toMatchObject({ passed: false, threshold: 1.8 });
    const alone = promotionGate(candidate, { ...ctx, production: null, trials: [candidate] }, now);
    expect(alone.passed).toBe(true);
    const noisyTrials = Array.from({ length: 40 }, (_, i) =>
      model(`s@${i + 10}`, {}, { ...strong, sharpe_per_period: 0.1 * Math.sin(i * 1.7) }),
    );
    const crowded = promotionGate(candidate, { ...ctx, production: null, trials: [candidate, ...noisyTrials] }, now);
    const dsr = (x: typeof g) => x.checks.find((c) => c.name === 'deflated_sharpe')!;
    expect(dsr(crowded).value!).toBeLessThan(dsr(alone).value!);
    expect(dsr(crowded).reason).toMatch(/over 41 trials/);
  });

  it('promotion gate: drifted features on recent data, an unchecked drift and a missing approval each fail with the reason', () => {
    const candidate = model('s@5', {}, strong);
    const base = { ...ctx, production: null, trials: [candidate] };
    const drifted = promotionGate(candidate, { ...base, drift: { ...NO_DRIFT, drifted: ['rsi_14_oversold', 'ret_5'] } }, now);
    expect(drifted.passed).toBe(false);
    expect(drifted.checks.find((c) => c.name === 'feature_drift')).toMatchObject({
      passed: false,
      value: 2,
      threshold: 0,
      reason: 'features_drifted (2 > 0 features drifted: rsi_14_oversold, ret_5 on 250 bars of sample:sp500 after 2019-12-31)',
    });
    const unchecked = promotionGate(candidate, { ...base, drift: { error: 'no such file' } }, now);
    expect(unchecked.checks.find((c) => c.name === 'feature_drift')!.reason).toBe('drift_unchecked (no such file)');
    const predictions = promotionGate(candidate, { ...base, drift: { ...NO_DRIFT, prediction_drift: true, action_required: true } }, now);
    expect(predictions.checks.find((c) => c.name === 'feature_drift')).toMatchObject({
      passed: false,
      reason: 'predictions_drifted (prediction drift on 250 bars of sample:sp500 after 2019-12-31)',
    });
    const none = promotionGate(
      candidate,
      { ...base, drift: { no_recent_data: 'no bars after 2019-12-31 in sample:sp500; ingest recent bars or set drift.recent_data' } },
      now,
    );
    expect(none.checks.find((c) => c.name === 'feature_drift')).toMatchObject({
      passed: false,
      reason: 'no_recent_data (no bars after 2019-12-31 in sample:sp500; ingest recent bars or set drift.recent_data)',
    });
    const needsPerson = promotionGate(candidate, { ...base, approval: { required: true, approval: null } }, now);
    expect(needsPerson.passed).toBe(false);
    expect(needsPerson.checks.at(-1)!.reason).toMatch(/^human_approval_missing .*trainyard models approve s@5/);
    const approved = promotionGate(
      candidate,
      { ...base, approval: { required: true, approval: { approved_by: 'cli:alice', at: '2026-01-01', reason: 'reviewed' } } },
      now,
    );
    expect(approved.passed).toBe(true);
    expect(approved.checks.map((c) => c.name)).toEqual([
      'win_rate',
      'max_drawdown',
      'sharpe',
      'trade_count',
      'non_inferiority',
      'deflated_sharpe',
      'feature_drift',
      'human_approval',
    ]);
  });
});

describe('per-strategy thresholds', () => {
  const settings = {
    training: SPEC,
    backtest: BT,
    promotion: PROMO,
    strategy_overrides: 'tighten_only' as const,
  };

  it('a strategy may tighten a gate; loosening is ignored (and said) unless config allows it', () => {
    const e = effectiveGates(settings, { training: { min_accuracy: 0.55, max_test_loss: 2 }, backtest: { min_trades: 30 } });
    expect(e.thresholds.training).toMatchObject({ min_accuracy: 0.55, max_test_loss: 0.8 });
    expect(e.thresholds.backtest.min_trades).toBe(30);
    expect(e.applied).toEqual(['training.min_accuracy 0.45 -> 0.55 (strategy)', 'backtest.min_trades 10 -> 30 (strategy)']);
    expect(e.ignored).toEqual([
      'training.max_test_loss 0.8 -> 2 ignored: it loosens the gate and config gates.strategy_overrides is tighten_only',
    ]);
    const loose = effectiveGates({ ...settings, strategy_overrides: 'allow' }, { training: { max_test_loss: 2 } });
    expect(loose.thresholds.training.max_test_loss).toBe(2);
    expect(effectiveGates(settings, undefined).thresholds).toEqual({ training: settings.training, backtest: BT, promotion: PROMO });
  });
});

import { effectiveSampleSize, ksTwoSample, psi, psiDriftThreshold, psiMatrix, psiWithShares } from '../../../src/monitoring/drift.js';
import { createRng } from '../../../src/pipeline/random.js';

describe('drift statistics', () => {
  const rng = createRng(3);
  const draw = (n: number, shift: number, scale = 1) => Array.from({ length: n }, () => shift + scale * rng.normal());

  it('KS: same distribution -> large p-value; shifted -> tiny p-value; matches a hand example', () => {
    expect(ksTwoSample(draw(2000, 0), draw(2000, 0)).p_value).toBeGreaterThan(0.05);
    const shifted = ksTwoSample(draw(2000, 0), draw(2000, 0.3));
    expect(shifted.p_value).toBeLessThan(1e-6);
    // {1,2,3,4} vs {3,4,5,6}: the CDFs differ by at most 0.5 (at x = 2).
    expect(ksTwoSample([1, 2, 3, 4], [3, 4, 5, 6]).statistic).toBe(0.5);
  });

  it('PSI: ~0 for the same distribution, large for a changed one, finite with empty bins', () => {
    const ref = draw(5000, 0);
    const sorted = [...ref].sort((a, b) => a - b);
    const edges = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => sorted[Math.floor((k / 10) * sorted.length)]!);
    const props = new Array(10).fill(0.1);
    expect(psi(edges, props, draw(5000, 0))).toBeLessThan(0.02);
    expect(psi(edges, props, draw(5000, 1))).toBeGreaterThan(0.2);
    expect(Number.isFinite(psi(edges, props, draw(100, 50)))).toBe(true);
  });

  it('psiMatrix (one pass, lookup-table bins) equals psi column by column, NaN and edge values included', () => {
    const rows = 3000;
    const cols = 4;
    const x = Float64Array.from({ length: rows * cols }, (_, i) => (i % 97 === 0 ? Number.NaN : rng.normal() * (1 + (i % cols))));
    // Values exactly on edges, below the first and above the last.
    x.set([-0.5, 0, 0.5, 100], 4);
    const refs = [
      { edges: [-1, -0.5, 0, 0.5, 1], proportions: [0.05, 0.15, 0.2, 0.25, 0.22, 0.13] },
      { edges: [0], proportions: [0.5, 0.5] },
      { edges: [], proportions: [1] },
      { edges: [-3, -1, -1e-9, 1e-9, 1, 3], proportions: [0.1, 0.1, 0.3, 0, 0.3, 0.1, 0.1] },
    ];
    const all = psiMatrix(refs, x, rows, cols);
    refs.forEach((ref, j) => {
      const col = Float64Array.from({ length: rows }, (_, r) => x[r * cols + j]!);
      expect(all[j]).toBeCloseTo(psi(ref.edges, ref.proportions, col), 12);
    });
    // The current histogram behind each PSI: one share per reference bin, summing to 1.
    const { psi: same, shares } = psiWithShares(refs, x, rows, cols);
    expect(Array.from(same)).toEqual(Array.from(all));
    refs.forEach((ref, j) => {
      expect(shares[j]).toHaveLength(ref.proportions.length);
      expect(shares[j]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    });
    const col1 = Array.from({ length: rows }, (_, r) => x[r * cols + 1]!).filter(Number.isFinite);
    expect(shares[1]![0]).toBeCloseTo(col1.filter((v) => v <= 0).length / col1.length, 12);
  });

  it('effective sample size: about n for independent values, n(1-phi)/(1+phi) for an AR(1) series', () => {
    const n = 20_000;
    const iid = Float64Array.from({ length: n }, () => rng.normal());
    expect(effectiveSampleSize(iid, n, 1, 0) / n).toBeGreaterThan(0.9);
    const ar = new Float64Array(n);
    for (let t = 1; t < n; t++) ar[t] = 0.9 * ar[t - 1]! + rng.normal();
    // Theory: (1 - 0.9) / (1 + 0.9) = 0.053 of n.
    expect(effectiveSampleSize(ar, n, 1, 0) / n).toBeGreaterThan(0.04);
    expect(effectiveSampleSize(ar, n, 1, 0) / n).toBeLessThan(0.07);
  });

  it('a slow feature of an unchanged process does not count as drifted on a short window; a real shift still does', () => {
    // A 50-bar moving sum of noise: smooth, so 250 bars hold only a handful of independent values.
    const slow = (length: number, shift: number) => {
      const e = Float64Array.from({ length: length + 50 }, () => rng.normal());
      return Float64Array.from({ length }, (_, t) => e.slice(t, t + 50).reduce((a, b) => a + b, 0) / Math.sqrt(50) + shift);
    };
    const train = slow(5000, 0);
    const sorted = Float64Array.from(train).sort();
    const edges = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => sorted[Math.floor((k / 10) * sorted.length)]!);
    const ref = [{ edges, proportions: new Array(10).fill(0.1) }];
    let alarms = 0;
    for (let i = 0; i < 20; i++) {
      const recent = slow(250, 0);
      const value = psiMatrix(ref, recent, 250, 1)[0]!;
      if (value > psiDriftThreshold(0.2, 10, effectiveSampleSize(recent, 250, 1, 0))) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(1);
    const moved = slow(250, 3);
    expect(psiMatrix(ref, moved, 250, 1)[0]!).toBeGreaterThan(psiDriftThreshold(0.2, 10, effectiveSampleSize(moved, 250, 1, 0)));
    // Plenty of independent values: the configured threshold applies as it is.
    expect(psiDriftThreshold(0.2, 10, 5000)).toBe(0.2);
  });
});
