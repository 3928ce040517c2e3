import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assessmentSchema, type AssessmentRequest } from '../../../src/agents/types.js';
import { assessOffline, createOfflineAssessor, sharpeTest, strongZ } from '../../../src/agents/providers/offline-assessor.js';

const yaml = readFileSync(new URL('../../../strategies/rsi_mean_reversion.yaml', import.meta.url), 'utf8');
const journal = { best: [], recent: [], rejected: [], tried_hashes: [], total_trials: 1 };

const passTraining = { gate: 'training', passed: true, reasons: ['accuracy_ok (52% >= 45%)', 'loss_decrease_ok (30% >= 20%)'] };
const passBacktest = { gate: 'backtest', passed: true, reasons: ['sharpe_ok (1.60 >= 0.50)', 'trade_count_ok (40 >= 10)'] };

/** A cycle that passed both gates with a clearly significant edge: 1000 OOS bars, per-bar Sharpe 0.1 (z ~ 3.2). */
function request(over: Partial<AssessmentRequest> = {}): AssessmentRequest {
  return {
    goal: 'find momentum',
    strategy_name: 'demo_3',
    hypothesis: 'h',
    strategy_yaml: yaml,
    outcome: 'done',
    training: { test_accuracy: 0.52, baseline_accuracy: 0.4, validation_accuracy: 0.53, test_loss: 1.02, epochs_run: 12 },
    backtest: {
      strategy: { sharpe: 1.59, sharpe_per_period: 0.1, bars: 1000, trade_count: 40, win_rate: 0.55, max_drawdown: 0.1 },
      buy_and_hold: { sharpe: 0.6, sharpe_per_period: 0.038, bars: 1000 },
    },
    gates: [passTraining, passBacktest],
    journal,
    ...over,
  };
}

describe('offline assessor', () => {
  it('Lo (2002) standard error of the Sharpe ratio', () => {
    const t = sharpeTest(0.1, 1000);
    expect(t.se).toBeCloseTo(Math.sqrt(1.005 / 1000), 10);
    expect(t.z).toBeCloseTo(0.1 / Math.sqrt(1.005 / 1000), 10);
    expect(strongZ(1)).toBe(1.96);
    expect(strongZ(100)).toBeCloseTo(Math.sqrt(2 * Math.log(100)), 10);
  });

  it('strong_signal: both gates passed, edge and significant Sharpe above buy-and-hold', () => {
    const a = assessOffline(request());
    expect(a.verdict).toBe('strong_signal');
    expect(a.rationale).toContain('52.0%');
    expect(a.rationale).toContain('40.0%');
    expect(a.rationale).toMatch(/z 3\.1\d/);
    expect(() => assessmentSchema.parse(a)).not.toThrow();
  });

  it('the same figures are only weak after many trials (the bar rises with sqrt(2 ln N))', () => {
    const a = assessOffline(request({ journal: { ...journal, total_trials: 500 } }));
    expect(a.verdict).toBe('weak_signal');
    expect(a.rationale).toContain('strong needs 3.53');
  });

  it('overfit: validation far above test', () => {
    const a = assessOffline(
      request({
        outcome: 'gate_rejected_backtest',
        training: { test_accuracy: 0.43, baseline_accuracy: 0.4, validation_accuracy: 0.6, test_loss: 1.1, epochs_run: 30 },
        gates: [passTraining, { gate: 'backtest', passed: false, reasons: ['sharpe_below_threshold (0.20 < 0.50)'] }],
      }),
    );
    expect(a.verdict).toBe('overfit');
    expect(a.rationale).toContain('validation accuracy 60.0%');
    expect(a.next_hypotheses.join(' ')).toMatch(/Shrink the network \[32, 16\] -> \[16, 8\]/);
  });

  it('overfit: training gate failed while the in-sample loss fell a lot', () => {
    const a = assessOffline(
      request({
        outcome: 'gate_rejected_training',
        training: { test_accuracy: 0.4, baseline_accuracy: 0.41, validation_accuracy: 0.42, test_loss: 1.3, epochs_run: 40 },
        backtest: null,
        gates: [
          {
            gate: 'training',
            passed: false,
            reasons: [
              'test_loss_above_threshold (1.300 >= 0.800)',
              'loss_decrease_ok (62% >= 20%)',
              'no_edge_over_majority_baseline (-1.0 pts < 2.0 pts)',
            ],
          },
        ],
      }),
    );
    expect(a.verdict).toBe('overfit');
    expect(a.rationale).toContain('in-sample loss fell 62.0%');
  });

  it('no_signal: accuracy does not beat the majority baseline', () => {
    const a = assessOffline(
      request({
        outcome: 'gate_rejected_training',
        training: { test_accuracy: 0.6, baseline_accuracy: 0.61, validation_accuracy: 0.6, test_loss: 0.9, epochs_run: 10 },
        backtest: null,
        gates: [
          {
            gate: 'training',
            passed: false,
            reasons: ['loss_decrease_below_threshold (5% < 20%)', 'no_edge_over_majority_baseline (-1.0 pts < 2.0 pts)'],
          },
        ],
      }),
    );
    expect(a.verdict).toBe('no_signal');
    expect(a.rationale).toContain('edge -1.0 pts');
    // baseline 61% > 55%: the labels are lopsided, so the first idea is to rebalance them
    expect(a.next_hypotheses[0]).toMatch(/Rebalance the labels: with thresholds \+0\.01\/-0\.01 the majority class is 61%/);
  });

  it('no_signal: the Sharpe does not beat buy-and-hold even with gates passed', () => {
    const r = request();
    r.backtest!.buy_and_hold = { sharpe: 1.8, sharpe_per_period: 0.113, bars: 1000 };
    expect(assessOffline(r).verdict).toBe('no_signal');
  });

  it('no_signal: the Sharpe is within one standard error of zero', () => {
    const r = request();
    r.backtest!.strategy = { ...r.backtest!.strategy, sharpe: 0.4, sharpe_per_period: 0.025 };
    r.backtest!.buy_and_hold = { sharpe: 0.1, sharpe_per_period: 0.006, bars: 1000 };
    const a = assessOffline(r);
    expect(a.verdict).toBe('no_signal');
    expect(a.rationale).toMatch(/z 0\.79/);
  });

  it('weak_signal: beats the baseline but the backtest gate failed on too few trades', () => {
    const r = request({
      outcome: 'gate_rejected_backtest',
      gates: [passTraining, { gate: 'backtest', passed: false, reasons: ['too_few_trades (4 < 10)', 'sharpe_ok (1.60 >= 0.50)'] }],
    });
    const a = assessOffline(r);
    expect(a.verdict).toBe('weak_signal');
    expect(a.rationale).toContain('too_few_trades (4 < 10)');
    expect(a.rationale).not.toContain('sharpe_ok');
    expect(a.next_hypotheses.join(' ')).toContain('confidence threshold 0.4 -> 0.35');
  });

  it('weak_signal: gates passed but significance is marginal', () => {
    const r = request();
    r.backtest!.strategy = { ...r.backtest!.strategy, sharpe: 0.95, sharpe_per_period: 0.05 };
    r.backtest!.buy_and_hold = { sharpe: 0.3, sharpe_per_period: 0.02, bars: 1000 };
    const a = assessOffline(r);
    expect(a.verdict).toBe('weak_signal');
    expect(a.next_hypotheses.join(' ')).toMatch(/z 1\.58 now, strong needs 1\.96/);
  });

  it('a strategy YAML that does not parse still gets a valid assessment', async () => {
    const out = await createOfflineAssessor().assess(request({ strategy_yaml: 'not: [valid' }), {});
    expect(out.usage).toEqual({ input_tokens: 0, output_tokens: 0, requests: 0 });
    expect(() => assessmentSchema.parse(out.assessment)).not.toThrow();
  });

  it('refuses to work on a cancelled signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(createOfflineAssessor().assess(request(), { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
