import type { FileAccess } from '../config/access.js';
import type { Config } from '../config/schema.js';
import type { GateResult, ModelVersion } from '../domain/model-version.js';
import type { LockboxResult, ResearchCycle } from '../domain/research.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import type { CycleDeps } from './cycle.js';
import { sharpeStandardError } from '../monitoring/deflated-sharpe.js';
import { loadMarketData } from '../pipeline/data/index.js';

/**
 * The lockbox: the most recent bars of a research run's data. Every cycle trains, is tested and is
 * judged on the bars before it; the designer's data summary ends before it; the journal, the
 * assessor and the selection gates never see it. A model that passes every gate trades it once
 * (next-bar-open execution, costs, indicators warmed up on the bars before), and goes to staging only
 * if it holds up there. Each such evaluation is a look, counted per run and per program: a lockbox
 * looked at often becomes one more test segment to select on.
 */
export interface LockboxPlan {
  /** First lockbox bar (ISO). */
  from: string;
  /** Last bar of the data (ISO). */
  to: string;
  /** Last bar before the lockbox: cycles train on data up to here (ISO). */
  train_to: string;
  /** Distinct bar times in the lockbox. */
  bars: number;
  fraction: number;
}

/** Where the lockbox starts, from the data's distinct bar times; null (with why) when it is off or the data too short. */
export type LockboxRules = Config['research']['lockbox'];

export async function planLockbox(
  spec: string,
  rules: LockboxRules,
  opts: { dataDir: string; cwd: string; storeFile?: string | undefined; access?: FileAccess | undefined },
): Promise<{ plan: LockboxPlan | null; note: string | null }> {
  if (rules.fraction <= 0) return { plan: null, note: 'lockbox off (research.lockbox.fraction 0)' };
  const data = await loadMarketData(spec, { dataDir: opts.dataDir, cwd: opts.cwd, storeFile: opts.storeFile, access: opts.access });
  let total = 0;
  for (const s of data.series) total += s.time.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const s of data.series) {
    all.set(s.time, k);
    k += s.time.length;
  }
  all.sort();
  let distinct = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[distinct++] = all[i]!;
  const times = all.subarray(0, distinct);
  const bars = Math.floor(times.length * rules.fraction);
  if (bars < rules.min_bars || times.length - bars < 2)
    return {
      plan: null,
      note: `lockbox off: ${(rules.fraction * 100).toFixed(0)}% of ${times.length} bars is ${bars}, under research.lockbox.min_bars ${rules.min_bars}`,
    };
  const cut = times.length - bars;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    plan: { from: iso(times[cut]!), to: iso(times[times.length - 1]!), train_to: iso(times[cut - 1]!), bars, fraction: rules.fraction },
    note: null,
  };
}

export interface LockboxFigures {
  sharpe: number;
  sharpe_per_period: number;
  trade_count: number;
  max_drawdown: number;
  bars: number;
}

/**
 * Holds up on the lockbox when it: confirms the edge on its own (Sharpe at least min_sharpe_z
 * standard errors above 0, Lo 2002), trades at least min_trades times, keeps the drawdown within
 * the backtest gate's, and, when max_shortfall_z is set, falls short of the test segment's Sharpe by
 * at most that many standard errors of the difference.
 */
export function lockboxGate(
  lock: LockboxFigures,
  test: { sharpe_per_period: number; sharpe: number; bars: number } | null,
  rules: Config['research']['lockbox'],
  maxDrawdown: number,
  now: Date,
): GateResult {
  const checks: GateResult['checks'] = [];
  const se = sharpeStandardError(lock.sharpe_per_period, lock.bars);
  const z = se > 0 ? lock.sharpe_per_period / se : 0;
  const confirmed = lock.sharpe > 0 && z >= rules.min_sharpe_z;
  checks.push({
    name: 'lockbox_sharpe',
    passed: confirmed,
    value: lock.sharpe,
    threshold: 0,
    z: +z.toFixed(3),
    n_eff: lock.bars,
    reason: confirmed
      ? `lockbox_sharpe_ok (${lock.sharpe.toFixed(2)} > 0, z ${z.toFixed(2)} >= ${rules.min_sharpe_z} over ${lock.bars} bars)`
      : lock.sharpe <= 0
        ? `lockbox_loses (Sharpe ${lock.sharpe.toFixed(2)} <= 0 over ${lock.bars} bars)`
        : `lockbox_not_confirmed (Sharpe ${lock.sharpe.toFixed(2)} but z ${z.toFixed(2)} < ${rules.min_sharpe_z} over ${lock.bars} bars: could be chance)`,
  });
  checks.push({
    name: 'lockbox_trades',
    passed: lock.trade_count >= rules.min_trades,
    value: lock.trade_count,
    threshold: rules.min_trades,
    reason:
      lock.trade_count >= rules.min_trades
        ? `lockbox_trades_ok (${lock.trade_count} >= ${rules.min_trades})`
        : `lockbox_too_few_trades (${lock.trade_count} < ${rules.min_trades})`,
  });
  checks.push({
    name: 'lockbox_drawdown',
    passed: lock.max_drawdown <= maxDrawdown,
    value: lock.max_drawdown,
    threshold: maxDrawdown,
    reason:
      lock.max_drawdown <= maxDrawdown
        ? `lockbox_drawdown_ok (${(lock.max_drawdown * 100).toFixed(0)}% <= ${(maxDrawdown * 100).toFixed(0)}%)`
        : `lockbox_drawdown_above_threshold (${(lock.max_drawdown * 100).toFixed(0)}% > ${(maxDrawdown * 100).toFixed(0)}%)`,
  });
  if (test && rules.max_shortfall_z !== null) {
    const seDiff = Math.sqrt(sharpeStandardError(test.sharpe_per_period, test.bars) ** 2 + se ** 2);
    const short = seDiff > 0 ? (test.sharpe_per_period - lock.sharpe_per_period) / seDiff : 0;
    const ok = short <= rules.max_shortfall_z;
    checks.push({
      name: 'lockbox_consistency',
      passed: ok,
      value: +short.toFixed(3),
      threshold: rules.max_shortfall_z,
      z: +short.toFixed(3),
      reason: ok
        ? `lockbox_consistent (Sharpe ${lock.sharpe.toFixed(2)} vs ${test.sharpe.toFixed(2)} on the test segment: shortfall ${short.toFixed(2)} se <= ${rules.max_shortfall_z})`
        : `lockbox_falls_short (Sharpe ${lock.sharpe.toFixed(2)} vs ${test.sharpe.toFixed(2)} on the test segment: shortfall ${short.toFixed(2)} se > ${rules.max_shortfall_z}; the test segment's figure was likely luck of the selection)`,
    });
  }
  return { gate: 'lockbox', passed: checks.every((c) => c.passed), checks, evaluated_at: now.toISOString() };
}

/** Cycles train up to the lockbox, or to the strategy's own earlier `data.to`. */
export function trainingEnd(yaml: string, lockbox: LockboxPlan): string {
  const own = parseStrategy(yaml).strategy.data.to;
  return own !== undefined && Date.parse(own) < Date.parse(lockbox.train_to) ? own : lockbox.train_to;
}

/**
 * The one look at the lockbox: the model trades the held-out bars (indicators warmed up on the bars
 * before them) and is judged by the lockbox rule; stored with the model (its card shows it) and with
 * the cycle, never in the journal, the assessment or the gates the designer reads.
 */
export async function evaluateLockbox(c: ResearchCycle, d: CycleDeps, model: ModelVersion, actor: string): Promise<LockboxResult> {
  if (c.lockbox) return c.lockbox; // resumed after the look: never look twice
  const lb = d.lockbox!;
  const run = await d.backtest(
    { model_id: model.model_id, data: d.data, from: lb.from },
    { actor: actor, parent_id: d.runId, signal: d.signal, access: d.access, onProgress: (p) => d.onPhase(c, `lockbox · ${p.message}`) },
  );
  const test = (model.metrics.backtest as { strategy?: Record<string, number> } | undefined)?.strategy;
  const testFigures =
    test && Number.isFinite(test['sharpe_per_period']) && Number.isFinite(test['bars'])
      ? { sharpe: test['sharpe']!, sharpe_per_period: test['sharpe_per_period']!, bars: test['bars']! }
      : null;
  const thresholds = d.gates.gatesFor(model).thresholds.backtest;
  const gate = lockboxGate(run.strategy, testFigures, d.research.lockbox, thresholds.max_drawdown, d.clock());
  d.registry.evaluations.recordGate(model.model_id, gate, {
    thresholds: { ...d.research.lockbox, max_drawdown: thresholds.max_drawdown, from: lb.from, to: lb.to },
    context: 'research',
    actor: actor,
  });
  return {
    from: run.traded.from || lb.from,
    to: run.traded.to || lb.to,
    bars: run.strategy.bars,
    sharpe: run.strategy.sharpe,
    trades: run.strategy.trade_count,
    max_drawdown: run.strategy.max_drawdown,
    total_return: run.strategy.total_return,
    test_sharpe: testFigures?.sharpe ?? null,
    passed: gate.passed,
    reasons: gate.checks.map((k) => k.reason),
    operation_id: run.operation_id,
  };
}
