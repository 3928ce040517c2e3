import { z } from 'zod';
import { gateResultSchema } from './model-version.js';

export const cycleStates = [
  'designing',
  'training',
  'backtesting',
  'assessing',
  'done',
  'gate_rejected_training',
  'gate_rejected_backtest',
  'failed',
  'cancelled',
] as const;
export const cycleStateSchema = z.enum(cycleStates).describe('Where the research cycle is, or how it ended');
export type CycleState = z.infer<typeof cycleStateSchema>;
export const TERMINAL_CYCLE_STATES = new Set<CycleState>([
  'done',
  'gate_rejected_training',
  'gate_rejected_backtest',
  'failed',
  'cancelled',
]);

export const usageSchema = z.object({
  input_tokens: z.number().int().min(0).default(0),
  output_tokens: z.number().int().min(0).default(0),
  requests: z.number().int().min(0).default(0),
});

/** A cycle model's one evaluation on its run's lockbox (see agents/lockbox.ts). */
export const lockboxResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  bars: z.number(),
  sharpe: z.number(),
  trades: z.number(),
  max_drawdown: z.number(),
  total_return: z.number(),
  test_sharpe: z.number().nullable().describe("The test segment's Sharpe it is compared with"),
  passed: z.boolean(),
  reasons: z.array(z.string()),
  operation_id: z.string().nullable(),
});
export type LockboxResult = z.infer<typeof lockboxResultSchema>;

/** One research cycle: its persisted state machine and, once it ends, its journal entry. */
export const researchCycleSchema = z.object({
  cycle_id: z.string(),
  program: z.string().describe('Research program the cycle belongs to (trials of a program deflate each other)'),
  run_id: z.string().describe('The research operation running (or last running) this cycle'),
  cycle_index: z.number().int().min(1),
  state: cycleStateSchema,
  seed: z.number().int(),
  designer: z.string(),
  strategy_name: z.string().nullable(),
  strategy_hash: z.string().nullable(),
  strategy_yaml: z.string().nullable(),
  hypothesis: z.string().nullable(),
  training_op_id: z.string().nullable(),
  model_id: z.string().nullable(),
  metrics: z.record(z.string(), z.number().nullable()).nullable(),
  gates: z.array(gateResultSchema).nullable(),
  verdict: z.enum(['strong_signal', 'weak_signal', 'no_signal', 'overfit']).nullable(),
  rationale: z.string().nullable(),
  next_hypotheses: z.array(z.string()).nullable(),
  stage: z.string().nullable().describe('Stage the cycle left its model in (staging when it passed the promotion gate and the lockbox)'),
  lockbox: lockboxResultSchema.nullable().describe('The one evaluation on the lockbox; null when not evaluated'),
  usage: usageSchema,
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
});
export type ResearchCycle = z.infer<typeof researchCycleSchema>;
