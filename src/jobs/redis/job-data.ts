import type { QueueConfig } from '../../config/schema.js';
import { DomainError } from '../../domain/errors.js';
import { packedSize, type PackedBars } from '../../pipeline/data/packed.js';
import { parseDataSpec } from '../../pipeline/data/spec.js';
import { parseStrategy } from '../../pipeline/strategy-source.js';
import { DEFAULT_DATA_SPEC } from '../../pipeline/train-pipeline.js';
import type { JobSpec, TrainingJobSpec, TrialJobSpec, WorkerSettings } from '../protocol.js';

/** Reads a `store:` spec's bars from the registry and packs them (off the main thread: a task). */
export type PackStoreBars = (spec: string, settings: WorkerSettings) => Promise<PackedBars>;

/** The data spec a training run or trial reads: the job's, else its strategy's source, else the bundled sample. */
export function jobDataSpec(spec: TrainingJobSpec | TrialJobSpec): string {
  return spec.data ?? parseStrategy(spec.strategy_yaml, spec.strategy_source).strategy.data.source ?? DEFAULT_DATA_SPEC;
}

function isStoreSpec(data: string): boolean {
  try {
    return parseDataSpec(data).kind === 'store';
  } catch {
    // The worker reports the bad spec as the job's failure, as a local job does.
    return false;
  }
}

/**
 * Jobs that stay on this machine: backtests (they read the registry's model files), and jobs on
 * `store:` data when this coordinator cannot pack bars for a worker.
 */
export function runsHere(spec: JobSpec, canPackStore: boolean): boolean {
  if (spec.kind === 'backtest') return true;
  return !canPackStore && isStoreSpec(jobDataSpec(spec));
}

/**
 * What a remote worker runs: no registry file (workers never open it) and no coordinator path for a
 * trial's returns (the coordinator writes them from the result); a job on `store:` data carries its
 * bars, at most `queue.data_max_mb`.
 */
export async function remoteSpec(
  spec: TrainingJobSpec | TrialJobSpec,
  q: QueueConfig,
  pack: PackStoreBars | undefined,
): Promise<TrainingJobSpec | TrialJobSpec> {
  const remote = spec.kind === 'trial' ? { ...spec, store_file: undefined, returns_file: undefined } : { ...spec, store_file: undefined };
  const data = jobDataSpec(spec);
  if (!pack || !isStoreSpec(data)) return remote;
  const bars = await pack(data, spec);
  const size = packedSize(bars);
  const max = q.data_max_mb * 1024 * 1024;
  if (size > max) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    throw new DomainError(
      'LIMIT_EXCEEDED',
      `${data}: the ingested bars this job reads take ${mb(size)} MB packed, more than queue.data_max_mb (${mb(max)} MB), ` +
        `the most one job carries to a worker through Redis. Name fewer symbols or one timeframe (store:SYM1,SYM2,timeframe=1d), ` +
        `or raise queue.data_max_mb in the coordinator's config file (Redis holds each queued job's bars until its row ends).`,
      { field: 'queue.data_max_mb', size_mb: Number(mb(size)), limit_mb: q.data_max_mb },
    );
  }
  return { ...remote, store_bars: bars };
}
