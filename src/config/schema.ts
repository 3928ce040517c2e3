import { Cron } from 'croner';
import { z } from 'zod';
import { backendNames } from '../pipeline/backend/index.js';
import {
  TRAINING_GATE_PRESETS,
  backtestGateSchema,
  promotionGateSchema,
  trainingGatePartialSchema,
  trainingGatePresets,
  type TrainingGatePreset,
} from '../domain/gates.js';
import { limitsSchema } from './limits.js';

// Drift thresholds (derivations in monitoring/drift-report.ts DEFAULT_DRIFT): PSI 0.1 / 0.2 are the
// usual rules of thumb, raised per feature when few effective samples make PSI noisy; KS and the
// accuracy drop are tested on effective sample sizes at 1% each, and must also be material (D >= 0.1,
// a fall of more than 15% of validation accuracy).
const driftSchema = z.strictObject({
  psi_warn: z.number().min(0).default(0.1),
  psi_drift: z.number().min(0).default(0.2),
  ks_statistic: z.number().min(0).max(1).default(0.1).describe('Smallest KS statistic on prediction scores that counts as drift'),
  ks_p_value: z.number().min(0).max(1).default(0.01).describe('Significance of the KS test (effective sample sizes)'),
  accuracy_drop: z.number().min(0).max(1).default(0.15).describe('Smallest relative accuracy fall that counts as concept drift'),
  accuracy_p_value: z
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe('Significance of the one-sided accuracy-drop test (effective sample sizes on both sides)'),
  recent_bars: z
    .number()
    .int()
    .min(30)
    .default(250)
    .describe(
      'At most this many bars after the end of the training data are checked for drift by the promotion gate (about a year of daily bars)',
    ),
  recent_data: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Data spec of recent market data for the promotion gate's drift check (only its bars after the model's training data count); the model's own data source when absent",
    ),
});

// The lockbox: the most recent bars of a research run's data, held out of every cycle (no designer,
// assessor, journal or selection gate sees them) and traded once by a model that passed every gate.
//   - fraction 0.2: about as many bars as the test segment (training.test_fraction 0.15 of the rest)
//     plus the purge, so the lockbox judges a model on as much data as its test segment did.
//   - min_bars 60: a quarter of a year of daily bars; fewer and the lockbox is switched off (noted).
//   - min_trades 5: fewer trades make the lockbox Sharpe a statement about a couple of positions.
//   - min_sharpe_z 1.645: the lockbox must confirm the edge on its own: its Sharpe at least 1.645
//     standard errors above 0 (one-sided 5%; Lo 2002: se of a per-bar Sharpe ~ sqrt((1 + SR^2/2) / n)).
//     A model selected for a lucky test segment has a lockbox Sharpe near 0 and passes 5% of the
//     time; a Sharpe-1 edge on the default lockbox of ~5 years of daily bars passes about 2 times in 3,
//     a Sharpe-2 edge nearly always.
//   - max_shortfall_z (off by default): also require the lockbox Sharpe to fall short of the test
//     segment's by at most this many standard errors of the difference. Off because the test
//     Sharpe of a selected model is inflated by the selection (the winner's curse) and a real edge's
//     strength varies with the market's regime mix: measured, it failed real edges whose lockbox
//     Sharpe was 1.2-1.4 (z > 2.5 on its own).
const lockboxSchema = z.strictObject({
  fraction: z.number().min(0).max(0.5).default(0.2).describe('Most recent share of the bars held out of every cycle; 0 = no lockbox'),
  min_bars: z.number().int().min(10).default(60).describe('Fewest lockbox bars (per symbol) worth a look; fewer switch it off'),
  min_trades: z.number().int().min(0).default(5).describe('Trades the lockbox backtest needs at least'),
  min_sharpe_z: z.number().min(0).default(1.645).describe('Standard errors the lockbox Sharpe must be above 0'),
  max_shortfall_z: z
    .number()
    .min(0)
    .nullable()
    .default(null)
    .describe('How many standard errors the lockbox Sharpe may fall below the test segment Sharpe; null = not checked'),
});

// The Redis queue (src/jobs/redis): absent = jobs run in this process's worker threads. Defaults:
// BullMQ's own lock (30 s) and stalled check (30 s), one stall forgiven, 3 attempts; 64 MB of
// artifacts per job travel back through Redis (a small MLP's weights are a few hundred KB).
export const queueSchema = z.strictObject({
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL, e.g. "redis://:password@10.0.0.5:6379/0"')
    .describe('Redis URL (password and TLS via redis://:password@host:port/db or rediss://)'),
  name: z.string().min(1).default('trainyard').describe('BullMQ queue name (coordinator and workers must agree)'),
  lock_duration_ms: z
    .number()
    .int()
    .min(500)
    .default(30_000)
    .describe("A worker's lock on its job; a dead worker's job is redelivered after this"),
  stalled_interval_ms: z.number().int().min(500).default(30_000).describe('How often workers look for stalled jobs'),
  max_stalled_count: z.number().int().min(0).default(1).describe('Stalls (dead workers) a job survives before it fails'),
  attempts: z.number().int().min(1).max(20).default(3).describe('Attempts a job gets when its worker crashes'),
  artifact_max_mb: z.number().min(1).max(512).default(64).describe('Largest artifact folder a worker sends back through Redis'),
  // 64 MB: a job's `store:` bars travel in its Redis payload as base64 float64 columns (about 64 bytes
  // a bar), so 64 MB carries about a million bars; Redis holds the payload until the job's row ends.
  data_max_mb: z
    .number()
    .min(1)
    .max(512)
    .default(64)
    .describe('Largest `store:` data (bars from the registry, packed) a job carries to a worker through Redis'),
  // 30 s: a verdict is one pub/sub round trip (milliseconds); waiting longer than an epoch of a
  // small model means the coordinator is gone, and the trial then runs on unpruned.
  verdict_timeout_ms: z
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe("How long a worker waits for the coordinator's pruning verdict on a trial's epoch; then the trial goes on"),
});
export type QueueConfig = z.infer<typeof queueSchema>;

// Research loop budgets. Prices are USD per million tokens (input, output) as published for the
// Claude models at the time of writing; keep them current in your config file.
const researchSchema = z.strictObject({
  designer: z
    .enum(['auto', 'claude', 'offline'])
    .default('auto')
    .describe('auto: Claude when an API key is set (ANTHROPIC_API_KEY), otherwise the offline search'),
  model: z.string().min(1).default('claude-sonnet-5-5').describe('Claude model for the designer and assessor'),
  api_key: z.string().min(1).optional().describe('Anthropic API key; ANTHROPIC_API_KEY (never logged)'),
  base_url: z.string().url().optional().describe('Anthropic API base URL; ANTHROPIC_BASE_URL'),
  stream: z.boolean().default(false).describe('Stream Claude responses'),
  max_repair_rounds: z.number().int().min(0).max(10).default(3).describe('Invalid strategies sent back to Claude for repair'),
  default_data: z.string().min(1).default('sample:sp500').describe('Data spec research trains on when none is given'),
  max_epochs: z.number().int().min(1).max(1000).default(30).describe('Epochs a designed strategy may train at most'),
  max_cycles: z.number().int().min(1).max(10_000).default(1).describe('Cycles per research run unless --cycles says otherwise'),
  max_wall_minutes: z.number().min(0.1).default(240).describe('Wall time one research run may take'),
  max_tokens: z.number().int().min(0).default(2_000_000).describe('Tokens one research run may spend (input + output)'),
  daily_cost_usd: z.number().min(0).default(20).describe('Spend per UTC day across all runs'),
  prices: z
    .record(z.string(), z.strictObject({ input: z.number().min(0), output: z.number().min(0) }))
    .default({
      'claude-sonnet-5-5': { input: 3, output: 15 },
      'claude-opus-5-5': { input: 15, output: 75 },
      'claude-haiku-5-5': { input: 1, output: 5 },
    })
    .describe('USD per million tokens per model'),
  auto_promote_staging: z
    .boolean()
    .default(true)
    .describe('Promote a cycle model that passes the promotion gate and holds up on the lockbox to staging'),
  lockbox: lockboxSchema.default(() => lockboxSchema.parse({})).describe('Recent bars held out of every cycle, evaluated once'),
});

const metricRule = (days: number, threshold: number, min_samples: number) =>
  z
    .strictObject({ days: z.number().positive(), threshold: z.number(), min_samples: z.number().int().min(1) })
    .default({ days, threshold, min_samples });
// Performance monitoring. Windows from issue 5 (accuracy 7 d, win rate and Sharpe 30 d). Accuracy 0.40: under
// the training gate's 0.45 by the noise of a one-week window, above the 1/3 of guessing among 3 classes; win
// rate 0.45 = the backtest gate's; Sharpe 0: a 30-day Sharpe has a standard error near sqrt(252/30) = 2.9, so
// only a loss is a signal; importance rank correlation 0.3 = a weak but real agreement with training over 90 d
// (permutation importance on fewer than 40 rows is noise); gap_factor 4: daily equity bars' longest routine
// break is a 4-day holiday weekend.
const performanceSchema = z.strictObject({
  prediction_accuracy: metricRule(7, 0.4, 5),
  signal_win_rate: metricRule(30, 0.45, 5),
  sharpe: metricRule(30, 0, 10),
  feature_importance_stability: metricRule(90, 0.3, 40),
  gap_factor: z.number().min(1.5).default(4),
});
// Walk-forward defaults: 4 out-of-sample windows (each test part a fifth of the data, as the
// training split's test part is ~15-20%); at least 250 training bars, about one year of daily bars.
const backtestSchema = z.strictObject({
  walk_forward_windows: z.number().int().min(1).max(50).default(4),
  min_train_bars: z.number().int().min(30).default(250),
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
// model-trainer spec's example, outside trading hours); the drift trigger fires when check_drift's
// rule says action required (drift_psi 0.2 = its PSI floor, the same as drift.psi_drift);
// 63 new bars = a quarter of trading days; 5 degraded days = a trading week; volatility 0.6 = about
// 3x the S&P 500's long-run ~0.18, crossed in 2008 and March 2020; 20 bars = a trading month;
// 24 h cooldown = at most one retrain a day per model.
const triggersSchema = z.strictObject({
  interval_seconds: z.number().int().min(1).default(3600).describe('How often the scheduler checks every production model'),
  schedule: cronExpression.nullable().default('0 2 * * 0').describe('Cron schedule (UTC) of routine retrains; null = none'),
  drift_psi: z
    .number()
    .positive()
    .nullable()
    .default(0.2)
    .describe(
      'Retrain when the drift report on current data says action required (the rule of check_drift and the promotion gate); this is its per-feature PSI floor, never below drift.psi_drift; null = no drift trigger',
    ),
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
const tuningSchema = z.strictObject({
  trials: z.number().int().min(1).max(10_000).default(20).describe('Trials per tuning run unless --trials says otherwise'),
  sampler: z.enum(['tpe', 'random']).default('tpe').describe('tpe (Bergstra et al. 2011, as Optuna) or random'),
  pruner: z
    .enum(['hyperband', 'successive_halving', 'none'])
    .default('hyperband')
    .describe('Stops trials whose validation loss falls behind at an epoch rung (asynchronous, as Optuna)'),
  reduction_factor: z.number().int().min(2).max(10).default(3).describe('Pruner: 1/reduction_factor of trials go on at each rung'),
  min_epochs: z.number().int().min(1).default(1).describe('Pruner: epochs every trial runs before it can be pruned'),
  max_trials: z.number().int().min(1).default(1000).describe('Most trials one tuning study may run (a limit for clients)'),
});

export const configSchema = z.strictObject({
  home: z.string().min(1).describe('State directory (registry, models, training status); TRAINYARD_HOME'),
  strategies_dir: z.string().min(1).describe('Folder of strategy YAML files'),
  data_dir: z.string().min(1).describe('Folder of bundled data files'),
  data_roots: z
    .array(z.string().min(1))
    .default(['.'])
    .describe(
      'Folders MCP clients may read strategies and data from (relative to the folder trainyard starts in); home, strategies_dir and data_dir are always added. The CLI reads any path.',
    ),
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
  queue: queueSchema.optional().describe('Run jobs on BullMQ workers over Redis (`trainyard worker`); absent = local worker threads'),
  shutdown: z.enum(['cancel', 'finish']).default('cancel').describe('On SIGINT/SIGTERM: cancel running jobs, or let them finish'),
  shutdown_timeout_ms: z.number().int().min(0).default(30_000),
  gates: z
    .strictObject({
      training_preset: z
        .enum(trainingGatePresets as [TrainingGatePreset, ...TrainingGatePreset[]])
        .default('calibrated')
        .describe(
          'calibrated: edge over the majority baseline and log-loss improvement over the label prior, each significant on an effective sample size; ' +
            "model_trainer_spec: the spec's absolute bars (accuracy 0.45, test loss 0.8, loss decrease 20%)",
        ),
      training: trainingGatePartialSchema.default({}).describe('Training thresholds over the preset'),
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
      approval_timeout_seconds: z
        .number()
        .int()
        .min(10)
        .max(3600)
        .default(300)
        .describe('How long promote_model waits for the person to answer its approval request (MCP elicitation)'),
    })
    .default(() => ({
      training_preset: 'calibrated' as const,
      training: {},
      backtest: backtestGateSchema.parse({}),
      promotion: promotionGateSchema.parse({}),
      strategy_overrides: 'tighten_only' as const,
      require_human_approval: false,
      approval_timeout_seconds: 300,
    }))
    // The training thresholds a gate uses: the preset, then what config sets over it.
    .transform((g) => ({ ...g, training: { ...TRAINING_GATE_PRESETS[g.training_preset], ...g.training } }))
    .describe('Gate thresholds; the training gate is calibrated to what the labels allow unless training_preset says otherwise'),
  drift: driftSchema.default(() => driftSchema.parse({})).describe('Drift thresholds (check_drift and the promotion gate)'),
  research: researchSchema.default(() => researchSchema.parse({})).describe('Research loop: designer, budgets, prices'),
  tuning: tuningSchema.default(() => tuningSchema.parse({})).describe('Hyperparameter tuning defaults (trainyard tune, start_tuning)'),
  performance: performanceSchema.default(performanceSchema.parse({})).describe('Production performance monitoring windows and thresholds'),
  triggers: triggersSchema.default(triggersSchema.parse({})).describe('Retraining triggers and the scheduler'),
  backtest: backtestSchema.default(backtestSchema.parse({})).describe('Backtest jobs: walk-forward defaults'),
  limits: limitsSchema
    .default(() => limitsSchema.parse({}))
    .describe('What one client may ask for: queued jobs, sessions, request time, model and data size, job time and memory'),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
