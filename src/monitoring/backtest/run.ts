import { cancelledError, DomainError } from '../../domain/errors.js';
import { loadArtifacts, type LoadedArtifacts } from '../../pipeline/artifacts/store.js';
import { loadMarketData, type Bars, type MarketData } from '../../pipeline/data/index.js';
import { assembleSamples, subset, type SampleSet } from '../../pipeline/dataset/assemble.js';
import { applyScaler } from '../../pipeline/dataset/scaler.js';
import { assertDataFits, buildFeaturesMulti } from '../../pipeline/features/index.js';
import { strategySplit } from '../../pipeline/fit-model.js';
import { predictProba } from '../../pipeline/model/predict.js';
import { parseStrategy } from '../../pipeline/strategy-source.js';
import { backtestData, rangeBound, timeSpan, type BacktestDeps, type BacktestRequest, type BacktestRun } from './request.js';
import { backtestSegment, type Predictions, type SegmentBacktest } from './segment.js';
import { runWalkForward } from './walk-forward.js';

/** Bars of each symbol up to (and including) `hi`. */
export function barsUntil(series: Bars[], hi: number): Bars[] {
  if (!Number.isFinite(hi)) return series;
  return series.map((b) => {
    let end = 0;
    while (end < b.time.length && b.time[end]! <= hi) end++;
    if (end === b.time.length) return b;
    const cut = (a: Float64Array) => a.subarray(0, end);
    return { ...b, time: cut(b.time), open: cut(b.open), high: cut(b.high), low: cut(b.low), close: cut(b.close), volume: cut(b.volume) };
  });
}

async function predictSet(art: LoadedArtifacts, set: SampleSet): Promise<Predictions> {
  const cols = art.features.names.length;
  if (set.cols !== cols || set.names.some((n, j) => n !== art.features.names[j]))
    throw new DomainError(
      'ARTIFACT_INVALID',
      `The model's ${cols} features (${art.features.names.slice(0, 4).join(', ')}, ...) do not match the strategy's ${set.cols}; its artifacts are inconsistent. Retrain the model.`,
    );
  const probs = await predictProba(art.model, applyScaler(art.features.scaler, set.x, set.rows, set.cols), set.rows, set.cols);
  return { symbol: set.symbol, bar: set.bar, probs };
}

function dataSummary(data: MarketData): BacktestRun['data'] {
  return {
    source: data.source,
    symbols: data.series.map((s) => s.symbol),
    timeframe: data.timeframe,
    bars: data.series.reduce((n, s) => n + s.time.length, 0),
    data_hash: data.hash,
  };
}

function tradedPeriod(set: { time: Float64Array; rows: number }): BacktestRun['traded'] {
  return { ...timeSpan(set), predictions: set.rows };
}

function noTrades(what: string): DomainError {
  return new DomainError('INSUFFICIENT_DATA', `${what} leaves no bar to trade (each symbol needs at least 2 bars with predictions).`);
}

const close = (a: number, b: unknown) => typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

/**
 * Runs one backtest job: the model's own test segment (exactly the bars its training run tested on),
 * the model on any data, or walk-forward retraining of its strategy. Reads the artifact folder,
 * writes nothing (the caller stores the report). The TensorFlow.js backend must be initialised.
 */
export async function runBacktest(req: BacktestRequest, deps: BacktestDeps): Promise<BacktestRun> {
  const now = deps.now ?? (() => performance.now());
  const t0 = now();
  const emit = deps.onProgress ?? (() => undefined);
  const checkCancel = () => {
    if (deps.signal?.aborted) throw cancelledError(deps.signal.reason);
  };
  emit({ phase: 'data_preparation', progress_pct: 0, message: `loading ${req.model_id}` });
  const art = await loadArtifacts(req.model_dir);
  try {
    const { strategy, spec, load } = backtestData(req, parseStrategy(art.strategyYaml, 'strategy.yaml').strategy);
    emit({ phase: 'data_preparation', progress_pct: 2, message: `loading ${spec}` });
    const data = await loadMarketData(spec, { ...load, cwd: deps.cwd, dataDir: deps.dataDir, storeFile: deps.storeFile });
    checkCancel();
    const base = { kind: 'backtest' as const, model_id: req.model_id, mode: req.mode, data: dataSummary(data) };
    const finish = (seg: SegmentBacktest | null, traded: BacktestRun['traded'], extra: Partial<BacktestRun> = {}): BacktestRun => {
      if (!seg) throw noTrades(`The ${req.mode.replace('_', ' ')} backtest of ${req.model_id} on ${spec}`);
      emit({ phase: 'validation', progress_pct: 95, message: `strategy Sharpe ${seg.strategy.sharpe.toFixed(2)}` });
      return { ...base, ...seg, traded, training_backtest: null, walk_forward: null, ...extra, seconds: (now() - t0) / 1000 };
    };

    if (req.mode === 'walk_forward') {
      const wf = await runWalkForward(strategy, data, req.walk_forward!, { ...deps, emit });
      return finish(wf.aggregate, wf.traded, { walk_forward: wf.report });
    }

    emit({ phase: 'feature_engineering', progress_pct: 10, message: `computing features over ${base.data.bars} bars` });
    if (req.mode === 'test_segment') {
      if (data.hash !== req.training.data_hash)
        throw new DomainError(
          'INVALID_DATA',
          `The data behind "${spec}" changed since ${req.model_id} was trained (hash ${data.hash.slice(0, 12)} vs ${req.training.data_hash.slice(0, 12)}), so its test segment cannot be reproduced. Backtest it on the current data instead (mode "data" with data "${spec}").`,
          { data: spec },
        );
      const { split } = strategySplit(strategy, data);
      checkCancel();
      emit({ phase: 'validation', progress_pct: 50, message: `trading ${split.test.rows} test bars` });
      const seg = backtestSegment(data.series, await predictSet(art, split.test), strategy.decisions, data.timeframe);
      const recorded = req.training.backtest?.['strategy'] as Record<string, unknown> | undefined;
      const training_backtest =
        seg && recorded
          ? {
              sharpe: Number(recorded['sharpe']),
              total_return: Number(recorded['total_return']),
              trade_count: Number(recorded['trade_count']),
              matches:
                close(seg.strategy.sharpe, recorded['sharpe']) &&
                close(seg.strategy.total_return, recorded['total_return']) &&
                seg.strategy.trade_count === recorded['trade_count'],
            }
          : null;
      return finish(seg, tradedPeriod(split.test), { training_backtest });
    }

    // mode "data": every bar with all features defined inside from..to (labels are not needed).
    const lo = rangeBound(req.from, 'from');
    const hi = rangeBound(req.to, 'to');
    assertDataFits(strategy, data);
    const features = buildFeaturesMulti(strategy, data.series);
    const all = assembleSamples(
      data.series,
      features,
      data.series.map((b) => new Int8Array(b.time.length)),
    );
    const keep: number[] = [];
    for (let r = 0; r < all.rows; r++) if (all.time[r]! >= lo && all.time[r]! <= hi) keep.push(r);
    if (keep.length === 0)
      throw new DomainError(
        'INSUFFICIENT_DATA',
        `No bar of ${spec} from ${req.from ?? 'the start'} to ${req.to ?? 'the end'} has every feature defined (the strategy needs ${features[0]?.warmup ?? 0} warm-up bars). Widen from/to or use more data.`,
        { data: spec, from: req.from, to: req.to },
      );
    const rows = keep.length === all.rows ? all : subset(all, Int32Array.from(keep));
    checkCancel();
    emit({ phase: 'validation', progress_pct: 50, message: `trading ${rows.rows} bars` });
    return finish(
      backtestSegment(barsUntil(data.series, hi), await predictSet(art, rows), strategy.decisions, data.timeframe),
      tradedPeriod(rows),
    );
  } finally {
    art.model.dispose();
  }
}
