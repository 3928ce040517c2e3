import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../domain/errors.js';
import type { ModelVersion } from '../domain/model-version.js';
import { loadMarketData } from '../pipeline/data/index.js';
import type { Bars } from '../pipeline/data/types.js';
import { observedBarsPerYear, volatility } from '../pipeline/features/volatility.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { driftReport } from './drift-report.js';

/** What the scheduler measured for one production model (only what its config asks for). */
export interface Observed {
  /** Data spec of the current data. */
  data: string;
  max_psi?: number | undefined;
  drifted_features?: string[] | undefined;
  /** Bars in current data after the end of the model's training data (all symbols). */
  new_bars?: number | undefined;
  /** Highest recent annualised volatility across the model's symbols. */
  volatility?: number | undefined;
}

export interface ObserveOptions {
  data: string;
  dataDir: string;
  cwd?: string | undefined;
  drift: boolean;
  newData: boolean;
  volatility: boolean;
  volatilityWindow: number;
  /** Initialises the TensorFlow.js backend (the drift check scores the model). */
  initBackend: () => Promise<unknown>;
}

/** The production model's strategy text and training data end, from its artifact folder. */
export function modelArtifacts(model: ModelVersion): { strategyYaml: string; trainedTo: string } {
  try {
    const strategyYaml = fs.readFileSync(path.join(model.artifact_path, 'strategy.yaml'), 'utf8');
    const result = JSON.parse(fs.readFileSync(path.join(model.artifact_path, 'result.json'), 'utf8')) as {
      data_summary?: { date_range?: { to?: string } };
    };
    const trainedTo = result.data_summary?.date_range?.to;
    if (!trainedTo) throw new Error('result.json has no data_summary.date_range.to');
    return { strategyYaml, trainedTo };
  } catch (err) {
    throw new DomainError(
      'ARTIFACT_INVALID',
      `Model ${model.model_id}: cannot read strategy.yaml / result.json in ${model.artifact_path} (${(err as Error).message}). Retrain it or roll back.`,
      { model_id: model.model_id },
    );
  }
}

/** Latest annualised volatility over the last `window` returns of one symbol. */
export function recentVolatility(bars: Bars, window: number): number | undefined {
  if (bars.time.length <= window) return undefined;
  const v = volatility(bars, window, true, observedBarsPerYear(bars.time));
  const last = v[v.length - 1]!;
  return Number.isFinite(last) ? last : undefined;
}

/**
 * Measures a production model against current data: the drift check's largest feature PSI, the
 * bars that arrived after its training data ended, and recent volatility. Data is loaded once for
 * the counts; the drift check loads it through the model's own feature pipeline.
 */
export async function observeModel(model: ModelVersion, o: ObserveOptions): Promise<Observed> {
  const { strategyYaml, trainedTo } = modelArtifacts(model);
  const out: Observed = { data: o.data };
  if (o.newData || o.volatility) {
    const strategy = parseStrategy(strategyYaml, 'strategy.yaml').strategy;
    const md = await loadMarketData(o.data, {
      symbols: strategy.data.symbols,
      timeframe: strategy.data.timeframe,
      dataDir: o.dataDir,
      cwd: o.cwd,
    });
    if (o.newData) {
      const end = Date.parse(trainedTo);
      out.new_bars = md.series.reduce((n, s) => n + s.time.filter((t) => t > end).length, 0);
    }
    if (o.volatility) {
      const vols = md.series.map((s) => recentVolatility(s, o.volatilityWindow)).filter((v): v is number => v !== undefined);
      out.volatility = vols.length ? Math.max(...vols) : undefined;
    }
  }
  if (o.drift) {
    await o.initBackend();
    const report = await driftReport(model.artifact_path, o.data, { dataDir: o.dataDir });
    const psis = report.features.map((f) => f.psi).filter((v): v is number => v !== null);
    out.max_psi = psis.length ? Math.max(...psis) : undefined;
    out.drifted_features = report.drifted_features;
  }
  return out;
}
