import { z } from 'zod';
import { DomainError } from '../domain/errors.js';

const count = (n: number) => z.number().int().min(1).default(n);

/**
 * What one client (an MCP session, the local CLI, the scheduler) may ask of trainyard. Every default
 * says where it comes from; raise a limit in the config file (`limits.<key>`).
 */
export const limitsSchema = z.strictObject({
  // 20: a research program's worth of trials queued by hand; with workers = 1 and minutes per job
  // that is already hours of work waiting. Measured abuse: 200 calls queued in 3.9 s.
  queued_jobs_per_client: count(20).describe('Pending + running jobs (training, backtests, research runs) one client may have at once'),
  // 100: five clients at their cap; the queue stays a list an agent can read in one list_operations page.
  queued_jobs_total: count(100).describe('Pending + running jobs of all clients together'),
  // 64: one session per agent or IDE window; 1,000 sessions were opened in seconds, each an McpServer.
  http_sessions: count(64).describe('Concurrent MCP sessions over Streamable HTTP; the next initialize is answered 503'),
  // 900 s: a tool call that waits (wait_seconds) returns the job's status by then; clients poll get_status after.
  request_seconds: count(900).describe('Longest a tool call may take; wait_seconds is capped at this'),
  // 2M: [1024, 1024] on 100 features is 1.2M; 2M float32 weights are 8 MB, 24 MB with Adam's moments.
  // The abusive 8 x 4096 strategy is 117M.
  model_parameters: count(2_000_000).describe("Trainable parameters of a strategy's network (weights and biases)"),
  // 100M: the synthetic cap's 5M bars at the default 70% training share for ~30 epochs (the default).
  sample_epochs: count(100_000_000).describe('Training samples x epochs of one training run (CPCV fits count too)'),
  // 2M: 2M samples at the default batch 64 for 60 epochs; a step of a small MLP takes well under 1 ms.
  optimizer_steps: count(2_000_000).describe('Optimizer steps (batches x epochs) of one training run'),
  // 8: batch 1 on a large set is millions of tiny steps; every bundled and designed strategy uses 16 or more.
  min_batch_size: count(8).describe('Smallest batch_size a strategy may train with'),
  // 5M: the synthetic generator's old per-series ceiling, now for bars x symbols together (it allowed
  // 5M x 100 = 500M bars); a 4M-bar series is the largest the tests generate.
  synthetic_bars: count(5_000_000).describe('Bars x symbols of a synthetic data spec'),
  // 6 h: the longest ordinary run (minutes to a couple of hours on a 2-core machine) with room to spare.
  job_wall_seconds: count(6 * 3600).describe('Wall time of one job once it runs; it then ends failed (TIME_LIMIT)'),
  // 8 GiB: typed arrays live outside the V8 heap (worker_memory_mb does not see them); 10M bars x 20
  // features is estimated at 5.9 GB (pipeline/budget.ts memoryEstimateMb), and a 16 GB machine keeps half for the rest.
  job_memory_mb: count(8192).describe("Estimated memory of a job's data (bars x features) before it is built"),
});

export type Limits = z.infer<typeof limitsSchema>;
export type LimitKey = keyof Limits;

/** The refusal every limit gives: which limit, what was asked, what is allowed, and the key that raises it. */
export function limitExceeded(key: LimitKey, what: string, asked: number, max: number, hint = ''): DomainError {
  const fmt = (n: number) => n.toLocaleString('en-US');
  return new DomainError(
    'LIMIT_EXCEEDED',
    `${what}: ${fmt(asked)} asked, at most ${fmt(max)} allowed (config limits.${key}).${hint ? ` ${hint}` : ''} ` +
      `Ask for less, or raise limits.${key} in the trainyard config file.`,
    { limit: key, asked, max },
  );
}

/** Throws `limitExceeded` when `asked` is above the limit. */
export function checkLimit(limits: Limits, key: LimitKey, what: string, asked: number, hint?: string): void {
  if (asked > limits[key]) throw limitExceeded(key, what, asked, limits[key], hint);
}

/**
 * Who a job counts against: an MCP session passes its own client id; a person's CLI commands are
 * one local client whatever the user name; anything else (the scheduler, a test) is its actor.
 */
export function clientOf(actor: string, client?: string): string {
  if (client) return client;
  return actor.startsWith('cli:') ? 'cli' : actor;
}
