import type { FileAccess } from '../config/access.js';
import { labelHorizon } from '../domain/strategy.js';
import { loadArtifacts } from '../pipeline/artifacts/store.js';
import { assembleSamples, subset, type SampleSet } from '../pipeline/dataset/assemble.js';
import { applyScaler } from '../pipeline/dataset/scaler.js';
import { buildFeaturesMulti, buildLabels } from '../pipeline/features/index.js';
import { argmaxRows, predictProba } from '../pipeline/model/predict.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { rangeBound } from './backtest/request.js';
import { effectiveSampleSize, psiDriftThreshold, psiStatus, psiWithShares } from './drift.js';
import { conceptDriftTest, predictionDriftTest, referenceSize, type ConceptDrift, type PredictionDrift } from './drift-tests.js';
import { loadModelData, trainedSelection, type DataSelection } from './model-data.js';

export interface DriftThresholds {
  psi_warn: number;
  psi_drift: number;
  /** Minimum KS statistic that counts as prediction drift (a material shift), with p < ks_p_value. */
  ks_statistic: number;
  /** Significance of the KS test on effective sample sizes. */
  ks_p_value: number;
  /** Concept drift needs accuracy more than this fraction below validation ... */
  accuracy_drop: number;
  /** ... and the drop significant at this level (one-sided, effective sizes on both sides). */
  accuracy_p_value?: number | undefined;
}

// One decision (action_required) from three tests: features at 1% family-wise (Bonferroni over the
// features, psiDriftThreshold), predictions at ks_p_value, accuracy at accuracy_p_value: by the union
// bound another realisation of the training process raises it at most 1% + 1% + 1% = 3% of the time.
// ks_statistic 0.1: decisions threshold the score, and D bounds how many of them can change side at
// any threshold; under 10 points the shift is not worth a retrain, however significant.
// accuracy_drop 0.15: a 15% relative fall (e.g. 45% -> 38%) is the smallest one worth acting on.
export const DEFAULT_DRIFT: Required<DriftThresholds> = {
  psi_warn: 0.1,
  psi_drift: 0.2,
  ks_statistic: 0.1,
  ks_p_value: 0.01,
  accuracy_drop: 0.15,
  accuracy_p_value: 0.01,
};

export interface DriftReport {
  bars: number;
  rows: number;
  /** The symbols / timeframe applied (the ones the model was trained with). */
  selection: { symbols: string[] | null; timeframe: string | null };
  /** drift_threshold: psi_drift, raised when few effective samples make PSI noisy (see psiDriftThreshold). */
  features: { name: string; psi: number | null; drift_threshold: number; status: 'stable' | 'warn' | 'drift' | 'unknown' }[];
  drifted_features: string[];
  prediction_drift: PredictionDrift;
  concept_drift: ConceptDrift | null;
  action_required: boolean;
  recommendation: string;
  /**
   * Reference against current share per reference bin of the features with the highest PSI (at
   * most HISTOGRAM_FEATURES), for charts. Stored with the report; not part of check_drift's output.
   */
  histograms?: FeatureHistogram[];
}

export interface FeatureHistogram {
  name: string;
  psi: number | null;
  /** Inner bin edges: bins are (-inf, e0], (e0, e1], ..., (e_last, inf). */
  edges: number[];
  reference: number[];
  current: number[];
}

// A chart shows a handful of histograms side by side; eight keeps the stored report small.
export const HISTOGRAM_FEATURES = 8;

export interface DriftOptions {
  dataDir: string;
  /** The registry database, for `store:` specs (ingested bars). */
  storeFile?: string | undefined;
  cwd?: string | undefined;
  /** Which files the spec may name (an MCP client's roots); default: any. */
  access?: FileAccess | undefined;
  /** First bar judged (inclusive); the bars before it still warm the indicators up. */
  from?: string | undefined;
  /** First instant judged, exclusive, in ms (e.g. the end of the training data). */
  after?: number | undefined;
  to?: string | undefined;
  /** Only the last N bars of each symbol inside the window (features still warm up on the bars before them). */
  lastBars?: number | undefined;
  thresholds?: DriftThresholds | undefined;
}

/** Rows whose bar lies in the judged window: at/after `lo`, after `after`, among the last `lastBars` of its symbol there. */
function windowed(set: SampleSet, times: Float64Array[], lo: number, lastBars: number | undefined): SampleSet {
  const firstKept = times.map((t) => {
    let first = 0;
    while (first < t.length && t[first]! < lo) first++;
    return lastBars === undefined ? first : Math.max(first, t.length - lastBars);
  });
  if (firstKept.every((f) => f === 0)) return set;
  const keep: number[] = [];
  for (let r = 0; r < set.rows; r++) if (set.bar[r]! >= firstKept[set.symbol[r]!]!) keep.push(r);
  return subset(set, Int32Array.from(keep));
}

/**
 * Compares recent data with the distributions frozen into a model at training time: PSI per
 * feature (most important first), KS on the model's prediction scores, and accuracy on the bars
 * whose outcome is already known against validation accuracy, every test on effective sample
 * sizes. The data is read with the symbols and timeframe the model was trained with. The
 * TensorFlow.js backend must be initialised by the caller.
 */
export async function driftReport(modelDir: string, spec: string, opts: DriftOptions): Promise<DriftReport> {
  const t = { ...DEFAULT_DRIFT, ...opts.thresholds };
  const art = await loadArtifacts(modelDir);
  try {
    const strategy = parseStrategy(art.strategyYaml, 'strategy.yaml').strategy;
    const selection: DataSelection = trainedSelection(art.result, strategy);
    const data = await loadModelData(spec, selection, opts);
    const lo = Math.max(rangeBound(opts.from, 'from'), opts.after === undefined ? -Infinity : opts.after + 1);
    const times = data.series.map((s) => s.time);
    const sets = buildFeaturesMulti(strategy, data.series);
    // Every bar of the window with all features defined (the latest ones have no outcome yet) ...
    const rows = windowed(
      assembleSamples(
        data.series,
        sets,
        data.series.map((b) => new Int8Array(b.time.length)),
      ),
      times,
      lo,
      opts.lastBars,
    );
    // ... and those whose outcome is known, for concept drift.
    const labelled = windowed(
      assembleSamples(
        data.series,
        sets,
        data.series.map((b) => buildLabels(strategy.labels, b)),
      ),
      times,
      lo,
      opts.lastBars,
    );
    const bars = times.reduce((n, time) => {
      let inWindow = 0;
      for (let i = 0; i < time.length; i++) if (time[i]! >= lo) inWindow++;
      return n + (opts.lastBars === undefined ? inWindow : Math.min(opts.lastBars, inWindow));
    }, 0);
    const importance = (
      (art.result as { artifacts?: { feature_importance?: { feature: string }[] } } | null)?.artifacts?.feature_importance ?? []
    ).map((f) => f.feature);
    const rank = new Map(importance.map((f, i) => [f, i]));
    const { psi: psis, shares } = psiWithShares(art.reference.features, rows.x, rows.rows, rows.cols);
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

    const v = art.reference.validation;
    const horizon = v.label_horizon ?? labelHorizon(strategy.labels);
    const probs = await predictProba(art.model, applyScaler(art.features.scaler, rows.x, rows.rows, rows.cols), rows.rows, rows.cols);
    const scores = new Float64Array(rows.rows);
    for (let r = 0; r < rows.rows; r++) scores[r] = probs[r * 3 + 2]! - probs[r * 3]!;
    const predictionDrift = predictionDriftTest(
      art.reference.prediction_scores,
      referenceSize(v.scores_n_eff, v.samples, horizon),
      scores,
      rows.symbol,
      t.ks_p_value,
      t.ks_statistic,
    );

    let concept: ConceptDrift | null = null;
    if (labelled.rows >= 30) {
      const lp = await predictProba(
        art.model,
        applyScaler(art.features.scaler, labelled.x, labelled.rows, labelled.cols),
        labelled.rows,
        labelled.cols,
      );
      const pred = argmaxRows(lp);
      const correct = Float64Array.from(pred, (p, r) => (p === labelled.y[r] ? 1 : 0));
      concept = conceptDriftTest(
        correct,
        labelled.symbol,
        horizon,
        { accuracy: v.accuracy, n_eff: referenceSize(v.n_eff, v.samples, horizon) },
        t.accuracy_p_value,
        t.accuracy_drop,
      );
    }
    const drifted = features.filter((f) => f.status === 'drift').map((f) => f.name);
    const round = (v: number) => +v.toFixed(4);
    const histograms: FeatureHistogram[] = art.reference.features
      .map((ref, j) => ({ ref, j, psi: psis[j]! }))
      .filter((h) => Number.isFinite(h.psi))
      .sort((a, b) => b.psi - a.psi)
      .slice(0, HISTOGRAM_FEATURES)
      .map(({ ref, j, psi }) => ({
        name: ref.name,
        psi: round(psi),
        edges: ref.edges.map((e) => +e.toPrecision(6)),
        reference: ref.proportions.map(round),
        current: shares[j]!.map(round),
      }));
    const reasons = [
      drifted.length ? `${drifted.length} of ${features.length} features drifted (${drifted.slice(0, 5).join(', ')})` : '',
      predictionDrift.drift
        ? `the prediction distribution moved (KS ${predictionDrift.ks_statistic}, p ${predictionDrift.p_value.toExponential(1)} on ${predictionDrift.n_eff.current} effective samples)`
        : '',
      concept?.drift
        ? `accuracy fell ${(concept.relative_drop * 100).toFixed(0)}% below validation (${(concept.current_accuracy * 100).toFixed(1)}% vs ${(concept.reference_accuracy * 100).toFixed(1)}%, z ${concept.z}, p ${concept.p_value.toExponential(1)})`
        : '',
    ].filter(Boolean);
    const action = reasons.length > 0;
    return {
      bars,
      rows: rows.rows,
      selection: { symbols: selection.symbols ?? null, timeframe: selection.timeframe ?? null },
      features,
      drifted_features: drifted,
      prediction_drift: predictionDrift,
      concept_drift: concept,
      action_required: action,
      recommendation: action
        ? `${reasons.join('; ')}. Retrain the strategy on recent data (start_training) before relying on this model, or roll back.`
        : rows.rows === 0
          ? 'No bar of the window has every feature defined: nothing to judge. Widen the window or add recent bars.'
          : 'Inputs, predictions and accuracy look like they did at training time. No action needed.',
      histograms,
    };
  } finally {
    art.model.dispose();
  }
}
