import { z } from 'zod';
import { cycleStateSchema, usageSchema, type ResearchCycle } from '../domain/research.js';

export const cycleSummarySchema = z.object({
  cycle_id: z.string(),
  cycle_index: z.number().int().describe('Number of the cycle within its research program'),
  phase_reached: cycleStateSchema,
  strategy_name: z.string().nullable(),
  hypothesis: z.string().nullable(),
  gates: z
    .array(z.object({ gate: z.string(), passed: z.boolean(), failing: z.array(z.string()).describe('Reasons of the failed checks') }))
    .describe('Gates the cycle reached, in order'),
  backtest: z
    .object({
      sharpe: z.number().nullable(),
      total_return: z.number().nullable(),
      max_drawdown: z.number().nullable(),
      win_rate: z.number().nullable(),
      trades: z.number().nullable(),
      buy_and_hold_sharpe: z.number().nullable(),
      buy_and_hold_total_return: z.number().nullable(),
    })
    .nullable()
    .describe('Out-of-sample backtest of the test segment against buy-and-hold'),
  test_accuracy: z.number().nullable(),
  baseline_accuracy: z.number().nullable(),
  deflated_sharpe: z.number().nullable(),
  verdict: z.string().nullable(),
  rationale: z.string().nullable(),
  next_hypotheses: z.array(z.string()),
  lockbox: z
    .object({ from: z.string(), to: z.string(), sharpe: z.number(), trades: z.number(), passed: z.boolean() })
    .nullable()
    .describe('The one evaluation on the held-out recent bars (only models that passed every gate get one); null when not evaluated'),
  model_id: z.string().nullable(),
  stage: z.string().nullable(),
  usage: usageSchema,
  error: z.string().nullable(),
});
export type CycleSummary = z.infer<typeof cycleSummarySchema>;

/** A cycle as agents and the CLI see it: what it tried, how far it got, what it found. */
export function cycleSummary(c: ResearchCycle): CycleSummary {
  const m = c.metrics ?? {};
  const v = (k: string) => m[k] ?? null;
  return {
    cycle_id: c.cycle_id,
    cycle_index: c.cycle_index,
    phase_reached: c.state,
    strategy_name: c.strategy_name,
    hypothesis: c.hypothesis,
    gates: (c.gates ?? []).map((g) => ({
      gate: g.gate,
      passed: g.passed,
      failing: g.checks.filter((k) => !k.passed).map((k) => k.reason),
    })),
    backtest:
      c.metrics && m['oos_sharpe'] !== undefined
        ? {
            sharpe: v('oos_sharpe'),
            total_return: v('oos_total_return'),
            max_drawdown: v('oos_max_drawdown'),
            win_rate: v('oos_win_rate'),
            trades: v('oos_trades'),
            buy_and_hold_sharpe: v('buy_and_hold_sharpe'),
            buy_and_hold_total_return: v('buy_and_hold_total_return'),
          }
        : null,
    test_accuracy: v('test_accuracy'),
    baseline_accuracy: v('baseline_accuracy'),
    deflated_sharpe: v('deflated_sharpe'),
    verdict: c.verdict,
    rationale: c.rationale,
    next_hypotheses: c.next_hypotheses ?? [],
    lockbox: c.lockbox
      ? { from: c.lockbox.from, to: c.lockbox.to, sharpe: c.lockbox.sharpe, trades: c.lockbox.trades, passed: c.lockbox.passed }
      : null,
    model_id: c.model_id,
    stage: c.stage,
    usage: c.usage,
    error: c.error,
  };
}
