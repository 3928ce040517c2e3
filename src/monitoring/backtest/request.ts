import type { FileAccess } from '../../config/access.js';
import { DomainError } from '../../domain/errors.js';
import type { Strategy } from '../../domain/strategy.js';
import type { LoadOptions } from '../../pipeline/data/index.js';
import { parseRangeBound } from '../../pipeline/data/timestamp.js';
import { applyOverrides, type TrainingOverrides } from '../../pipeline/train-pipeline.js';
import type { PipelineProgress } from '../../pipeline/result.js';
import type { BacktestMetrics } from './metrics.js';
import type { SegmentBacktest } from './segment.js';
import type { Spread, WalkForwardOptions } from './walk-forward-plan.js';

export const backtestModes = ['test_segment', 'data', 'walk_forward'] as const;
export type BacktestMode = (typeof backtestModes)[number];

/** What a backtest job needs to know about the model; plain data (it crosses the thread boundary). */
export interface BacktestRequest {
  mode: BacktestMode;
  model_id: string;
  /** The registered artifact folder (read only: model versions are immutable). */
  model_dir: string;
  /** How the model was trained: its data spec, the run's overrides, the data hash and the backtest recorded then. */
  training: { data: string; overrides: TrainingOverrides; data_hash: string; backtest: Record<string, unknown> | null };
  /** Data spec for `data` and `walk_forward` (walk-forward defaults to the training data). */
  data?: string | undefined;
  /** Which files `data` may name (the caller's; an MCP client's roots). The model's own training data is the registry's record: read as recorded. */
  access?: FileAccess | undefined;
  from?: string | undefined;
  to?: string | undefined;
  walk_forward?: (WalkForwardOptions & { epochs?: number | undefined }) | undefined;
}

export interface BacktestDeps {
  dataDir: string;
  /** The registry database, for `store:` data specs. */
  storeFile?: string | undefined;
  cwd: string;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: PipelineProgress) => void) | undefined;
  progressEveryBatches?: number | undefined;
  now?: (() => number) | undefined;
}

export interface WalkForwardWindowReport {
  window: number;
  /** Training and validation samples (validation is the end of the window's training part, for early stopping). */
  train: { from: string; to: string; samples: number };
  test: { from: string; to: string; samples: number };
  epochs_run: number;
  test_accuracy: number;
  strategy: BacktestMetrics;
  buy_and_hold: BacktestMetrics;
}

export interface WalkForwardReport {
  scheme: 'expanding' | 'rolling';
  test_bars: number;
  purge_gap: number;
  min_train_bars: number;
  epochs: number;
  windows: WalkForwardWindowReport[];
  spread: Record<'strategy' | 'buy_and_hold', Record<'sharpe' | 'total_return' | 'max_drawdown' | 'win_rate', Spread>>;
}

/** The full report of one backtest job (report.json); the equity curve goes to equity.json. */
export interface BacktestRun extends SegmentBacktest {
  kind: 'backtest';
  model_id: string;
  mode: BacktestMode;
  data: { source: string; symbols: string[]; timeframe: string; bars: number; data_hash: string };
  /** The bars traded out of sample. */
  traded: { from: string; to: string; predictions: number };
  /** test_segment: the figures recorded at training, and whether this run reproduces them. */
  training_backtest: { sharpe: number; total_return: number; trade_count: number; matches: boolean } | null;
  walk_forward: WalkForwardReport | null;
  seconds: number;
}

export const isBacktestRun = (r: unknown): r is BacktestRun => (r as { kind?: unknown } | null)?.kind === 'backtest';

/** ISO date-time of a bar timestamp (ms). */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

/** First and last timestamp (ISO) of a sample set's rows; empty strings when it has none. */
export function timeSpan(set: { time: Float64Array; rows: number }): { from: string; to: string } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < set.rows; r++) {
    lo = Math.min(lo, set.time[r]!);
    hi = Math.max(hi, set.time[r]!);
  }
  return set.rows ? { from: isoTime(lo), to: isoTime(hi) } : { from: '', to: '' };
}

/** A from/to bound as a timestamp (`to` as a bare date covers its whole day); a clear error when it is not a date. */
export function rangeBound(raw: string | undefined, name: 'from' | 'to'): number {
  if (raw === undefined || raw.trim() === '') return name === 'to' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const t = parseRangeBound(raw, name === 'to');
  if (t === undefined)
    throw new DomainError('INVALID_ARGUMENT', `${name} "${raw}" is not an ISO date; use e.g. 2015-01-31 or 2015-01-31T14:30:00Z.`, {
      [name]: raw,
    });
  return t;
}

/**
 * The strategy as the model was trained and the data a mode loads. test_segment: exactly the
 * training run's data (spec, symbols, dates, timeframe). data: every symbol of the given spec at the
 * trained timeframe, with no date filter (indicators warm up on the bars before `from`; the caller
 * trades from..to). walk_forward: the given spec (default: the training data) within from..to,
 * with the epochs override when given.
 */
export function backtestData(req: BacktestRequest, yamlStrategy: Strategy): { strategy: Strategy; spec: string; load: LoadOptions } {
  const o = req.training.overrides;
  const trained = applyOverrides(yamlStrategy, o);
  if (req.mode === 'test_segment') {
    const d = trained.data;
    return { strategy: trained, spec: req.training.data, load: { symbols: d.symbols, from: d.from, to: d.to, timeframe: d.timeframe } };
  }
  if (req.mode === 'data') {
    if (!req.data) throw new DomainError('INVALID_ARGUMENT', 'mode "data" needs a data spec (data: "sample:sp500", "csv:<path>", ...).');
    return { strategy: trained, spec: req.data, load: { timeframe: trained.data.timeframe, access: req.access } };
  }
  const strategy = applyOverrides(trained, { epochs: req.walk_forward?.epochs });
  const own = req.data === undefined;
  return {
    strategy,
    spec: req.data ?? req.training.data,
    load: {
      symbols: own ? trained.data.symbols : undefined,
      from: req.from ?? (own ? trained.data.from : undefined),
      to: req.to ?? (own ? trained.data.to : undefined),
      timeframe: trained.data.timeframe,
      access: own ? undefined : req.access,
    },
  };
}
