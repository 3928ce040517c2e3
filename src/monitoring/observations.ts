import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../domain/errors.js';
import type { ModelVersion } from '../domain/model-version.js';
import { periodsPerYearOf } from '../pipeline/data/periods.js';
import type { Bars } from '../pipeline/data/types.js';
import { volatility } from '../pipeline/features/volatility.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { driftReport, type DriftThresholds } from './drift-report.js';
import { loadModelData, trainedSelection } from './model-data.js';

/** What the scheduler measured for one production model (only what its config asks for). */
export interface Observed {
  /** Data spec of the current data. */
  data: string;
  /** Largest feature PSI of the drift check: an observation, not the decision. */
  max_psi?: number | undefined;
  drifted_features?: string[] | undefined;
  /** The drift report's decision (the rule `drift` and the promotion gate use) and why. */
  drift?: { action_required: boolean; summary: string } | undefined;
  /** Bars in current data after the end of the model's training data (all symbols). */
  new_bars?: number | undefined;
  /** Highest recent annualised volatility across the model's symbols. */
  volatility?: number | undefined;
}

export interface ObserveOptions {
  data: string;
  dataDir: string;
  cwd?: string | undefined;
  storeFile?: string | undefined;
  drift: boolean;
  /** Config `drift` thresholds (with the trigger's PSI floor): the same rule as `trainyard drift`. */
  thresholds?: DriftThresholds | undefined;
  /** Judge drift on the last N bars of each symbol (config drift.recent_bars); all bars when absent. */
  recentBars?: number | undefined;
  newData: boolean;
  volatility: boolean;
  volatilityWindow: number;
  /** Initialises the TensorFlow.js backend (the drift check scores the model). */
  initBackend: () => Promise<unknown>;
}

/** The production model's strategy text and training data end, from its artifact folder. */
export function modelArtifacts(model: ModelVersion): { strategyYaml: string; trainedTo: string; result: unknown } {
  try {
    const strategyYaml = fs.readFileSync(path.join(model.artifact_path, 'strategy.yaml'), 'utf8');
    const result = JSON.parse(fs.readFileSync(path.join(model.artifact_path, 'result.json'), 'utf8')) as {
      data_summary?: { date_range?: { to?: string } };
    };
    const trainedTo = result.data_summary?.date_range?.to;
    if (!trainedTo) throw new Error('result.json has no data_summary.date_range.to');
    return { strategyYaml, trainedTo, result };
  } catch (err) {
    throw new DomainError(
      'ARTIFACT_INVALID',
      `Model ${model.model_id}: cannot read strategy.yaml / result.json in ${model.artifact_path} (${(err as Error).message}). Retrain it or roll back.`,
      { model_id: model.model_id },
    );
  }
}

/** Latest annualised volatility over the last `window` returns of one symbol (periodsPerYear of its timeframe). */
export function recentVolatility(bars: Bars, window: number, timeframe: string): number | undefined {
  if (bars.time.length <= window) return undefined;
  const v = volatility(bars, window, true, periodsPerYearOf(timeframe, bars.time));
  const last = v[v.length - 1]!;
  return Number.isFinite(last) ? last : undefined;
}

/**
 * Measures a production model against current data, read with the symbols and timeframe it was
 * trained with: the drift report's decision on the latest bars (largest PSI kept as an
 * observation), the bars that arrived after its training data ended, and recent volatility.
 */
export async function observeModel(model: ModelVersion, o: ObserveOptions): Promise<Observed> {
  const { strategyYaml, trainedTo, result } = modelArtifacts(model);
  const out: Observed = { data: o.data };
  if (o.newData || o.volatility) {
    const strategy = parseStrategy(strategyYaml, 'strategy.yaml').strategy;
    const md = await loadModelData(o.data, trainedSelection(result, strategy), o);
    if (o.newData) {
      const end = Date.parse(trainedTo);
      out.new_bars = md.series.reduce((n, s) => n + s.time.filter((t) => t > end).length, 0);
    }
    if (o.volatility) {
      let highest: number | undefined;
      for (const s of md.series) {
        const v = recentVolatility(s, o.volatilityWindow, md.timeframe);
        if (v !== undefined && (highest === undefined || v > highest)) highest = v;
      }
      out.volatility = highest;
    }
  }
  if (o.drift) {
    await o.initBackend();
    const report = await driftReport(model.artifact_path, o.data, {
      dataDir: o.dataDir,
      cwd: o.cwd,
      storeFile: o.storeFile,
      lastBars: o.recentBars,
      thresholds: o.thresholds,
    });
    let max: number | undefined;
    for (const f of report.features) if (f.psi !== null && (max === undefined || f.psi > max)) max = f.psi;
    out.max_psi = max;
    out.drifted_features = report.drifted_features;
    const summary = [
      report.drifted_features.length
        ? `${report.drifted_features.length} of ${report.features.length} features drifted (${report.drifted_features.slice(0, 5).join(', ')})`
        : '',
      report.prediction_drift.drift ? `prediction scores moved (KS ${report.prediction_drift.ks_statistic})` : '',
      report.concept_drift?.drift ? `accuracy fell ${(report.concept_drift.relative_drop * 100).toFixed(0)}% below validation` : '',
    ].filter(Boolean);
    out.drift = { action_required: report.action_required, summary: summary.length ? summary.join('; ') : 'no drift' };
  }
  return out;
}
