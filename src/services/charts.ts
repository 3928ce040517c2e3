import fs from 'node:fs';
import path from 'node:path';
import { chartSpec, renderSpec, type ChartKind, type ChartSpec, type RenderedChart, type RenderOptions } from '../charts/index.js';
import { cycleSummary } from '../agents/summary.js';
import { programPbo } from '../agents/program-pbo.js';
import type { Config } from '../config/schema.js';
import { DomainError } from '../domain/errors.js';
import { deflatedSharpe } from '../monitoring/deflated-sharpe.js';
import type { ModelVersion } from '../domain/model-version.js';
import { LABEL_CLASSES } from '../domain/strategy.js';
import type { BacktestRun } from '../monitoring/backtest/request.js';
import type { DriftReport } from '../monitoring/drift-report.js';
import type { TrainingResult } from '../pipeline/result.js';
import type { EvaluationRow } from '../registry/predictions.js';
import type { Registry } from '../registry/index.js';
import type { StoredTrial } from '../registry/tuning-trials.js';
import type { Operation } from '../domain/operation.js';
import type { BacktestStore } from './backtest-store.js';

/** Charts a model version can have; `list` says which it has. */
export const MODEL_CHARTS = [
  'training_curves',
  'confusion_matrix',
  'feature_importance',
  'equity',
  'drawdown',
  'walk_forward',
  'drift',
  'drift_histograms',
  'performance',
  'research',
] as const satisfies readonly ChartKind[];
export type ModelChartName = (typeof MODEL_CHARTS)[number];

export interface ChartInfo {
  name: ModelChartName;
  title: string;
  /** Where the data comes from, e.g. "result.json", "backtest op_...", "drift report 2024-03-01". */
  source: string;
}

interface Deps {
  config: Config;
  registry: Registry;
  backtests: BacktestStore;
  /** Stored performance evaluations of a version, newest first. */
  performanceHistory: (modelId: string) => EvaluationRow[];
  /**
   * Renders a spec (Vega compile and layout, resvg): the task worker in the server, so a page or a
   * tool call that draws ten charts never holds the main thread for them (0.2-0.4 s measured);
   * default: on this thread.
   */
  renderer?: ((chart: ChartSpec, opts: RenderOptions) => Promise<RenderedChart>) | undefined;
  /**
   * A tuning run and its study's trials (services.tuning.status: running trials with their live
   * intermediate values); default: the run's operation row and the stored trials.
   */
  tuningStatus?: ((runId: string) => { run: Operation; trials: StoredTrial[] }) | undefined;
}

type Equity = BacktestRun['equity_curve'];
type Backtest = BacktestRun & { operation_id: string };

const readJson = <T>(file: string): T | null => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null; // archived (folder removed by retention) or written by an older trainyard
  }
};

/**
 * Charts of a model version from what trainyard already stores: its result.json (training curves,
 * confusion matrix, importance, the test-segment equity), its latest completed backtest, its
 * latest drift report, its live-performance evaluations and its research program. No MCP, no
 * HTTP: tools, the CLI report and a dashboard all call this.
 */
export function createChartService({ config, registry, backtests, performanceHistory, renderer = renderSpec, tuningStatus }: Deps) {
  const result = (m: ModelVersion) => readJson<TrainingResult>(path.join(m.artifact_path, 'result.json'));

  /** The newest completed backtest of a version (its walk-forward one with `walkForward`), full report; null when none. */
  function latestBacktest(modelId: string, walkForward = false): Backtest | null {
    for (const op of registry.operations.completedBacktests(modelId, 50)) {
      if (walkForward && op.params['mode'] !== 'walk_forward') continue;
      try {
        return backtests.read(op.id);
      } catch {
        continue; // report folder removed by hand: try an older one
      }
    }
    return null;
  }

  /** Equity to chart: the newest backtest's, else the test-segment curve recorded at training. */
  function equitySource(m: ModelVersion): { equity: Equity; source: string } | null {
    const bt = latestBacktest(m.model_id);
    if (bt?.equity_curve?.time?.length)
      return { equity: bt.equity_curve, source: `${bt.mode.replace('_', ' ')} backtest ${bt.operation_id} on ${bt.data.source}` };
    const own = readJson<Equity>(path.join(m.artifact_path, 'equity.json'));
    return own?.time?.length ? { equity: own, source: 'test segment at training' } : null;
  }

  /** The out-of-sample figures a registered model recorded at training (its test-segment backtest). */
  function backtestFigures(modelId: string): Record<string, number | undefined> | null {
    try {
      const b = registry.models.get(modelId).metrics.backtest as { strategy?: Record<string, number> } | undefined;
      return b?.strategy ?? null;
    } catch {
      return null;
    }
  }

  function research(program: string): ChartSpec {
    const cycles = registry.research.list({ program, limit: 10_000 });
    if (cycles.length === 0)
      throw new DomainError('OPERATION_NOT_FOUND', `No research program "${program}". list_experiments shows the programs.`, { program });
    const pbo = programPbo(registry, cycles);
    // Each trial's deflated Sharpe over the program's trials up to it (the promotion gate's formula,
    // Bailey & López de Prado 2014): the bar a trial must clear rises as the program tries more.
    const seen: number[] = [];
    const trials = [...cycles]
      .sort((a, b) => a.cycle_index - b.cycle_index)
      .map((c) => {
        const s = cycleSummary(c);
        const oos = c.model_id ? backtestFigures(c.model_id) : null;
        let dsr: number | null = null;
        if (oos && Number.isFinite(oos.sharpe_per_period)) {
          seen.push(oos.sharpe_per_period!);
          dsr = deflatedSharpe({
            sharpe: oos.sharpe_per_period!,
            observations: oos.bars ?? 0,
            skew: oos.skew ?? 0,
            kurtosis: oos.kurtosis ?? 3,
            trialSharpes: seen,
          }).dsr;
        }
        return {
          cycle_index: s.cycle_index,
          strategy_name: s.strategy_name,
          sharpe: s.backtest?.sharpe ?? null,
          deflated_sharpe: dsr ?? s.deflated_sharpe,
          passed: s.gates.length > 0 && s.gates.every((g) => g.passed),
        };
      });
    return chartSpec('research', {
      program,
      min_deflated_sharpe: config.gates.promotion.min_deflated_sharpe,
      pbo: pbo.pbo,
      pbo_note: pbo.note,
      trials,
    });
  }

  /** A tuning run's study: each trial's objective with the running best, and its objective per epoch. */
  function tuning(runId: string): ChartSpec {
    const run = registry.operations.get(runId);
    if (run.type !== 'tuning')
      throw new DomainError(
        'INVALID_ARGUMENT',
        `Operation ${runId} is a ${run.type} operation, not a tuning run: only tuning runs have a tuning chart (list_operations with type tuning shows them).`,
        { run_id: runId },
      );
    const p = run.params as Record<string, unknown>;
    const studyId = typeof p['study_id'] === 'string' ? p['study_id'] : run.id;
    const trials = tuningStatus ? tuningStatus(runId).trials : registry.tuning.list(studyId);
    return chartSpec('tuning', {
      run_id: run.id,
      study_id: studyId,
      strategy: String(p['strategy'] ?? ''),
      objective: String(p['objective'] ?? 'val_loss'),
      cv_folds: typeof p['cv_folds'] === 'number' ? p['cv_folds'] : null,
      trials,
    });
  }

  type Source = { source: string; build: () => ChartSpec };

  /**
   * What a version's charts are drawn from, each read at most once and only when a chart asks
   * for it: one chart reads only its own data (an equity chart never parses result.json, a
   * training chart never reads a backtest report, which can hold a long equity curve).
   */
  function stored(m: ModelVersion) {
    const once = <T>(read: () => T): (() => T) => {
      let value: { v: T } | undefined;
      return () => (value ??= { v: read() }).v;
    };
    return {
      result: once(() => result(m)),
      equity: once(() => equitySource(m)),
      walkForward: once(() => latestBacktest(m.model_id, true)),
      drift: once(() => registry.evaluations.driftReports(m.model_id, 1)[0]),
      evaluations: once(() => performanceHistory(m.model_id)),
      program: once(() => registry.research.programOf(m.model_id)),
    };
  }
  type Stored = ReturnType<typeof stored>;

  function driftSource(m: ModelVersion, d: Stored, histograms: boolean): Source | null {
    const drift = d.drift();
    if (!drift) return null;
    const report = drift.report as Partial<Pick<DriftReport, 'features' | 'histograms'>>;
    if (histograms && !report.histograms?.length) return null;
    const data = {
      model_id: m.model_id,
      at: drift.at,
      data: drift.data,
      psi_warn: config.drift.psi_warn,
      features: report.features ?? [],
      histograms: report.histograms,
    };
    return {
      source: `drift report ${drift.at.slice(0, 10)} on ${drift.data}`,
      build: () => chartSpec(histograms ? 'drift_histograms' : 'drift', data),
    };
  }

  function equityChart(m: ModelVersion, d: Stored, kind: 'equity' | 'drawdown'): Source | null {
    const eq = d.equity();
    return eq ? { source: eq.source, build: () => chartSpec(kind, { model_id: m.model_id, source: eq.source, ...eq.equity }) } : null;
  }

  /** Each chart of a version: where its data comes from and how it is built, or null when the version has none. */
  const SOURCES: Record<ModelChartName, (m: ModelVersion, d: Stored) => Source | null> = {
    training_curves: (m, d) => {
      const tm = d.result()?.training_metrics;
      return tm?.history?.length
        ? {
            source: 'result.json',
            build: () => chartSpec('training_curves', { model_id: m.model_id, history: tm.history, best_epoch: tm.best_epoch }),
          }
        : null;
    },
    confusion_matrix: (m, d) => {
      const t = d.result()?.test_metrics;
      return t?.confusion_matrix?.length
        ? {
            source: 'result.json',
            build: () =>
              chartSpec('confusion_matrix', {
                model_id: m.model_id,
                confusion_matrix: t.confusion_matrix,
                classes: LABEL_CLASSES,
                accuracy: t.accuracy,
                baseline_accuracy: t.baseline_accuracy,
              }),
          }
        : null;
    },
    feature_importance: (m, d) => {
      const fi = d.result()?.artifacts?.feature_importance;
      return fi?.length
        ? { source: 'result.json', build: () => chartSpec('feature_importance', { model_id: m.model_id, features: fi }) }
        : null;
    },
    equity: (m, d) => equityChart(m, d, 'equity'),
    drawdown: (m, d) => equityChart(m, d, 'drawdown'),
    walk_forward: (m, d) => {
      const wf = d.walkForward();
      const w = wf?.walk_forward;
      return wf && w?.windows.length
        ? {
            source: `walk-forward backtest ${wf.operation_id}`,
            build: () => chartSpec('walk_forward', { model_id: m.model_id, scheme: w.scheme, windows: w.windows }),
          }
        : null;
    },
    drift: (m, d) => driftSource(m, d, false),
    drift_histograms: (m, d) => driftSource(m, d, true),
    performance: (m, d) => {
      const evaluations = d.evaluations();
      return evaluations.length
        ? {
            source: `${evaluations.length} performance evaluations`,
            build: () => chartSpec('performance', { model_id: m.model_id, evaluations }),
          }
        : null;
    },
    research: (_m, d) => {
      const program = d.program();
      return program ? { source: `research program ${program}`, build: () => research(program) } : null;
    },
  };

  /** The charts a version has, with their sources, in display order. */
  function available(m: ModelVersion): { name: ModelChartName; source: Source }[] {
    const d = stored(m);
    return MODEL_CHARTS.flatMap((name) => {
      const source = SOURCES[name](m, d);
      return source ? [{ name, source }] : [];
    });
  }

  const TITLES: Record<ModelChartName, string> = {
    training_curves: 'Training and validation loss and accuracy per epoch',
    confusion_matrix: 'Test confusion matrix',
    feature_importance: 'Permutation feature importance',
    equity: 'Equity against buy-and-hold, drawdown underneath',
    drawdown: 'Drawdown against buy-and-hold',
    walk_forward: 'Walk-forward windows',
    drift: 'PSI per feature against its threshold',
    drift_histograms: 'Reference against current histograms of the most shifted features',
    performance: 'Live performance over time',
    research: "The research program's trials, best and deflated Sharpe, PBO",
  };

  function spec(modelId: string, name: string): ChartSpec {
    const m = registry.models.get(modelId);
    if (!(MODEL_CHARTS as readonly string[]).includes(name))
      throw new DomainError('INVALID_ARGUMENT', `No chart "${name}"; charts are ${MODEL_CHARTS.join(', ')}.`, { name });
    const src = SOURCES[name as ModelChartName](m, stored(m));
    if (!src) {
      const have = available(m).map((c) => c.name);
      throw new DomainError(
        'CHART_NOT_AVAILABLE',
        `${m.model_id} has no ${name} chart yet (${WHY[name as ModelChartName]}). It has: ${have.length ? have.join(', ') : 'none'}.`,
        { model_id: m.model_id, name },
      );
    }
    return src.build();
  }

  return {
    /** The charts this version has now, in display order. */
    list(modelId: string): ChartInfo[] {
      return available(registry.models.get(modelId)).map(({ name, source }) => ({ name, title: TITLES[name], source: source.source }));
    },
    /** One chart's Vega-Lite spec with title and alt text. */
    spec,
    /** One chart rendered to SVG (default) or PNG. */
    render: async (modelId: string, name: string, opts: RenderOptions = {}): Promise<RenderedChart> => renderer(spec(modelId, name), opts),
    /** A research program's progress chart. */
    renderResearch: async (program: string, opts: RenderOptions = {}): Promise<RenderedChart> => renderer(research(program), opts),
    /** A tuning run's study chart: spec, and rendered to SVG (default) or PNG. */
    tuning,
    renderTuning: async (runId: string, opts: RenderOptions = {}): Promise<RenderedChart> => renderer(tuning(runId), opts),
    /** The newest completed backtest report of a version (`walkForward`: the newest walk-forward one); null when none. */
    latestBacktest,
  };
}

const WHY: Record<ModelChartName, string> = {
  training_curves: 'its result.json has no per-epoch history, or its folder was archived',
  confusion_matrix: 'its result.json has no test metrics, or its folder was archived',
  feature_importance: 'its result.json has no feature importance, or its folder was archived',
  equity: 'no backtest and no equity.json recorded at training',
  drawdown: 'no backtest and no equity.json recorded at training',
  walk_forward: 'run a walk-forward backtest: run_backtest with mode "walk_forward"',
  drift: 'run check_drift first',
  drift_histograms: 'run check_drift first (reports before histograms were stored have none)',
  performance: 'it has no live performance evaluation: ingest newer bars while it is in production',
  research: 'it was not trained by a research program',
};

export type ChartService = ReturnType<typeof createChartService>;
