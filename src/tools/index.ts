import { cancelResearch } from './cancel-research.js';
import { cancelTraining } from './cancel-training.js';
import { getResearchStatus } from './get-research-status.js';
import { listExperiments } from './list-experiments.js';
import { startResearch } from './start-research.js';
import { startTuning } from './start-tuning.js';
import { getTuningStatus } from './get-tuning-status.js';
import { cancelTuning } from './cancel-tuning.js';
import { checkDrift } from './check-drift.js';
import { describeData } from './describe-data.js';
import type { ToolDefinition } from './define-tool.js';
import { evaluateGate } from './evaluate-gate.js';
import { getModel } from './get-model.js';
import { getPerformance } from './get-performance.js';
import { getStatus } from './get-status.js';
import { ingestData } from './ingest-data.js';
import { listModels } from './list-models.js';
import { listOperations } from './list-operations.js';
import { listTriggers } from './list-triggers.js';
import { promoteModel } from './promote-model.js';
import { rollbackModel } from './rollback-model.js';
import { runBacktest } from './run-backtest.js';
import { startTraining } from './start-training.js';
import { listStrategies, validateStrategy } from './strategies.js';

export type { AskAnswer, AskRequest, ToolContext, ToolDefinition } from './define-tool.js';

/** Every tool, in the order agents see them. */
export const allTools: ToolDefinition[] = [
  startTraining,
  getStatus,
  cancelTraining,
  listOperations,
  listModels,
  getModel,
  evaluateGate,
  runBacktest,
  checkDrift,
  ingestData,
  describeData,
  getPerformance,
  listTriggers,
  promoteModel,
  rollbackModel,
  validateStrategy,
  listStrategies,
  startResearch,
  getResearchStatus,
  cancelResearch,
  listExperiments,
  startTuning,
  getTuningStatus,
  cancelTuning,
] as unknown as ToolDefinition[];
