import type { GateResult, Lineage, ModelMetrics, ModelVersion, PromotionRecord, Stage } from '../domain/model-version.js';
import type { Operation, OperationStatus, OperationType } from '../domain/operation.js';

/** Who did it: "cli:<user>", "mcp:<client>", "research", "scheduler", "system". */
export type Actor = string;

export interface RegisterInput {
  name: string;
  operation_id: string | null;
  lineage: Lineage;
  metrics: ModelMetrics;
  /**
   * A finished artifact folder outside models/ (e.g. models/.staging/<operation_id>). Inside the
   * registering transaction it is renamed to models/<name>@<version>; `prepare` runs first with the
   * allocated id (to stamp the id into result.json) while the write lock is held.
   */
  staged_path: string;
  prepare?: (modelId: string, finalPath: string) => void;
  /**
   * Runs inside the registering transaction once the row exists (the registration gates are stored
   * here), so a version is never registered without them; a throw rolls the whole registration back.
   */
  within?: (model: ModelVersion) => void;
}

export interface PromoteInput {
  model_id: string;
  to_stage: Stage;
  reason: string;
  /** Needed to go candidate -> production directly. */
  skip_staging?: boolean;
  /** Override a failed gate; `reason` is then kept as the force reason. */
  force?: boolean;
  gate_result?: GateResult | null;
  /**
   * What the gate was evaluated against: the version's stage and the name's production version.
   * Re-checked under the write lock; a change in between (another promotion) is a CONFLICT.
   */
  expected?: { stage: Stage; production: string | null } | undefined;
}

export interface ListModelsFilter {
  name?: string | undefined;
  stage?: Stage | undefined;
  limit?: number | undefined;
}

export interface NewOperation {
  type: OperationType;
  parent_id?: string | null;
  params: Record<string, unknown>;
  priority?: 'normal' | 'high';
}

export interface OperationUpdate {
  status?: OperationStatus;
  phase?: string | null;
  progress_pct?: number;
  message?: string | null;
  metrics?: Record<string, unknown> | null;
  result?: Record<string, unknown> | null;
  error?: { code: string; message: string } | null;
}

export interface ListOperationsFilter {
  type?: OperationType | undefined;
  status?: OperationStatus | undefined;
  parent_id?: string | undefined;
  limit?: number | undefined;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: Actor;
  action: string;
  target: string | null;
  args: Record<string, unknown>;
  outcome: 'ok' | 'error';
  error: string | null;
}

export type { GateResult, ModelVersion, Operation, PromotionRecord, Stage };
