import type { Operation } from '../domain/operation.js';
import type { PipelineProgress } from '../pipeline/result.js';

/** One operation as the operations page shows it; the page renders it and the events feed sends it. */
export interface OperationView {
  id: string;
  type?: string;
  status?: string;
  phase: string | null;
  progress_pct: number;
  message: string | null;
  /** Epoch, loss and validation accuracy while training, e.g. "epoch 3/12 · loss 1.0412 · val acc 41.2%". */
  detail: string;
  subject?: string;
  model_id?: string | null;
  created_at?: string;
}

const fixed = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : null);

function detailOf(m: Record<string, unknown> | null | undefined): string {
  if (!m) return '';
  const parts: string[] = [];
  if (typeof m['epoch'] === 'number') parts.push(`epoch ${m['epoch']}${typeof m['epochs'] === 'number' ? `/${m['epochs']}` : ''}`);
  const loss = fixed(m['loss'], 4);
  if (loss) parts.push(`loss ${loss}`);
  const valLoss = fixed(m['val_loss'], 4);
  if (valLoss) parts.push(`val loss ${valLoss}`);
  const acc = typeof m['val_accuracy'] === 'number' ? `${(m['val_accuracy'] * 100).toFixed(1)}%` : null;
  if (acc) parts.push(`val acc ${acc}`);
  return parts.join(' · ');
}

export function operationView(op: Operation): OperationView {
  const p = op.params;
  const subject = [p['strategy'], p['model_id'], p['program'], p['goal']].find((v) => typeof v === 'string') as string | undefined;
  const modelId = op.result?.['model_id'];
  return {
    id: op.id,
    type: op.type,
    status: op.status,
    phase: op.phase,
    progress_pct: Math.round(op.progress_pct),
    message: op.error?.message ?? op.message,
    detail: detailOf(op.metrics),
    subject: subject ?? '',
    model_id: typeof modelId === 'string' ? modelId : null,
    created_at: op.created_at,
  };
}

/** A progress message from a running job: only the fields that change while it runs. */
export function progressView(id: string, p: PipelineProgress): OperationView {
  return {
    id,
    status: 'running',
    phase: p.phase,
    progress_pct: Math.round(p.progress_pct),
    message: p.message,
    detail: detailOf(p as unknown as Record<string, unknown>),
  };
}
