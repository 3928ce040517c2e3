import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestMetrics, simulate } from '../../../src/monitoring/backtest/index.js';
import type { BacktestRun } from '../../../src/monitoring/backtest/request.js';
import { createBacktestStore } from '../../../src/services/backtest-store.js';

function run(): BacktestRun {
  const prices = { open: Float64Array.from([100, 101, 103, 104]), close: Float64Array.from([100, 102, 104, 105]) };
  // One winning trade and no loser: profit factor is Infinity, which JSON cannot hold.
  const m = backtestMetrics(simulate(prices, Int8Array.from([1, 1, 0, 0]), { cost_bps: 0, slippage_bps: 0 }), 252);
  return {
    kind: 'backtest',
    model_id: 'm@1',
    mode: 'data',
    data: { source: 'synthetic:seed=1', symbols: ['SYN1'], timeframe: '1d', bars: 4, data_hash: 'h' },
    traded: { from: '2010-01-01T00:00:00.000Z', to: '2010-01-06T00:00:00.000Z', predictions: 4 },
    strategy: m,
    buy_and_hold: m,
    per_symbol: [],
    periods_per_year: 252,
    equity_curve: { time: ['2010-01-01'], strategy: [1], buy_and_hold: [1] },
    training_backtest: null,
    walk_forward: null,
    seconds: 0.1,
  };
}

describe('backtest store', () => {
  it('writes report.json and equity.json whole, never overwrites, and summarises with JSON-safe figures', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ty-bt-')), 'backtests');
    const store = createBacktestStore(dir);
    const summary = store.write('op_1_ab', run());
    expect(summary.strategy.profit_factor).toBeNull();
    expect(summary.strategy.trade_count).toBe(1);
    expect(fs.readdirSync(path.join(dir, 'op_1_ab')).sort()).toEqual(['equity.json', 'report.json']);
    const back = store.read('op_1_ab');
    expect(back).toMatchObject({ operation_id: 'op_1_ab', model_id: 'm@1', equity_curve: { strategy: [1] } });
    expect(() => store.write('op_1_ab', run())).toThrow(/already exists; reports are never overwritten/);
    expect(fs.readdirSync(dir)).toEqual(['op_1_ab']);
    expect(store.tempFolders()).toEqual([]);
    expect(() => store.read('op_2_cd')).toThrow(/No backtest report for op_2_cd/);
  });

  it('a write that fails half-way leaves no folder, and leftovers of a crash are listed for recovery', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ty-bt-')), 'backtests');
    const store = createBacktestStore(dir);
    const bad = { ...run(), per_symbol: [{ toJSON: () => 1n }] } as unknown as BacktestRun;
    expect(() => store.write('op_3_ef', bad)).toThrow(/BigInt/);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.mkdirSync(path.join(dir, '.tmp-op_4_aa-1234'));
    expect(store.tempFolders()).toEqual([path.join(dir, '.tmp-op_4_aa-1234')]);
  });
});
