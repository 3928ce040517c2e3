import { z } from 'zod';
import type { Strategy } from '../domain/strategy.js';

/**
 * The research loop's two roles. Each has a Claude provider (src/agents/providers/claude-*) and an
 * offline provider (src/agents/providers/offline-*); the cycle runner only sees these interfaces.
 */

export const verdicts = ['strong_signal', 'weak_signal', 'no_signal', 'overfit'] as const;
export const verdictSchema = z.enum(verdicts).describe('What the evidence says about the strategy');
export type Verdict = z.infer<typeof verdictSchema>;

/** What `submit_assessment` takes (the assessor's tool input), validated with this schema. */
export const assessmentSchema = z.strictObject({
  verdict: verdictSchema,
  rationale: z.string().min(1).describe('Why, citing the measured figures'),
  next_hypotheses: z.array(z.string().min(1)).max(10).describe('Ideas worth testing next'),
});
export type Assessment = z.infer<typeof assessmentSchema>;

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  /** Calls made to the model service (retries included). */
  requests: number;
}
export const NO_USAGE: TokenUsage = { input_tokens: 0, output_tokens: 0, requests: 0 };

/** One earlier experiment as the designer sees it (from the journal). */
export interface ExperimentSummary {
  cycle_id: string;
  strategy_name: string;
  strategy_hash: string;
  hypothesis: string;
  /** Where the cycle ended: done, gate_rejected_training, gate_rejected_backtest, failed. */
  outcome: string;
  verdict: Verdict | null;
  /** Key figures: test accuracy, baseline accuracy, OOS Sharpe, trades, ... (absent when not reached). */
  metrics: Record<string, number | null>;
  /** Failing gate checks or the error, e.g. "accuracy_below_threshold (35% < 45%)". */
  rejection_reasons: string[];
  rationale: string;
  /** The strategy exactly as trained (offline search mutates these). */
  strategy_yaml: string;
}

export interface JournalSummary {
  best: ExperimentSummary[];
  recent: ExperimentSummary[];
  rejected: ExperimentSummary[];
  /** Every strategy hash tried in this research program (never retrain one of these). */
  tried_hashes: string[];
  total_trials: number;
}

/** A summary of the data the strategy will be trained on (computed by the cycle runner). */
export interface DataSummary {
  spec: string;
  symbols: string[];
  timeframe: string;
  bars: number;
  from: string;
  to: string;
  /** Annualised return and volatility of an equal-weight buy-and-hold, for context. */
  annual_return: number;
  annual_volatility: number;
}

export interface DesignRequest {
  /** The research program's goal in the user's words. */
  goal: string;
  /** Research program name; registered models of this program are named after their strategies. */
  program: string;
  data: DataSummary;
  journal: JournalSummary;
  /** Seed for this cycle (deterministic offline search; recorded for Claude). */
  seed: number;
  cycle_index: number;
  /** Training epochs cap the loop imposes (the designer may ask for fewer). */
  max_epochs: number;
}

export interface Design {
  strategy: Strategy;
  /** The YAML as submitted (what gets trained and stored). */
  strategy_yaml: string;
  hypothesis: string;
  usage: TokenUsage;
  /** Repair rounds used (Claude: invalid submissions sent back), 0 offline. */
  repair_rounds: number;
}

export interface Designer {
  readonly provider: 'claude' | 'offline';
  design(request: DesignRequest, opts: { signal?: AbortSignal | undefined }): Promise<Design>;
}

/** Everything the assessor reads: measured figures and gate results, never free text from data files unfenced. */
export interface AssessmentRequest {
  goal: string;
  strategy_name: string;
  hypothesis: string;
  strategy_yaml: string;
  /** Where the cycle got to: 'done' (both gates passed), 'gate_rejected_training', 'gate_rejected_backtest'. */
  outcome: string;
  training: {
    test_accuracy: number;
    baseline_accuracy: number;
    validation_accuracy: number;
    test_loss: number;
    epochs_run: number;
    /** The training gate's directional edge over the majority direction and its one-sided p-value (absent for older models). */
    direction_edge?: number | undefined;
    direction_edge_p?: number | undefined;
  } | null;
  /** OOS backtest of the test segment: strategy vs buy-and-hold (null when not reached). */
  backtest: {
    strategy: Record<string, number>;
    buy_and_hold: Record<string, number>;
  } | null;
  gates: { gate: string; passed: boolean; reasons: string[] }[];
  journal: JournalSummary;
}

export interface AssessmentOutcome {
  assessment: Assessment;
  usage: TokenUsage;
}

export interface Assessor {
  readonly provider: 'claude' | 'offline';
  assess(request: AssessmentRequest, opts: { signal?: AbortSignal | undefined }): Promise<AssessmentOutcome>;
}
