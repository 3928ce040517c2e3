import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import type { BacktestMetrics } from '../monitoring/backtest/metrics.js';
import type { BacktestRun } from '../monitoring/backtest/request.js';
import { renameDurably } from '../config/durable-fs.js';

export const REPORT_FILE = 'report.json';
export const EQUITY_FILE = 'equity.json';

const FIGURES = [
  'total_return',
  'annualized_return',
  'sharpe',
  'sortino',
  'max_drawdown',
  'calmar',
  'win_rate',
  'profit_factor',
  'trade_count',
  'exposure',
] as const;

type Figures = Record<(typeof FIGURES)[number], number | null>;

/** What a completed backtest operation records as its result: the headline figures and where the files are. */
export interface BacktestSummary extends Record<string, unknown> {
  model_id: string;
  mode: BacktestRun['mode'];
  data: string;
  traded: BacktestRun['traded'];
  strategy: Figures;
  buy_and_hold: Figures;
  /** test_segment: whether the figures reproduce those recorded at training. */
  matches_training: boolean | null;
  windows: number | null;
  /** Walk-forward: spread of the per-window Sharpe ratios. */
  window_sharpe: { mean: number | null; std: number | null; min: number | null; max: number | null } | null;
  report_path: string;
  equity_path: string;
}

/** JSON has no Infinity or NaN: such a figure (a profit factor with no losing trade) is null. */
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function figures(m: BacktestMetrics): Figures {
  return Object.fromEntries(FIGURES.map((k) => [k, finite(m[k])])) as Figures;
}

/**
 * Backtest reports under `<home>/backtests/<operation_id>/` (report.json + equity.json). A folder
 * is written whole or not at all: a hidden temporary folder renamed into place. Nothing under
 * models/ is ever touched (model versions are immutable).
 */
export function createBacktestStore(dir: string) {
  return {
    dir,
    folderOf: (operationId: string): string => path.join(dir, operationId),

    write(operationId: string, run: BacktestRun): BacktestSummary {
      const target = path.join(dir, operationId);
      if (fs.existsSync(target))
        throw new DomainError('CONFLICT', `Backtest folder ${target} already exists; reports are never overwritten.`, {
          operation_id: operationId,
        });
      fs.mkdirSync(dir, { recursive: true });
      const tmp = path.join(dir, `.tmp-${operationId}-${randomBytes(4).toString('hex')}`);
      const { equity_curve, ...report } = run;
      try {
        fs.mkdirSync(tmp);
        fs.writeFileSync(path.join(tmp, REPORT_FILE), JSON.stringify({ operation_id: operationId, ...report }, null, 2) + '\n');
        fs.writeFileSync(path.join(tmp, EQUITY_FILE), JSON.stringify(equity_curve) + '\n');
        renameDurably(tmp, target);
      } catch (err) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw err;
      }
      const wf = run.walk_forward;
      const sharpe = wf?.spread.strategy.sharpe;
      return {
        model_id: run.model_id,
        mode: run.mode,
        data: run.data.source,
        traded: run.traded,
        strategy: figures(run.strategy),
        buy_and_hold: figures(run.buy_and_hold),
        matches_training: run.training_backtest?.matches ?? null,
        windows: wf ? wf.windows.length : null,
        window_sharpe: sharpe
          ? { mean: finite(sharpe.mean), std: finite(sharpe.std), min: finite(sharpe.min), max: finite(sharpe.max) }
          : null,
        report_path: path.join(target, REPORT_FILE),
        equity_path: path.join(target, EQUITY_FILE),
      };
    },

    /** The full report of a completed backtest operation. */
    read(operationId: string): BacktestRun & { operation_id: string } {
      const file = path.join(dir, operationId, REPORT_FILE);
      if (!fs.existsSync(file))
        throw new DomainError(
          'OPERATION_NOT_FOUND',
          `No backtest report for ${operationId} (${file} missing). Call get_status to see how it ended.`,
        );
      const report = JSON.parse(fs.readFileSync(file, 'utf8')) as BacktestRun & { operation_id: string };
      report.equity_curve = JSON.parse(fs.readFileSync(path.join(dir, operationId, EQUITY_FILE), 'utf8')) as BacktestRun['equity_curve'];
      return report;
    },

    /** Half-written temporary folders (a crash while writing), for start-up recovery. */
    tempFolders(): string[] {
      return fs.existsSync(dir)
        ? fs
            .readdirSync(dir)
            .filter((n) => n.startsWith('.tmp-'))
            .map((n) => path.join(dir, n))
        : [];
    },
  };
}

export type BacktestStore = ReturnType<typeof createBacktestStore>;
