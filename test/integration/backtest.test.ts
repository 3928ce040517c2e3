import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli.js';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM, modelFolders, tempServices } from '../helpers/services.js';

const DATA = 'synthetic:seed=1,bars=1500,signal=0.3';

interface Summary {
  operation_id: string;
  type: string;
  status: string;
  error: { code: string; message: string } | null;
  result: Record<string, unknown> & {
    strategy: Record<string, number | null>;
    buy_and_hold: Record<string, number | null>;
    report_path: string;
    equity_path: string;
  };
}

/** Runs the CLI in-process on the test's state directory; returns the exit code and both streams. */
async function cli(args: string[], home: string) {
  return cliInProcess([...args, '--home', home]);
}

/** Every file under a folder with its content, to prove a model folder never changes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]),
  );
}

describe('run_backtest through a real MCP client', () => {
  const { services, home } = tempServices();
  const backtests = path.join(home, 'backtests');
  let mcp: Awaited<ReturnType<typeof connectClient>>;
  let modelDir: string;
  let before: Record<string, string>;

  beforeAll(async () => {
    mcp = await connectClient(services);
    const r = await mcp.call(
      'start_training',
      { strategy: MOMENTUM, data: DATA, overrides: { epochs: 2 }, wait_seconds: 120 },
      { timeout: 120_000 },
    );
    expect((r.structuredContent as { status: string }).status).toBe('completed');
    modelDir = services.registry.models.get('momentum_test@1').artifact_path;
    before = snapshot(modelDir);
  }, 120_000);
  afterAll(async () => {
    await mcp.close();
    await services.close();
  });

  const backtestRows = () => services.registry.operations.list({ limit: 100 }).filter((o) => o.type === 'backtest');

  it('replays the test segment the model was trained on: the figures match those recorded at training', async () => {
    const r = await mcp.call('run_backtest', { model_id: 'momentum_test@1', wait_seconds: 60 }, { timeout: 60_000 });
    expect(r.isError, text(r)).toBeFalsy();
    const op = r.structuredContent as unknown as Summary;
    expect(op).toMatchObject({ type: 'backtest', status: 'completed', result: { mode: 'test_segment', matches_training: true } });
    const recorded = services.registry.models.get('momentum_test@1').metrics.backtest as { strategy: Record<string, number> };
    for (const k of ['total_return', 'sharpe', 'max_drawdown', 'win_rate', 'trade_count', 'exposure'] as const)
      expect(op.result.strategy[k], k).toBeCloseTo(recorded.strategy[k]!, 10);
    const report = JSON.parse(fs.readFileSync(op.result.report_path, 'utf8')) as { strategy: { bars: number }; traded: { from: string } };
    const trained = JSON.parse(fs.readFileSync(path.join(modelDir, 'result.json'), 'utf8')) as {
      data_summary: { split_boundaries: { test_start: string } };
    };
    expect(report.traded.from.slice(0, 10)).toBe(trained.data_summary.split_boundaries.test_start);
    expect(path.dirname(op.result.report_path)).toBe(path.join(backtests, op.operation_id));
    const equity = JSON.parse(fs.readFileSync(op.result.equity_path, 'utf8')) as { strategy: number[]; buy_and_hold: number[] };
    expect(equity.strategy.length).toBe(report.strategy.bars);
    // get_status shows the backtest and its result, with no training gate.
    const status = (await mcp.call('get_status', { operation_id: op.operation_id })).structuredContent as {
      operation: Summary;
      training_gate: unknown;
    };
    expect(status.operation).toMatchObject({ type: 'backtest', status: 'completed', result: { model_id: 'momentum_test@1' } });
    expect(status.training_gate).toBeNull();
  });

  it('trades any data spec between from and to against buy-and-hold', async () => {
    const r = await mcp.call(
      'run_backtest',
      { model_id: 'momentum_test@1', data: 'synthetic:seed=9,bars=900,symbols=2', from: '2011-06-01', to: '2012-12-31', wait_seconds: 60 },
      { timeout: 60_000 },
    );
    expect(r.isError, text(r)).toBeFalsy();
    const op = r.structuredContent as unknown as Summary;
    expect(op).toMatchObject({ status: 'completed', result: { mode: 'data', matches_training: null } });
    const traded = op.result['traded'] as { from: string; to: string; predictions: number };
    expect(traded.from >= '2011-06-01').toBe(true);
    expect(traded.to < '2013-01-01').toBe(true);
    expect(op.result.buy_and_hold['total_return']).not.toBeNull();
    expect(text(r)).toMatch(/strategy return -?[\d.]+%, Sharpe -?[\d.]+.*buy-and-hold return/);
  });

  it('walks forward: retrains per window, reports aggregate and per-window figures, registers nothing', async () => {
    const progress: { message?: string }[] = [];
    const r = await mcp.call(
      'run_backtest',
      { model_id: 'momentum_test@1', walk_forward: { windows: 2, min_train_bars: 300, epochs: 1 }, wait_seconds: 90 },
      { timeout: 90_000, onprogress: (p) => progress.push(p) },
    );
    expect(r.isError, text(r)).toBeFalsy();
    const op = r.structuredContent as unknown as Summary;
    expect(op).toMatchObject({ status: 'completed', result: { mode: 'walk_forward', windows: 2 } });
    expect(progress.some((p) => /window 2\/2/.test(p.message ?? ''))).toBe(true);
    const report = JSON.parse(fs.readFileSync(op.result.report_path, 'utf8')) as {
      strategy: { bars: number };
      walk_forward: {
        purge_gap: number;
        windows: { train: { to: string }; test: { from: string; to: string; samples: number }; epochs_run: number }[];
        spread: { strategy: { sharpe: { mean: number; std: number; min: number; max: number } } };
      };
    };
    const [w1, w2] = report.walk_forward.windows;
    expect(report.walk_forward.purge_gap).toBe(5);
    expect(w1!.epochs_run).toBe(1);
    // Training ends before its test part starts; the test parts follow each other.
    expect(w1!.train.to < w1!.test.from).toBe(true);
    expect(w1!.test.to < w2!.test.from).toBe(true);
    const s = report.walk_forward.spread.strategy.sharpe;
    expect(s.min).toBeLessThanOrEqual(s.mean);
    expect(s.max).toBeGreaterThanOrEqual(s.mean);
    expect(modelFolders(home)).toEqual(['momentum_test@1']);
    expect(services.registry.models.list({}).map((m) => m.model_id)).toEqual(['momentum_test@1']);
  });

  it('rejects bad input with a clear error and leaves no row or file behind', async () => {
    const rows = backtestRows().length;
    const folders = fs.readdirSync(backtests).sort();
    const unknown = await mcp.call('run_backtest', { model_id: 'nope@3' });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toMatch(/No model 'nope@3'.*list_models/);
    const spec = await mcp.call('run_backtest', { model_id: 'momentum_test@1', data: 'ftp:whatever' });
    expect(spec.isError).toBe(true);
    expect(text(spec)).toMatch(/ftp:whatever/);
    const few = await mcp.call('run_backtest', {
      model_id: 'momentum_test@1',
      data: 'synthetic:seed=2,bars=400',
      walk_forward: { windows: 3, min_train_bars: 250 },
    });
    expect(few.isError).toBe(true);
    expect(text(few)).toMatch(/windows=3.*min_train_bars=250.*Lower walk_forward\.windows/);
    const segment = await mcp.call('run_backtest', { model_id: 'momentum_test@1', mode: 'test_segment', from: '2012-01-01' });
    expect(text(segment)).toMatch(/test_segment.*do not apply/);
    expect(backtestRows().length).toBe(rows);
    expect(fs.readdirSync(backtests).sort()).toEqual(folders);
  });

  it('trainyard backtest prints strategy against buy-and-hold; bad input exits 1 or 2 with the reason', async () => {
    const ok = await cli(['backtest', 'momentum_test@1'], home);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/queued op_\w+/);
    expect(ok.stdout).toMatch(/Backtest of momentum_test@1 on its own test segment/);
    for (const row of [
      'total return',
      'annual return',
      'Sharpe',
      'Sortino',
      'max drawdown',
      'Calmar',
      'win rate',
      'profit factor',
      'trades',
      'exposure',
    ])
      expect(ok.stdout).toMatch(new RegExp(`\\n  ${row} +\\S+ +\\S+\\n`));
    expect(ok.stdout).toMatch(/reproduces the backtest recorded at training/);
    const missing = await cli(['backtest', 'nope@1'], home);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/MODEL_NOT_FOUND.*nope@1/);
    const usage = await cli(['backtest', 'momentum_test@1', '--windows', '3'], home);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--windows needs --walk-forward expanding\|rolling/);
  });

  it('cancels a walk-forward job mid-training: it ends cancelled and leaves no folder', async () => {
    const r = await mcp.call('run_backtest', {
      model_id: 'momentum_test@1',
      walk_forward: { windows: 3, min_train_bars: 200, epochs: 200 },
    });
    const id = (r.structuredContent as unknown as Summary).operation_id;
    await new Promise<void>((resolve) => {
      const off = services.jobs.subscribe(id, (e) => {
        if (e.type === 'progress' && e.progress.phase === 'model_training' && e.progress.epoch !== undefined) {
          off();
          resolve();
        }
      });
    });
    const cancel = await mcp.call('cancel_training', { operation_id: id, reason: 'enough' });
    expect(cancel.structuredContent).toMatchObject({ status: 'cancelled', type: 'backtest' });
    expect(fs.readdirSync(backtests).filter((f) => f.includes(id))).toEqual([]);
    // Nothing in the model's folder ever changed.
    expect(snapshot(modelDir)).toEqual(before);
  });
});
