import { z } from 'zod';

export const stages = ['candidate', 'staging', 'production', 'retired', 'archived'] as const;
export const stageSchema = z.enum(stages);
export type Stage = z.infer<typeof stageSchema>;

/**
 * Allowed stage changes. candidate -> production needs the explicit skip-staging flag; rollback is
 * retired -> production (the previous production version comes back).
 */
export const STAGE_TRANSITIONS: Record<Stage, readonly Stage[]> = {
  candidate: ['staging', 'production', 'retired', 'archived'],
  staging: ['production', 'candidate', 'retired', 'archived'],
  production: ['retired'],
  retired: ['production', 'staging', 'archived'],
  archived: [],
};

export const modelIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*@\d+$/, 'a model id is <name>@<version>, e.g. "rsi_mean_reversion@3"')
  .describe('e.g. "rsi_mean_reversion@3"');

export const lineageSchema = z.object({
  strategy_hash: z.string(),
  data_hash: z.string(),
  data_source: z.string(),
  code_version: z.string().describe('package version, plus the git commit when available'),
  seed: z.number().int(),
  backend: z.string(),
  device: z.string().optional().describe('The GPU adapter a webgpu run used, e.g. "nvidia hopper (hardware)"'),
  tuning: z
    .object({ run_id: z.string(), study_id: z.string(), trial: z.number().int() })
    .optional()
    .describe('The tuning run and trial whose parameters this version was trained with'),
});
export type Lineage = z.infer<typeof lineageSchema>;

export const modelMetricsSchema = z.object({
  training: z.record(z.string(), z.unknown()).default({}),
  validation: z.record(z.string(), z.unknown()).default({}),
  test: z.record(z.string(), z.unknown()).default({}),
  backtest: z.record(z.string(), z.unknown()).optional(),
  production: z.record(z.string(), z.unknown()).optional(),
});
export type ModelMetrics = z.infer<typeof modelMetricsSchema>;

export const modelVersionSchema = z.object({
  model_id: modelIdSchema,
  name: z.string(),
  version: z.number().int().min(1),
  stage: stageSchema,
  created_at: z.string(),
  created_by: z.string(),
  operation_id: z.string().nullable(),
  artifact_path: z.string(),
  lineage: lineageSchema,
  metrics: modelMetricsSchema,
  ever_in_production: z.boolean(),
  stage_changed_at: z.string(),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

export const gateCheckSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  reason: z.string().describe('e.g. "accuracy_below_threshold (35% < 45%)"'),
  p_value: z.number().optional().describe('One-sided p-value of a statistical check'),
  z: z.number().optional().describe('Test statistic of a statistical check'),
  n_eff: z.number().optional().describe('Effective sample size behind a statistical check'),
  ci_low: z.number().optional().describe('Lower end of the 95% block-bootstrap interval of the value'),
  ci_high: z.number().optional().describe('Upper end of the 95% block-bootstrap interval of the value'),
});
export const gateResultSchema = z.object({
  gate: z.string(),
  passed: z.boolean(),
  checks: z.array(gateCheckSchema),
  evaluated_at: z.string(),
});
export type GateResult = z.infer<typeof gateResultSchema>;

export const promotionRecordSchema = z.object({
  id: z.number().int(),
  model_id: modelIdSchema,
  name: z.string(),
  from_stage: stageSchema,
  to_stage: stageSchema,
  actor: z.string(),
  at: z.string(),
  reason: z.string(),
  action: z.enum(['promote', 'rollback', 'retire', 'archive', 'demote']),
  gate_result: gateResultSchema.nullable(),
  forced: z.boolean(),
});
export type PromotionRecord = z.infer<typeof promotionRecordSchema>;
