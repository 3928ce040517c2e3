import { loadArtifacts } from '../pipeline/artifacts/store.js';
import { loadMarketData } from '../pipeline/data/index.js';
import { assembleSamples, subset, type SampleSet } from '../pipeline/dataset/assemble.js';
import { applyScaler } from '../pipeline/dataset/scaler.js';
import { accuracyOf } from '../pipeline/evaluate/metrics.js';
import { buildFeaturesMulti, buildLabels } from '../pipeline/features/index.js';
import { argmaxRows, predictProba } from '../pipeline/model/predict.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { effectiveSampleSize, ksTwoSample, psiDriftThreshold, psiMatrix, psiStatus } from './drift.js';

export interface DriftThresholds {
  psi_warn: number;
  psi_drift: number;
  /** Prediction drift when the KS statistic exceeds this and p < ks_p_value. */
  ks_statistic: number;
  ks_p_value: number;
  /** Concept drift when accuracy falls more than this fraction below validation accuracy. */
  accuracy_drop: number;
}

// KS needs both a small p-value and a large statistic: consecutive bars are autocorrelated, so
// the iid p-value is overconfident; another sample of the same process gives D ~ 0.13-0.15 against
// a 15% validation window, a changed market D > 0.25.
export const DEFAULT_DRIFT: DriftThresholds = { psi_warn: 0.1, psi_drift: 0.2, ks_statistic: 0.2, ks_p_value: 0.01, accuracy_drop: 0.15 };

export interface DriftReport {
  bars: number;
  rows: number;
  /** drift_threshold: psi_drift, raised when few effective samples make PSI noisy (see psiDriftThreshold). */
  features: { name: string; psi: number | null; drift_threshold: number; status: 'stable' | 'warn' | 'drift' | 'unknown' }[];
  drifted_features: string[];
  prediction_drift: { ks_statistic: number; p_value: number; drift: boolean };
  concept_drift: {
    reference_accuracy: number;
    current_accuracy: number;
    labelled_rows: number;
    relative_drop: number;
    drift: boolean;
  } | null;
  action_required: boolean;
  recommendation: string;
}

/**
 * Compares recent data with the distributions frozen into a model at training time: PSI per
 * feature (most important first), KS on the model's prediction scores, and accuracy on the bars
 * whose outcome is already known against validation accuracy. The TensorFlow.js backend must be
 * initialised by the caller.
 */
export async function driftReport(
  modelDir: string,
  spec: string,
  opts: {
    dataDir: string;
    /** The registry database, for `store:` specs (ingested bars). */
    storeFile?: string | undefined;
    cwd?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    /** Only the last N bars of each symbol (features still warm up on the bars before them). */
    lastBars?: number | undefined;
    thresholds?: DriftThresholds | undefined;
  },
): Promise<DriftReport> {
  const t = opts.thresholds ?? DEFAULT_DRIFT;
  const art = await loadArtifacts(modelDir);
  try {
    const strategy = parseStrategy(art.strategyYaml, 'strategy.yaml').strategy;
    const data = await loadMarketData(spec, {
      symbols: strategy.data.symbols,
      timeframe: strategy.data.timeframe,
      from: opts.from,
      to: opts.to,
      dataDir: opts.dataDir,
      cwd: opts.cwd,
      storeFile: opts.storeFile,
    });
    const sets = buildFeaturesMulti(strategy, data.series);
    // Every bar with all features defined (the latest ones have no outcome yet) ...
    const recent = (set: SampleSet): SampleSet => {
      if (opts.lastBars === undefined) return set;
      const keep: number[] = [];
      for (let r = 0; r < set.rows; r++) if (set.bar[r]! >= data.series[set.symbol[r]!]!.time.length - opts.lastBars) keep.push(r);
      return subset(set, Int32Array.from(keep));
    };
    const rows = recent(
      assembleSamples(
        data.series,
        sets,
        data.series.map((b) => new Int8Array(b.time.length)),
      ),
    );
    // ... and those whose outcome is known, for concept drift.
    const labelled = recent(
      assembleSamples(
        data.series,
        sets,
        data.series.map((b) => buildLabels(strategy.labels, b)),
      ),
    );
    const importance = (
      (art.result['artifacts'] as { feature_importance?: { feature: string }[] } | undefined)?.feature_importance ?? []
    ).map((f) => f.feature);
    const rank = new Map(importance.map((f, i) => [f, i]));
    const psis = psiMatrix(art.reference.features, rows.x, rows.rows, rows.cols);
    const features = art.reference.features.map((ref, j) => {
      const value = psis[j]!;
      const threshold = psiDriftThreshold(
        t.psi_drift,
        ref.proportions.length,
        effectiveSampleSize(rows.x, rows.rows, rows.cols, j),
        art.reference.features.length,
      );
      return {
        name: ref.name,
        psi: Number.isFinite(value) ? +value.toFixed(4) : null,
        drift_threshold: +threshold.toFixed(4),
        status: psiStatus(value, Math.min(t.psi_warn, threshold), threshold),
      };
    });
    features.sort((a, b) => (rank.get(a.name) ?? 1e9) - (rank.get(b.name) ?? 1e9));
    const probs = predictProba(art.model, applyScaler(art.features.scaler, rows.x, rows.rows, rows.cols), rows.rows, rows.cols);
    const scores = Array.from({ length: rows.rows }, (_, r) => probs[r * 3 + 2]! - probs[r * 3]!);
    const ks = ksTwoSample(art.reference.prediction_scores, scores);
    const predictionDrift = {
      ks_statistic: +ks.statistic.toFixed(4),
      p_value: ks.p_value,
      drift: ks.statistic > t.ks_statistic && ks.p_value < t.ks_p_value,
    };
    let concept: DriftReport['concept_drift'] = null;
    if (labelled.rows >= 30) {
      const lp = predictProba(
        art.model,
        applyScaler(art.features.scaler, labelled.x, labelled.rows, labelled.cols),
        labelled.rows,
        labelled.cols,
      );
      const acc = accuracyOf(argmaxRows(lp), labelled.y);
      const ref = art.reference.validation.accuracy;
      const drop = ref > 0 ? (ref - acc) / ref : 0;
      concept = {
        reference_accuracy: ref,
        current_accuracy: acc,
        labelled_rows: labelled.rows,
        relative_drop: +drop.toFixed(4),
        drift: drop > t.accuracy_drop,
      };
    }
    const drifted = features.filter((f) => f.status === 'drift').map((f) => f.name);
    const reasons = [
      drifted.length ? `${drifted.length} of ${features.length} features drifted (${drifted.slice(0, 5).join(', ')})` : '',
      predictionDrift.drift ? `the prediction distribution moved (KS ${predictionDrift.ks_statistic})` : '',
      concept?.drift
        ? `accuracy fell ${(concept.relative_drop * 100).toFixed(0)}% below validation (${(concept.current_accuracy * 100).toFixed(1)}% vs ${(concept.reference_accuracy * 100).toFixed(1)}%)`
        : '',
    ].filter(Boolean);
    const action = reasons.length > 0;
    return {
      bars: data.series.reduce((n, s) => n + (opts.lastBars === undefined ? s.time.length : Math.min(opts.lastBars, s.time.length)), 0),
      rows: rows.rows,
      features,
      drifted_features: drifted,
      prediction_drift: predictionDrift,
      concept_drift: concept,
      action_required: action,
      recommendation: action
        ? `${reasons.join('; ')}. Retrain the strategy on recent data (start_training) before relying on this model, or roll back.`
        : 'Inputs, predictions and accuracy look like they did at training time. No action needed.',
    };
  } finally {
    art.model.dispose();
  }
}
