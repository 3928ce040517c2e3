import type { BackendInfo } from './backend/index.js';
import type { FeatureImportance } from './evaluate/importance.js';
import type { ClassificationMetrics } from './evaluate/metrics.js';
import type { EpochStats } from './model/train.js';

export type PipelinePhase = 'data_preparation' | 'feature_engineering' | 'model_training' | 'validation' | 'saving' | 'deployment_decision';

export interface PipelineProgress {
  phase: PipelinePhase;
  /** 0..100 over the whole run; training takes the 10..90 band. */
  progress_pct: number;
  message: string;
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  loss?: number;
  val_loss?: number;
  val_accuracy?: number;
}

export interface PerSymbolMetrics {
  symbol: string;
  samples: number;
  accuracy: number;
  baseline_accuracy: number;
}

export interface SpreadStats {
  mean: number;
  /** Sample standard deviation across the splits (0 for a single split). */
  std: number;
  min: number;
  max: number;
}

/**
 * Combinatorial purged cross-validation of the strategy (López de Prado 2018, ch. 12): the same
 * model refitted on every split of all samples in time order, so out-of-sample figures come as a
 * distribution rather than one test part. Group ids are 0-based, in time order.
 */
export interface CrossValidationResult {
  type: 'cpcv';
  groups: number;
  test_groups: number;
  /** Fits: C(groups, test_groups). */
  splits: number;
  /** Complete backtest paths: test_groups / groups x splits. */
  paths: number;
  /** Samples cross-validated (every usable sample, the normal split's purged bars included). */
  samples: number;
  /** Bars dropped before each test block and after it (labels overlapping test labels), per symbol. */
  purge: number;
  /** Further bars dropped after each test block, per symbol. */
  embargo: number;
  per_split: Array<{ test_groups: number[]; samples: number; accuracy: number; baseline_accuracy: number; edge: number; log_loss: number }>;
  /** Each path strings together one out-of-sample prediction of every group; it covers every sample once. */
  per_path: Array<{ samples: number; accuracy: number; edge: number }>;
  /** Over the splits. */
  summary: { accuracy: SpreadStats; edge: SpreadStats; log_loss: SpreadStats };
}

/** The one result shape every caller (CLI, MCP tools, research loop) gets back. */
export interface TrainingResult {
  model_id: string;
  model_path: string;
  created_at: string;
  strategy: { name: string; hash: string; source: string };
  backend: BackendInfo;
  training_metrics: {
    epochs_run: number;
    best_epoch: number;
    stopped_early: boolean;
    /** Unweighted training-set cross-entropy of the untrained model (inference mode). */
    initial_loss: number;
    /** The same after training (best weights). */
    final_loss: number;
    best_val_loss: number;
    best_val_accuracy: number;
    /**
     * (initial - final) / initial, where both are the unweighted cross-entropy on the training part
     * in inference mode, of the untrained model (about ln 3) and of the trained one.
     */
    loss_decrease: number;
    class_weights: number[];
    samples_per_s: number;
    history: EpochStats[];
  };
  test_metrics: ClassificationMetrics;
  /** Out-of-sample backtest of the test predictions against buy-and-hold (null when not run). */
  backtest: Record<string, unknown> | null;
  artifacts: {
    feature_importance: FeatureImportance[];
    per_symbol: PerSymbolMetrics[];
    files: string[];
  };
  model_info: {
    architecture: string;
    parameters: number;
    input_features: number;
    feature_names: string[];
    optimizer: string;
    learning_rate: number;
    batch_size: number;
    seed: number;
  };
  data_summary: {
    source: string;
    data_hash: string;
    symbols: string[];
    timeframe: string;
    /** symbols / timeframe the run selected (strategy YAML + overrides; null = all / as loaded). Absent before it was recorded. */
    selection?: { symbols: string[] | null; timeframe: string | null };
    bars: number;
    date_range: { from: string; to: string };
    samples: { train: number; validation: number; test: number; purged: number };
    split_boundaries: { validation_start: string; test_start: string };
    label_balance: { down: number; flat: number; up: number };
    notes: string[];
  };
  /** Present when the strategy sets training.cross_validation. */
  cross_validation?: CrossValidationResult;
  timings: {
    data_s: number;
    features_s: number;
    training_s: number;
    evaluation_s: number;
    /** The cross-validation fits, when the strategy asks for them. */
    cross_validation_s?: number;
    saving_s: number;
    total_s: number;
  };
}
