import { z } from 'zod';
import { backendNames } from '../pipeline/backend/index.js';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every setting in one schema. Precedence: command-line flags > environment > config file > defaults. */
export const configSchema = z.strictObject({
  home: z.string().min(1).describe('State directory (registry, models, training status); TRAINYARD_HOME'),
  strategies_dir: z.string().min(1).describe('Folder of strategy YAML files'),
  data_dir: z.string().min(1).describe('Folder of bundled data files'),
  backend: z
    .enum(['auto', ...backendNames])
    .default('auto')
    .describe('TensorFlow.js backend; TRAINYARD_BACKEND'),
  wasm_threads: z.number().int().min(0).max(64).default(2).describe('wasm backend threads (0 = library default)'),
  log_level: z.enum(logLevels).default('info'),
  progress_every_batches: z.number().int().min(1).default(50).describe('Mid-epoch progress at most every N batches'),
  retention: z.number().int().min(1).default(5).describe('Newest model versions kept per name (plus every version ever in production)'),
  workers: z.number().int().min(1).max(16).default(1).describe('Training worker threads (1 suits a 2-core machine)'),
  worker_memory_mb: z.number().int().min(64).optional().describe('Heap limit of a training worker (resourceLimits.maxOldGenerationSizeMb)'),
  shutdown: z.enum(['cancel', 'finish']).default('cancel').describe('On SIGINT/SIGTERM: cancel running jobs, or let them finish'),
  shutdown_timeout_ms: z.number().int().min(0).default(30_000),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
