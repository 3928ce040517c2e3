import { cancelledError } from '../../domain/errors.js';
import type { Strategy } from '../../domain/strategy.js';
import type { Bars, MarketData } from '../../pipeline/data/index.js';
import type { SampleSet } from '../../pipeline/dataset/assemble.js';
import { accuracyOf } from '../../pipeline/evaluate/metrics.js';
import { fitModel, prepareSamples } from '../../pipeline/fit-model.js';
import { argmaxRows, predictProba } from '../../pipeline/model/predict.js';
import type { PipelineProgress } from '../../pipeline/result.js';
import type { BacktestMetrics } from './metrics.js';
import { isoTime, timeSpan, type BacktestDeps, type BacktestRun, type WalkForwardReport, type WalkForwardWindowReport } from './request.js';
import { backtestSegment, type SegmentBacktest } from './segment.js';
import { planWindows, sampleInstants, spreadOf, windowSplit, type WalkForwardOptions } from './walk-forward-plan.js';

/** Bars of each symbol strictly before `end` (ms). */
function barsBefore(series: Bars[], end: number): Bars[] {
  if (!Number.isFinite(end)) return series;
  return series.map((b) => {
    let n = 0;
    while (n < b.time.length && b.time[n]! < end) n++;
    const cut = (a: Float64Array) => a.subarray(0, n);
    return { ...b, time: cut(b.time), open: cut(b.open), high: cut(b.high), low: cut(b.low), close: cut(b.close), volume: cut(b.volume) };
  });
}

function period(set: SampleSet): { from: string; to: string; samples: number } {
  return { ...timeSpan(set), samples: set.rows };
}

const FIGURES = ['sharpe', 'total_return', 'max_drawdown', 'win_rate'] as const;

function spreads(windows: WalkForwardWindowReport[], side: 'strategy' | 'buy_and_hold'): WalkForwardReport['spread']['strategy'] {
  return Object.fromEntries(
    FIGURES.map((k) => [k, spreadOf(windows.map((w) => (w[side] as BacktestMetrics)[k]))]),
  ) as WalkForwardReport['spread']['strategy'];
}

/**
 * Walk-forward validation: for each window, retrain the strategy (same YAML, same seed) on the
 * window's training part (purge gap before the test part, validation at its end for early
 * stopping), then trade its test part with that in-memory model. Nothing is registered. The
 * aggregate backtests the concatenated out-of-sample predictions as one run.
 */
export async function runWalkForward(
  strategy: Strategy,
  data: MarketData,
  opts: WalkForwardOptions,
  deps: BacktestDeps & { emit: (p: PipelineProgress) => void },
): Promise<{ aggregate: SegmentBacktest | null; traded: BacktestRun['traded']; report: WalkForwardReport }> {
  const { emit, signal } = deps;
  emit({ phase: 'feature_engineering', progress_pct: 5, message: 'computing features' });
  const { samples, horizon } = prepareSamples(strategy, data);
  const purge = strategy.training.purge_gap ?? horizon;
  const instants = sampleInstants(samples);
  const plan = planWindows(instants.length, purge, opts);
  const windows: WalkForwardWindowReport[] = [];
  const oos = { symbol: [] as number[], bar: [] as number[], probs: [] as Float32Array[] };
  let traded = { lo: Number.POSITIVE_INFINITY, hi: Number.NEGATIVE_INFINITY, n: 0 };
  for (const w of plan) {
    if (signal?.aborted) throw cancelledError(signal.reason);
    const split = windowSplit(samples, instants, w, { purge, validation_fraction: strategy.training.validation_fraction });
    const label = `window ${w.index + 1}/${plan.length}`;
    emit({
      phase: 'model_training',
      progress_pct: 10 + (85 * w.index) / plan.length,
      message: `${label}: training on ${split.train.rows} samples`,
    });
    const fitted = await fitModel(strategy, split, {
      signal,
      progressEveryBatches: deps.progressEveryBatches,
      now: deps.now,
      onProgress: (p) => {
        const done = (w.index + (p.epoch - 1 + p.batch / p.batches) / p.epochs) / plan.length;
        const { phase: _phase, epoch_end: _end, ...rest } = p;
        emit({
          phase: 'model_training',
          progress_pct: 10 + 85 * done,
          message: `${label} · epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(3)}`,
          ...rest,
        });
      },
    });
    try {
      const { test } = fitted;
      const probs = await predictProba(fitted.model, test.x, test.rows, test.cols);
      const end = w.test_end < instants.length ? instants[w.test_end]! : Number.POSITIVE_INFINITY;
      const seg = backtestSegment(
        barsBefore(data.series, end),
        { symbol: split.test.symbol, bar: split.test.bar, probs },
        strategy.decisions,
        data.timeframe,
      );
      if (!seg) continue;
      windows.push({
        window: w.index + 1,
        // The data the window learned from: its training part and the validation part after it.
        train: { from: period(split.train).from, to: period(split.validation).to, samples: split.train.rows + split.validation.rows },
        test: period(split.test),
        epochs_run: fitted.outcome.epochs_run,
        test_accuracy: accuracyOf(argmaxRows(probs), test.y),
        strategy: seg.strategy,
        buy_and_hold: seg.buy_and_hold,
      });
      for (let r = 0; r < split.test.rows; r++) {
        oos.symbol.push(split.test.symbol[r]!);
        oos.bar.push(split.test.bar[r]!);
      }
      oos.probs.push(probs);
      const p = period(split.test);
      traded = { lo: Math.min(traded.lo, Date.parse(p.from)), hi: Math.max(traded.hi, Date.parse(p.to)), n: traded.n + p.samples };
    } finally {
      fitted.model.dispose();
    }
  }
  const probs = new Float32Array(oos.probs.reduce((n, p) => n + p.length, 0));
  oos.probs.reduce((at, p) => (probs.set(p, at), at + p.length), 0);
  emit({ phase: 'validation', progress_pct: 95, message: `trading ${traded.n} out-of-sample bars` });
  const aggregate = backtestSegment(
    data.series,
    { symbol: Int32Array.from(oos.symbol), bar: Int32Array.from(oos.bar), probs },
    strategy.decisions,
    data.timeframe,
  );
  return {
    aggregate,
    traded: { from: traded.n ? isoTime(traded.lo) : '', to: traded.n ? isoTime(traded.hi) : '', predictions: traded.n },
    report: {
      scheme: opts.scheme,
      test_bars: plan[0] ? plan[0].test_end - plan[0].test_start : 0,
      purge_gap: purge,
      min_train_bars: opts.min_train_bars,
      epochs: strategy.training.epochs,
      windows,
      spread: { strategy: spreads(windows, 'strategy'), buy_and_hold: spreads(windows, 'buy_and_hold') },
    },
  };
}
