import { z } from 'zod';
import { backendNames } from '../pipeline/backend/index.js';
import { backtestGateSchema, promotionGateSchema, trainingGateSchema } from '../domain/gates.js';

// Drift thresholds: PSI 0.1 / 0.2 are the usual rules of thumb; KS needs both a large statistic and a
// small p-value because consecutive bars are autocorrelated (the iid p-value is overconfident);
// concept drift when accuracy falls more than 15% below validation (issue 5).
const driftSchema = z.strictObject({
  psi_warn: z.number().min(0).default(0.1),
  psi_drift: z.number().min(0).default(0.2),
  ks_statistic: z.number().min(0).max(1).default(0.2),
  ks_p_value: z.number().min(0).max(1).default(0.01),
  accuracy_drop: z.number().min(0).max(1).default(0.15),
  recent_bars: z
    .number()
    .int()
    .min(30)
    .default(250)
    .describe('Bars of the most recent data the promotion gate checks for drift (about a year of daily bars)'),
  recent_data: z
    .string()
    .min(1)
    .optional()
    .describe("Data spec of the most recent market data for the promotion gate's drift check; the model's own data source when absent"),
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
      strategy_overrides: z
        .enum(['tighten_only', 'allow'])
        .default('tighten_only')
        .describe("A strategy's own gates: section may only make gates stricter, or may also loosen them"),
      require_human_approval: z
        .boolean()
        .default(false)
        .describe('Production needs a recorded approval by a person (trainyard models approve) before promotion'),
    })
    .default(() => ({
      training: trainingGateSchema.parse({}),
      backtest: backtestGateSchema.parse({}),
      promotion: promotionGateSchema.parse({}),
      strategy_overrides: 'tighten_only' as const,
      require_human_approval: false,
    }))
    .describe('Gate thresholds; the training gate defaults follow the model-trainer spec'),
  drift: driftSchema.default(() => driftSchema.parse({})).describe('Drift thresholds (check_drift and the promotion gate)'),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
