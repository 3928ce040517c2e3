import { Cron } from 'croner';
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

const isoInstant = z
  .string()
  .refine((v) => Number.isFinite(Date.parse(v)), 'an ISO date or date-time, e.g. "2026-12-20" or "2026-12-20T00:00:00Z"');
const cronExpression = z.string().refine((v) => {
  try {
    new Cron(v, { timezone: 'UTC', paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}, 'a cron expression (minute hour day-of-month month day-of-week, UTC), e.g. "0 2 * * 0" for Sundays 02:00');

// Retraining triggers (`trainyard watch`, or `serve` with run_in_serve). Defaults: hourly checks
// (a daily-bar model sees at most one new bar between checks); weekly Sunday 02:00 UTC (the
// model-trainer spec's example, outside trading hours); PSI 0.2 = the drift threshold of check_drift;
// 63 new bars = a quarter of trading days; 5 degraded days = a trading week; volatility 0.6 = about
// 3x the S&P 500's long-run ~0.18, crossed in 2008 and March 2020; 20 bars = a trading month;
// 24 h cooldown = at most one retrain a day per model.
const triggersSchema = z.strictObject({
  interval_seconds: z.number().int().min(1).default(3600).describe('How often the scheduler checks every production model'),
  schedule: cronExpression.nullable().default('0 2 * * 0').describe('Cron schedule (UTC) of routine retrains; null = none'),
  drift_psi: z.number().positive().nullable().default(0.2).describe('Retrain when the largest feature PSI on current data exceeds this'),
  new_data_bars: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(63)
    .describe('Retrain when current data has this many bars after the training data'),
  performance_days: z.number().int().min(1).nullable().default(5).describe('Retrain after live performance is degraded this many days'),
  blocked_periods: z
    .array(
      z
        .strictObject({ from: isoInstant, to: isoInstant, reason: z.string().min(1) })
        .refine((p) => Date.parse(p.to) >= Date.parse(p.from), 'a blocked period ends ("to") before it starts ("from")'),
    )
    .default([])
    .describe('Windows (UTC) in which triggers wait, e.g. year-end liquidity'),
  max_volatility: z.number().positive().nullable().default(0.6).describe('Triggers wait while recent annualised volatility is above this'),
  volatility_window_bars: z.number().int().min(2).default(20).describe('Bars of recent returns the volatility condition looks at'),
  cooldown_hours: z.number().min(0).default(24).describe('No new trigger for a model within this many hours of its last one'),
  data: z.string().min(1).nullable().default(null).describe("Data spec of current data; null = each model's own training data source"),
  promote_to_staging: z
    .boolean()
    .default(true)
    .describe('Promote a retrained version that passes the training and backtest gates to staging (never production)'),
  run_in_serve: z.boolean().default(false).describe('Run the scheduler inside `trainyard serve` too'),
});
export type TriggersConfig = z.infer<typeof triggersSchema>;

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
  triggers: triggersSchema.default(triggersSchema.parse({})).describe('Retraining triggers and the scheduler'),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
