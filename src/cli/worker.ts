import path from 'node:path';
import { createLogger } from '../config/logger.js';
import { DomainError } from '../domain/errors.js';
import { startQueueWorker } from '../jobs/redis/worker.js';
import { redactUrl } from '../jobs/redis/coordinator.js';
import { intOption, parse } from './args.js';
import { configFor, str, type CliIo } from './context.js';
import { installProcessHandlers } from './process-handlers.js';

/**
 * `trainyard worker --queue redis://... [--concurrency N]`: runs training and trial jobs that a
 * coordinator (`serve`, or any command run with --queue) queued in Redis, until SIGINT/SIGTERM;
 * running jobs then finish first. Data specs (csv:, sample:, synthetic:) resolve on this machine
 * at the coordinator's paths; the worker never opens the registry.
 */
export async function workerCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { concurrency: { type: 'string' } });
  const logValues = { ...values, 'log-level': str(values['log-level']) ?? io.env['TRAINYARD_LOG_LEVEL'] ?? 'info' };
  const config = configFor(logValues, io);
  if (!config.queue)
    throw new DomainError(
      'INVALID_ARGUMENT',
      'trainyard worker needs a queue: --queue redis://host:6379 (or `queue.url` in the config file).',
    );
  const concurrency = intOption(str(values['concurrency']), 'concurrency', 1) ?? config.workers;
  const logger = createLogger(config.log_level);
  const removeHandlers = installProcessHandlers(process, logger, 'the worker');
  const worker = startQueueWorker({
    queue: config.queue,
    concurrency,
    stagingDir: path.join(config.home, 'models', '.staging'),
    logger,
    resourceLimits: config.worker_memory_mb ? { maxOldGenerationSizeMb: config.worker_memory_mb } : undefined,
  });
  logger.info({ queue: config.queue.name, redis: redactUrl(config.queue.url), concurrency }, 'trainyard worker ready');
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await worker.close();
  removeHandlers();
  return 0;
}
