/**
 * The one error type services throw. `code` is stable and machine-readable; `message` says what
 * was wrong and what to do next; `data` carries structured details (issues, row numbers, ...).
 */
export type ErrorCode =
  | 'INVALID_STRATEGY'
  | 'INVALID_DATA_SPEC'
  | 'INVALID_DATA'
  | 'DATA_NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'INSUFFICIENT_DATA'
  | 'STRATEGY_NOT_FOUND'
  | 'INVALID_CONFIG'
  | 'INVALID_ARGUMENT'
  | 'BACKEND_UNAVAILABLE'
  | 'MODEL_NOT_FOUND'
  | 'ARTIFACT_INVALID'
  | 'CANCELLED'
  | 'TRAINING_FAILED'
  | 'BACKTEST_FAILED'
  | 'INVALID_TRANSITION'
  | 'OPERATION_NOT_FOUND'
  | 'TRIGGER_NOT_FOUND'
  | 'REGISTRY_UNAVAILABLE'
  | 'GATE_FAILED'
  | 'APPROVAL_REQUIRED'
  | 'CONFLICT'
  | 'SHUTTING_DOWN'
  | 'DESIGN_FAILED'
  | 'ASSESSMENT_FAILED'
  | 'MODEL_SERVICE_ERROR'
  | 'SEARCH_EXHAUSTED'
  | 'LIMIT_EXCEEDED'
  | 'TIME_LIMIT'
  | 'CHART_NOT_AVAILABLE';

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, data?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.data = data;
  }

  toJSON(): { code: ErrorCode; message: string; data?: Record<string, unknown> } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

export function cancelledError(reason?: unknown): DomainError {
  const why = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : '';
  return new DomainError('CANCELLED', why ? `Training was cancelled: ${why}` : 'Training was cancelled.');
}
