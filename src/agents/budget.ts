import type { TokenUsage } from './types.js';

export interface BudgetLimits {
  max_cycles: number;
  max_wall_ms: number;
  max_tokens: number;
  daily_cost_usd: number;
  /** USD per million tokens of the model in use; null offline (no cost). */
  price: { input: number; output: number } | null;
}

export interface BudgetState {
  cycles_started: number;
  started_at_ms: number;
  now_ms: number;
  /** Tokens this run spent. */
  run_tokens: number;
  /** Tokens every run spent today (UTC), for the daily cost budget. */
  today: { input_tokens: number; output_tokens: number };
}

export type BudgetReason = 'cycles' | 'wall_time' | 'tokens' | 'daily_cost';

export function costUsd(u: Pick<TokenUsage, 'input_tokens' | 'output_tokens'>, price: BudgetLimits['price']): number {
  return price ? (u.input_tokens * price.input + u.output_tokens * price.output) / 1e6 : 0;
}

/** Why the loop must not start another cycle, or null. Checked before each cycle: a started cycle finishes. */
export function budgetStop(l: BudgetLimits, s: BudgetState): { reason: BudgetReason; message: string } | null {
  if (s.cycles_started >= l.max_cycles)
    return { reason: 'cycles', message: `ran the ${l.max_cycles} cycle${l.max_cycles === 1 ? '' : 's'} asked for` };
  const elapsed = s.now_ms - s.started_at_ms;
  if (elapsed >= l.max_wall_ms)
    return {
      reason: 'wall_time',
      message: `wall-time budget reached (${(elapsed / 60_000).toFixed(1)} of ${(l.max_wall_ms / 60_000).toFixed(1)} min)`,
    };
  if (s.run_tokens >= l.max_tokens)
    return { reason: 'tokens', message: `token budget reached (${s.run_tokens} of ${l.max_tokens} tokens)` };
  const spent = costUsd(s.today, l.price);
  if (l.price && spent >= l.daily_cost_usd)
    return {
      reason: 'daily_cost',
      message: `daily cost budget reached ($${spent.toFixed(2)} of $${l.daily_cost_usd.toFixed(2)} today, UTC)`,
    };
  return null;
}
