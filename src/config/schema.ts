import { z } from 'zod';
import { backendNames } from '../pipeline/backend/index.js';

// Defaults: training gate from the model-trainer spec (accuracy 0.45, loss 0.8, decrease 20%);
// promotion: OOS Sharpe >= 0.9 x production and a deflated Sharpe >= 0.95 (Bailey & López de Prado).
const trainingGateSchema = z.strictObject({
  min_accuracy: z.number().min(0).max(1).default(0.45),
  max_test_loss: z.number().positive().default(0.8),
  min_loss_decrease: z.number().min(0).max(1).default(0.2),
  min_edge_over_baseline: z.number().min(0).max(1).default(0.02),
});
const backtestGateSchema = z.strictObject({
  min_win_rate: z.number().min(0).max(1).default(0.45),
  max_drawdown: z.number().min(0).max(1).default(0.25),
  min_sharpe: z.number().default(0.5),
  min_trades: z.number().int().min(0).default(10),
});
const promotionGateSchema = z.strictObject({
  non_inferiority: z.number().min(0).max(2).default(0.9),
  min_deflated_sharpe: z.number().min(0).max(1).default(0.95),
});
// Walk-forward defaults: 4 out-of-sample windows (each test part a fifth of the data, as the
// training split's test part is ~15-20%); at least 250 training bars, about one year of daily bars.
const backtestSchema = z.strictObject({
  walk_forward_windows: z.number().int().min(1).max(50).default(4),
  min_train_bars: z.number().int().min(30).default(250),
});

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
  gates: z
    .strictObject({
      training: trainingGateSchema.default(trainingGateSchema.parse({})),
      backtest: backtestGateSchema.default(backtestGateSchema.parse({})),
      promotion: promotionGateSchema.default(promotionGateSchema.parse({})),
    })
    .default({ training: trainingGateSchema.parse({}), backtest: backtestGateSchema.parse({}), promotion: promotionGateSchema.parse({}) })
    .describe('Gate thresholds; the training gate defaults follow the model-trainer spec'),
  backtest: backtestSchema.default(backtestSchema.parse({})).describe('Backtest jobs: walk-forward defaults'),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
