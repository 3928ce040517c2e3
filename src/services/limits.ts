import { checkLimit, clientOf, limitExceeded, type Limits } from '../config/limits.js';
import type { Strategy } from '../domain/strategy.js';
import { checkMemory, checkStrategyLimits, checkTrainingBudget, featureCount } from '../pipeline/budget.js';
import { parseDataSpec } from '../pipeline/data/index.js';
import { syntheticBarTotal } from '../pipeline/data/spec.js';
import type { OperationStore } from '../registry/operations.js';

/**
 * The limits that refuse work before any row or job exists (config `limits`). The worker checks
 * again exactly once the data is loaded and split (pipeline/budget.ts); the job runner enforces
 * the wall time, the HTTP server the sessions, the tool boundary the request time.
 */
export function createLimitChecks(limits: Limits, operations: OperationStore) {
  /** Refuses one more pending/running job for `client` when it, or everyone together, is at the cap. */
  function admit(client: string): void {
    const owners = operations.activeJobOwners();
    const mine = owners.filter((o) => clientOf(o.actor ?? '', o.client ?? undefined) === client).length;
    const waitHint = 'Wait for some to finish (get_status, list_operations) or cancel some (cancel_training, cancel_research).';
    if (mine + 1 > limits.queued_jobs_per_client)
      throw limitExceeded(
        'queued_jobs_per_client',
        `Client "${client}" has ${mine} jobs pending or running; one more makes`,
        mine + 1,
        limits.queued_jobs_per_client,
        waitHint,
      );
    checkLimit(
      limits,
      'queued_jobs_total',
      `${owners.length} jobs are pending or running in all; one more makes`,
      owners.length + 1,
      waitHint,
    );
  }

  /** Bars x symbols of a synthetic data spec (other specs pass: their size is known once loaded). */
  function dataSpec(spec: string | undefined): number | null {
    if (spec === undefined) return null;
    const bars = syntheticBarTotal(parseDataSpec(spec));
    if (bars !== null) checkLimit(limits, 'synthetic_bars', `The synthetic spec "${spec}" generates too many bars (bars x symbols)`, bars);
    return bars;
  }

  /**
   * A training request: the network and batch size, the synthetic size, and when the bar count is
   * known up front (a synthetic spec the strategy does not filter) the memory and the training
   * budget with every bar outside the validation and test shares a training sample (warm-up and
   * purge make the real count a little lower; the worker checks it exactly).
   */
  function training(strategy: Strategy, spec: string): void {
    checkStrategyLimits(limits, strategy);
    const bars = dataSpec(spec);
    const d = strategy.data;
    if (bars === null || d.symbols || d.from || d.to || d.timeframe) return;
    checkMemory(limits, bars, featureCount(strategy));
    const t = strategy.training;
    checkTrainingBudget(limits, strategy, Math.floor(bars * (1 - t.validation_fraction - t.test_fraction)));
  }

  return { limits, admit, dataSpec, training };
}

export type LimitChecks = ReturnType<typeof createLimitChecks>;
