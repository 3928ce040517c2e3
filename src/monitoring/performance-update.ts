import { z } from 'zod';
import type { ModelVersion } from '../domain/model-version.js';
import { loadArtifacts } from '../pipeline/artifacts/store.js';
import { loadMarketData } from '../pipeline/data/index.js';
import { periodsPerYearOf } from '../pipeline/data/periods.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { createBarStore } from '../registry/bar-store.js';
import type { Db } from '../registry/db.js';
import { createPredictionStore } from '../registry/predictions.js';
import { evaluatePerformance, importanceStability, longestWindow, type PerformanceRules } from './performance-evaluate.js';
import { resolveOutcomes, scoreNewBars } from './performance-score.js';

const DAY_MS = 86_400_000;

export const modelUpdateSchema = z.object({
  model_id: z.string(),
  scored: z.number().int().describe('Bars scored now'),
  resolved: z.number().int().describe('Outcomes recorded now'),
  retraining_recommended: z.boolean(),
});
export type ModelUpdate = z.infer<typeof modelUpdateSchema>;

/** What a training run recorded about its data (result.json data_summary). */
export const dataSummarySchema = z.object({
  symbols: z.array(z.string()),
  timeframe: z.string(),
  date_range: z.object({ to: z.string() }),
});
const importanceSchema = z.array(z.object({ feature: z.string(), loss_increase: z.number() })).catch([]);

export interface UpdateOptions {
  /** The registry database file (`store:` specs read it). */
  storeFile: string;
  rules: PerformanceRules;
  /** The update's time: scored_at, resolved_at, evaluated_at (the injected clock). */
  now: Date;
  /** Initialises the TensorFlow.js backend before the model is loaded. */
  initBackend: () => Promise<unknown>;
}

/**
 * One production model: scores the stored bars it has not scored, records the outcomes whose label
 * horizon has passed, and evaluates the rolling metrics; null when none of its symbols has
 * ingested bars. Everything here grows with the stored data (the model runs over every symbol's
 * bars), so the server runs it in the task worker on that worker's own connection `db`.
 */
export async function updateModelPerformance(db: Db, model: ModelVersion, o: UpdateOptions): Promise<ModelUpdate | null> {
  const bars = createBarStore(db, () => o.now);
  const predictions = createPredictionStore(db, () => o.now);
  await o.initBackend();
  const art = await loadArtifacts(model.artifact_path);
  try {
    const summary = dataSummarySchema.parse(art.result['data_summary']);
    const symbols = summary.symbols.filter((s) => bars.timeframeOf(s) !== null);
    if (symbols.length === 0) return null;
    const strategy = parseStrategy(art.strategyYaml, 'strategy.yaml').strategy;
    const data = await loadMarketData(`store:${symbols.join(',')}`, { storeFile: o.storeFile, timeframe: summary.timeframe });
    const afterMs = Date.parse(`${summary.date_range.to}T00:00:00Z`) + DAY_MS - 1;
    const input = { modelId: model.model_id, model: art.model, strategy, features: art.features, series: data.series };
    const fresh = await scoreNewBars(input, afterMs, (s) => predictions.scoredTimes(model.model_id, s), o.now.toISOString());
    predictions.insert(fresh);
    const outcomes = resolveOutcomes(strategy, data.series, predictions.unresolved(model.model_id));
    predictions.resolve(outcomes);
    const end = predictions.lastResolvedTime(model.model_id);
    let recommended = false;
    if (end !== null) {
      const rows = predictions.since(model.model_id, end - longestWindow(o.rules) * DAY_MS);
      // Annualised from the timeframe and the calendar of the bars up to the window's end only.
      const upToEnd = data.series.map((b) => b.time.filter((t) => t <= end));
      const training = importanceSchema.parse(
        (art.result['artifacts'] as { feature_importance?: unknown } | undefined)?.feature_importance,
      );
      const stability = await importanceStability(input, training, end, afterMs, o.rules.feature_importance_stability);
      const ev = evaluatePerformance(rows, end, periodsPerYearOf(summary.timeframe, upToEnd), o.rules, () => stability);
      predictions.saveEvaluation({ model_id: model.model_id, window_end: end, ...ev });
      recommended = ev.retraining_recommended;
    }
    return { model_id: model.model_id, scored: fresh.length, resolved: outcomes.length, retraining_recommended: recommended };
  } finally {
    art.model.dispose();
  }
}
