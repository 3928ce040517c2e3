import { describe, expect, it } from 'vitest';
import { budgetStop, costUsd } from '../../../src/agents/budget.js';
import { summarizeJournal } from '../../../src/agents/journal.js';
import type { ResearchCycle } from '../../../src/domain/research.js';

const limits = { max_cycles: 5, max_wall_ms: 60_000, max_tokens: 10_000, daily_cost_usd: 1, price: { input: 3, output: 15 } };
const state = { cycles_started: 0, started_at_ms: 0, now_ms: 0, run_tokens: 0, today: { input_tokens: 0, output_tokens: 0 } };

describe('research budgets', () => {
  it('says which budget stopped the loop, checked in order: cycles, wall time, tokens, daily cost', () => {
    expect(budgetStop(limits, state)).toBeNull();
    expect(budgetStop(limits, { ...state, cycles_started: 5 })?.reason).toBe('cycles');
    expect(budgetStop(limits, { ...state, now_ms: 60_000 })).toEqual({
      reason: 'wall_time',
      message: 'wall-time budget reached (1.0 of 1.0 min)',
    });
    expect(budgetStop(limits, { ...state, run_tokens: 10_000 })?.message).toBe('token budget reached (10000 of 10000 tokens)');
    // 200k input at $3/M + 30k output at $15/M = $1.05 > $1.
    expect(budgetStop(limits, { ...state, today: { input_tokens: 200_000, output_tokens: 30_000 } })).toEqual({
      reason: 'daily_cost',
      message: 'daily cost budget reached ($1.05 of $1.00 today, UTC)',
    });
    // Offline there is no price, so no cost budget.
    expect(budgetStop({ ...limits, price: null }, { ...state, today: { input_tokens: 1e9, output_tokens: 1e9 } })).toBeNull();
    expect(costUsd({ input_tokens: 1e6, output_tokens: 1e6 }, limits.price)).toBe(18);
  });
});

function cycle(i: number, over: Partial<ResearchCycle>): ResearchCycle {
  return {
    cycle_id: `rc_${i}`,
    program: 'p',
    run_id: 'op_1',
    cycle_index: i,
    state: 'done',
    seed: i,
    designer: 'offline',
    strategy_name: `p_${i}`,
    strategy_hash: `h${i}`,
    strategy_yaml: `name: p_${i}`,
    hypothesis: `idea ${i}`,
    training_op_id: null,
    model_id: `p_${i}@1`,
    metrics: { oos_sharpe: i / 10 },
    gates: [],
    verdict: 'weak_signal',
    rationale: '',
    next_hypotheses: [],
    stage: null,
    usage: { input_tokens: 0, output_tokens: 0, requests: 0 },
    error: null,
    created_at: '',
    updated_at: '',
    finished_at: 'x',
    lockbox: null,
    ...over,
  };
}

describe('journal summary for the designer', () => {
  it('best by out-of-sample Sharpe, recent first, rejected with reasons, every hash tried', () => {
    const cycles = [
      cycle(1, { metrics: { oos_sharpe: 0.9 } }),
      cycle(2, {
        state: 'gate_rejected_training',
        metrics: { oos_sharpe: -0.2 },
        gates: [
          {
            gate: 'training',
            passed: false,
            checks: [{ name: 'accuracy', passed: false, value: 0.3, threshold: 0.45, reason: 'accuracy_below_threshold (30% < 45%)' }],
            evaluated_at: '',
          },
        ],
      }),
      cycle(3, { metrics: { oos_sharpe: 0.4 } }),
      cycle(4, { state: 'training', finished_at: null, model_id: null, metrics: null }),
    ];
    const j = summarizeJournal(cycles);
    expect(j.best.map((e) => e.cycle_id)).toEqual(['rc_1', 'rc_3', 'rc_2']);
    expect(j.recent.map((e) => e.cycle_id)).toEqual(['rc_3', 'rc_2', 'rc_1']);
    expect(j.rejected).toHaveLength(1);
    expect(j.rejected[0]!.rejection_reasons).toEqual(['training: accuracy_below_threshold (30% < 45%)']);
    expect(j.tried_hashes).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(j.total_trials).toBe(3);
  });
});
