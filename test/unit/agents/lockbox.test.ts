import { describe, expect, it } from 'vitest';
import { lockboxGate, planLockbox } from '../../../src/agents/lockbox.js';
import { loadConfig } from '../../../src/config/load.js';
import { createRng } from '../../../src/pipeline/random.js';

const RULES = loadConfig({ argv: { home: '/tmp/unused' }, env: {} }).research.lockbox;
const files = { dataDir: 'data', cwd: process.cwd() };

/** The figures the lockbox rule reads, from per-bar returns with a given annualised Sharpe. */
function figures(sharpe: number, bars: number, seed: number) {
  const rng = createRng(seed);
  const r = Float64Array.from({ length: bars }, () => (sharpe / Math.sqrt(252)) * 0.01 + 0.01 * rng.normal());
  let m = 0;
  for (const v of r) m += v / bars;
  let v2 = 0;
  for (const v of r) v2 += (v - m) ** 2 / (bars - 1);
  let eq = 1;
  let peak = 1;
  let dd = 0;
  for (const v of r) {
    eq *= 1 + v;
    peak = Math.max(peak, eq);
    dd = Math.max(dd, 1 - eq / peak);
  }
  const perBar = m / Math.sqrt(v2);
  return { sharpe: perBar * Math.sqrt(252), sharpe_per_period: perBar, trade_count: 40, max_drawdown: dd, bars };
}

describe('the lockbox', () => {
  it('holds out the last 20% of the distinct bar times, or says why there is none', async () => {
    const { plan, note } = await planLockbox('synthetic:seed=1,bars=1000,symbols=2', RULES, files);
    expect(note).toBeNull();
    expect(plan!.bars).toBe(200);
    expect(Date.parse(plan!.train_to)).toBeLessThan(Date.parse(plan!.from));
    const short = await planLockbox('synthetic:seed=1,bars=200', RULES, files);
    expect(short.plan).toBeNull();
    expect(short.note).toMatch(/lockbox off: 20% of 200 bars is 40, under research.lockbox.min_bars 60/);
    expect((await planLockbox('sample:sp500', { ...RULES, fraction: 0 }, files)).note).toMatch(/lockbox off/);
  });

  it('lets through about 5% of models with no edge and nearly every Sharpe-2 edge (1,200 bars, independent seeds)', () => {
    const now = new Date(0);
    let noise = 0;
    let edge = 0;
    const runs = 400;
    for (let s = 0; s < runs; s++) {
      if (lockboxGate(figures(0, 1200, s), null, RULES, 1, now).passed) noise++;
      if (lockboxGate(figures(2, 1200, 10_000 + s), null, RULES, 1, now).passed) edge++;
    }
    expect(noise / runs).toBeGreaterThan(0.02);
    expect(noise / runs).toBeLessThan(0.09);
    expect(edge / runs).toBeGreaterThan(0.95);
  });

  it('reports each check, and the optional shortfall against the test segment', () => {
    const lock = { sharpe: 0.4, sharpe_per_period: 0.4 / Math.sqrt(252), trade_count: 3, max_drawdown: 0.3, bars: 500 };
    const test = { sharpe: 3, sharpe_per_period: 3 / Math.sqrt(252), bars: 500 };
    const g = lockboxGate(lock, test, { ...RULES, max_shortfall_z: 1.645 }, 0.25, new Date(0));
    expect(g.passed).toBe(false);
    expect(g.checks.map((c) => c.reason.split(' ')[0])).toEqual([
      'lockbox_not_confirmed',
      'lockbox_too_few_trades',
      'lockbox_drawdown_above_threshold',
      'lockbox_falls_short',
    ]);
    expect(lockboxGate(lock, test, RULES, 0.25, new Date(0)).checks).toHaveLength(3);
  });
});
