import { z } from 'zod';
import { strictObject } from './strict-object.js';

// Defaults: training gate from the model-trainer spec (accuracy 0.45, test loss 0.8, loss decrease
// 20%); the edge over the majority baseline keeps a "predict the common class" model out.
export const trainingGateSchema = strictObject({
  min_accuracy: z.number().min(0).max(1).default(0.45),
  max_test_loss: z.number().positive().default(0.8),
  min_loss_decrease: z.number().min(0).max(1).default(0.2),
  min_edge_over_baseline: z.number().min(0).max(1).default(0.02),
});

// Backtest gate defaults: a strategy that loses more than a quarter of its equity, wins fewer than
// 45% of trades, has a Sharpe under 0.5 or trades fewer than 10 times has not shown anything.
export const backtestGateSchema = strictObject({
  min_win_rate: z.number().min(0).max(1).default(0.45),
  max_drawdown: z.number().min(0).max(1).default(0.25),
  min_sharpe: z.number().default(0.5),
  min_trades: z.number().int().min(0).default(10),
});

// Promotion: OOS Sharpe >= 0.9 x production (model-trainer spec), deflated Sharpe >= 0.95
// (Bailey & López de Prado 2014), no drifted feature on the most recent data.
export const promotionGateSchema = strictObject({
  non_inferiority: z.number().min(0).max(2).default(0.9),
  min_deflated_sharpe: z.number().min(0).max(1).default(0.95),
  max_drifted_features: z.number().int().min(0).default(0).describe('Features with PSI above the drift threshold that are tolerated'),
});

export type TrainingGateThresholds = z.infer<typeof trainingGateSchema>;
export type BacktestGateThresholds = z.infer<typeof backtestGateSchema>;
export type PromotionGateThresholds = z.infer<typeof promotionGateSchema>;

export interface GateThresholds {
  training: TrainingGateThresholds;
  backtest: BacktestGateThresholds;
  promotion: PromotionGateThresholds;
}

/** A strategy's own thresholds (strategy YAML `gates:`), each optional; merged over config. */
export const gateOverridesSchema = strictObject({
  training: trainingGateSchema.partial().optional(),
  backtest: backtestGateSchema.partial().optional(),
  promotion: promotionGateSchema.partial().optional(),
}).describe('Per-strategy gate thresholds over the config ones (by default a strategy may only tighten them)');
export type GateOverrides = z.infer<typeof gateOverridesSchema>;

export const gateNames = ['training', 'backtest', 'promotion'] as const;
export type GateName = (typeof gateNames)[number];

/**
 * Which direction is stricter for each threshold: 'min' thresholds tighten upwards, 'max' ones
 * downwards. Used to refuse a strategy loosening a gate unless config allows it.
 */
export const THRESHOLD_DIRECTION: Record<string, 'min' | 'max'> = {
  min_accuracy: 'min',
  max_test_loss: 'max',
  min_loss_decrease: 'min',
  min_edge_over_baseline: 'min',
  min_win_rate: 'min',
  max_drawdown: 'max',
  min_sharpe: 'min',
  min_trades: 'min',
  non_inferiority: 'min',
  min_deflated_sharpe: 'min',
  max_drifted_features: 'max',
};
