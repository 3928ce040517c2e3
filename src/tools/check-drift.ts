import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { psi, psiStatus } from '../monitoring/drift.js';
import type { ReferenceDistributions } from '../pipeline/artifacts/reference.js';
import { loadMarketData } from '../pipeline/data/index.js';
import { buildFeaturesMulti } from '../pipeline/features/index.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { READ_ONLY, defineTool } from './define-tool.js';

const WARN = 0.1;
const DRIFT = 0.2;

export const checkDrift = defineTool({
  name: 'check_drift',
  title: 'Check a model for feature drift',
  description:
    'Compare the features of new market data with the distributions frozen into the model at training time: PSI per feature ' +
    `(warn above ${WARN}, drift above ${DRIFT}), most important features first, with action_required and a recommendation. ` +
    'Prediction drift (KS) and concept drift (performance decay) come with performance monitoring and are reported as null until then.',
  input: z.object({
    model_id: modelIdSchema,
    data: z.string().min(1).describe('Data spec of the recent data, e.g. "csv:./recent.csv" or "sample:sp500"'),
    from: z.string().optional().describe('First bar to use, ISO date'),
    to: z.string().optional(),
  }),
  output: z.object({
    model_id: z.string(),
    data: z.string(),
    bars: z.number(),
    rows: z.number().describe('Rows with every feature defined'),
    features: z.array(z.object({ name: z.string(), psi: z.number().nullable(), status: z.enum(['stable', 'warn', 'drift', 'unknown']) })),
    drifted_features: z.array(z.string()),
    prediction_drift: z.null(),
    concept_drift: z.null(),
    action_required: z.boolean(),
    recommendation: z.string(),
  }),
  annotations: { ...READ_ONLY, idempotentHint: true },
  handler: async (input, services) => {
    const model = services.registry.models.get(input.model_id);
    const dir = model.artifact_path;
    const reference = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) as ReferenceDistributions;
    const result = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8')) as {
      artifacts?: { feature_importance?: { feature: string }[] };
    };
    const strategy = parseStrategy(fs.readFileSync(path.join(dir, 'strategy.yaml'), 'utf8'), `${model.model_id}/strategy.yaml`).strategy;
    const data = await loadMarketData(input.data, {
      symbols: strategy.data.symbols,
      timeframe: strategy.data.timeframe,
      from: input.from,
      to: input.to,
      dataDir: services.config.data_dir,
    });
    const sets = buildFeaturesMulti(strategy, data.series);
    const rank = new Map((result.artifacts?.feature_importance ?? []).map((f, i) => [f.feature, i]));
    let rows = 0;
    const features = reference.features.map((ref, j) => {
      const values: number[] = [];
      for (const set of sets) {
        const col = set.columns[j]!;
        for (let t = set.warmup; t < col.length; t++) values.push(col[t]!);
      }
      rows = Math.max(rows, values.length);
      const value = psi(ref.edges, ref.proportions, values);
      return { name: ref.name, psi: Number.isFinite(value) ? +value.toFixed(4) : null, status: psiStatus(value, WARN, DRIFT) };
    });
    features.sort((a, b) => (rank.get(a.name) ?? 1e9) - (rank.get(b.name) ?? 1e9));
    const drifted = features.filter((f) => f.status === 'drift').map((f) => f.name);
    const warned = features.filter((f) => f.status === 'warn').map((f) => f.name);
    const recommendation = drifted.length
      ? `${drifted.length} of ${features.length} features drifted (${drifted.slice(0, 5).join(', ')}): retrain on recent data (start_training) before relying on this model.`
      : warned.length
        ? `No feature drifted; ${warned.length} moved noticeably (${warned.slice(0, 5).join(', ')}). Check again after more data arrives.`
        : 'Inputs look like the training data. No action needed.';
    return {
      model_id: model.model_id,
      data: input.data,
      bars: data.series.reduce((n, s) => n + s.time.length, 0),
      rows,
      features,
      drifted_features: drifted,
      prediction_drift: null,
      concept_drift: null,
      action_required: drifted.length > 0,
      recommendation,
    };
  },
  render: (o) => `${o.model_id}: ${o.action_required ? 'ACTION REQUIRED' : 'no action'} · ${o.recommendation}`,
});
