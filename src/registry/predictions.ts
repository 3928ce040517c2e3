import { z } from 'zod';
import type { Db } from './db.js';
import { fromJson } from './json-columns.js';

export const predictionRowSchema = z.object({
  model_id: z.string(),
  symbol: z.string(),
  /** Bar time, Unix ms. */
  time: z.number(),
  p_down: z.number(),
  p_flat: z.number(),
  p_up: z.number(),
  /** Argmax class: 0 down, 1 flat, 2 up. */
  predicted: z.number().int(),
  /** Position the strategy's decisions take on this bar: -1, 0, +1. */
  position: z.number().int(),
  scored_at: z.string(),
  /** Label with the training definition, once the horizon has passed. */
  realised_label: z.number().int().nullable(),
  /** position x simple return over the label horizon (close to close). */
  realised_return: z.number().nullable(),
  /** position x the next bar's simple return (close to close): the P&L of holding it one bar. */
  bar_return: z.number().nullable(),
  resolved_at: z.string().nullable(),
});
export type PredictionRow = z.infer<typeof predictionRowSchema>;

export const evaluationRowSchema = z.object({
  model_id: z.string(),
  window_end: z.number(),
  evaluated_at: z.string(),
  metrics: z.record(z.string(), z.unknown()),
  degraded_metrics: z.array(z.string()),
  retraining_recommended: z.boolean(),
});
export type EvaluationRow = z.infer<typeof evaluationRowSchema>;

export type NewPrediction = Omit<PredictionRow, 'realised_label' | 'realised_return' | 'bar_return' | 'resolved_at'>;
export interface Outcome {
  model_id: string;
  symbol: string;
  time: number;
  realised_label: number;
  realised_return: number;
  bar_return: number;
}

/** Rows per write transaction. */
const WRITE_ROWS = 1000;

/** Production scoring: one row per (model, symbol, bar) with its outcome once known, and metric evaluations. */
export function createPredictionStore(db: Db, clock: () => Date) {
  const timesStmt = db.prepare('SELECT time FROM performance_predictions WHERE model_id = ? AND symbol = ?').pluck();
  const insertStmt = db.prepare(
    `INSERT OR IGNORE INTO performance_predictions (model_id, symbol, time, p_down, p_flat, p_up, predicted, position, scored_at)
     VALUES (@model_id, @symbol, @time, @p_down, @p_flat, @p_up, @predicted, @position, @scored_at)`,
  );
  const unresolvedStmt = db.prepare(
    'SELECT * FROM performance_predictions WHERE model_id = ? AND realised_label IS NULL ORDER BY symbol, time',
  );
  const resolveStmt = db.prepare(
    `UPDATE performance_predictions SET realised_label = @realised_label, realised_return = @realised_return, bar_return = @bar_return,
       resolved_at = @resolved_at WHERE model_id = @model_id AND symbol = @symbol AND time = @time`,
  );
  const sinceStmt = db.prepare('SELECT * FROM performance_predictions WHERE model_id = ? AND time > ? ORDER BY time, symbol');
  const lastResolvedStmt = db
    .prepare('SELECT MAX(time) FROM performance_predictions WHERE model_id = ? AND realised_label IS NOT NULL')
    .pluck();
  const deleteFrom = db.prepare('DELETE FROM performance_predictions WHERE symbol = ? AND time >= ?');
  const unresolveSymbol = db.prepare(
    'UPDATE performance_predictions SET realised_label = NULL, realised_return = NULL, bar_return = NULL, resolved_at = NULL WHERE symbol = ?',
  );
  const saveEval = db.prepare(
    `INSERT OR REPLACE INTO performance_evaluations (model_id, window_end, evaluated_at, metrics, degraded_metrics, retraining_recommended)
     VALUES (@model_id, @window_end, @evaluated_at, @metrics, @degraded_metrics, @retraining_recommended)`,
  );
  const countStmt = db.prepare(
    'SELECT COUNT(*) AS scored, COUNT(realised_label) AS resolved FROM performance_predictions WHERE model_id = ?',
  );
  const evalsStmt = db.prepare('SELECT * FROM performance_evaluations WHERE model_id = ? ORDER BY window_end DESC LIMIT ?');

  const parseEval = (r: Record<string, unknown>): EvaluationRow =>
    evaluationRowSchema.parse({
      ...r,
      metrics: fromJson(r['metrics']),
      degraded_metrics: fromJson(r['degraded_metrics']),
      retraining_recommended: r['retraining_recommended'] === 1,
    });

  return {
    scoredTimes(modelId: string, symbol: string): Set<number> {
      return new Set(timesStmt.all(modelId, symbol) as number[]);
    },
    /**
     * Inserts scored bars, 1,000 to a transaction, so that a large first scoring never holds the
     * write lock for long; a process killed midway leaves whole rows, and the next update scores
     * the rest (`scoredTimes`).
     */
    insert(rows: readonly NewPrediction[]): number {
      const some = db.transaction((from: number) => {
        let n = 0;
        for (let i = from; i < Math.min(rows.length, from + WRITE_ROWS); i++) n += insertStmt.run(rows[i]!).changes;
        return n;
      });
      let n = 0;
      for (let from = 0; from < rows.length; from += WRITE_ROWS) n += some(from);
      return n;
    },
    unresolved(modelId: string): PredictionRow[] {
      return (unresolvedStmt.all(modelId) as unknown[]).map((r) => predictionRowSchema.parse(r));
    },
    /** Records outcomes, 1,000 to a transaction (as `insert`; unresolved rows are resolved at the next update). */
    resolve(outcomes: readonly Outcome[]): void {
      const at = clock().toISOString();
      const some = db.transaction((from: number) => {
        for (let i = from; i < Math.min(outcomes.length, from + WRITE_ROWS); i++) resolveStmt.run({ ...outcomes[i]!, resolved_at: at });
      });
      for (let from = 0; from < outcomes.length; from += WRITE_ROWS) some(from);
    },
    /** Rows with a bar time after `afterMs`, oldest first. */
    since(modelId: string, afterMs: number): PredictionRow[] {
      return (sinceStmt.all(modelId, afterMs) as unknown[]).map((r) => predictionRowSchema.parse(r));
    },
    lastResolvedTime(modelId: string): number | null {
      return (lastResolvedStmt.get(modelId) as number | null) ?? null;
    },
    /** Bars of `symbol` from `fromMs` were replaced: their scores go, and every outcome of the symbol is resolved again. */
    invalidate(symbol: string, fromMs: number): void {
      db.transaction(() => {
        deleteFrom.run(symbol, fromMs);
        unresolveSymbol.run(symbol);
      })();
    },
    saveEvaluation(e: Omit<EvaluationRow, 'evaluated_at'>): EvaluationRow {
      const row = { ...e, evaluated_at: clock().toISOString() };
      saveEval.run({
        ...row,
        metrics: JSON.stringify(row.metrics),
        degraded_metrics: JSON.stringify(row.degraded_metrics),
        retraining_recommended: row.retraining_recommended ? 1 : 0,
      });
      return row;
    },
    counts(modelId: string): { scored: number; resolved: number } {
      return countStmt.get(modelId) as { scored: number; resolved: number };
    },
    /** Newest first. */
    evaluations(modelId: string, limit = 400): EvaluationRow[] {
      return (evalsStmt.all(modelId, limit) as Record<string, unknown>[]).map(parseEval);
    },
  };
}

export type PredictionStore = ReturnType<typeof createPredictionStore>;
