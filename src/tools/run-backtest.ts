import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { backtestModes } from '../monitoring/backtest/request.js';
import { defineTool } from './define-tool.js';
import { operationNextSteps } from './next-steps.js';
import { chartsFlag, operationHandleSchema, summarizeOperation, waitSecondsSchema } from './schemas.js';
import { waitForOperation } from './wait-for-operation.js';

const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : 'n/a');
const num = (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : 'n/a');

export const runBacktest = defineTool({
  name: 'run_backtest',
  title: 'Backtest a model',
  description:
    "Queue a backtest against buy-and-hold (next-bar-open fills, strategy costs); returns the operation, at once or after wait_seconds. Modes: test_segment: training's out-of-sample bars; data: a data spec from..to; walk_forward: retrain on expanding or rolling windows, trade each next part.",
  input: z.object({
    model_id: modelIdSchema,
    mode: z.enum(backtestModes).optional().describe('Default: inferred from walk_forward, data'),
    data: z.string().min(1).optional().describe('For modes data, walk_forward'),
    from: z.string().optional().describe('ISO date'),
    to: z.string().optional().describe('ISO date, inclusive'),
    walk_forward: z
      .object({
        scheme: z.enum(['expanding', 'rolling']).default('expanding').describe('rolling: a training part of train_bars slides'),
        windows: z.number().int().min(1).max(50).optional().describe('Test parts (default 4)'),
        test_bars: z.number().int().min(2).optional().describe('Default: an even split'),
        train_bars: z.number().int().min(30).optional().describe('rolling only'),
        min_train_bars: z.number().int().min(30).optional().describe('Default 250'),
        epochs: z.number().int().min(1).max(10000).optional().describe('Default: as trained'),
      })
      .optional()
      .describe('Implies mode walk_forward'),
    priority: z.enum(['normal', 'high']).default('normal').describe('high jumps the queue'),
    wait_seconds: waitSecondsSchema,
    charts: chartsFlag,
  }),
  output: operationHandleSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (input, services, ctx) => {
    const op = await services.backtests.start(
      { model_id: input.model_id, mode: input.mode, data: input.data, from: input.from, to: input.to, walk_forward: input.walk_forward },
      { actor: ctx.actor, client: ctx.client, priority: input.priority, access: ctx.access },
    );
    const current = input.wait_seconds > 0 ? await waitForOperation(services, op.id, input.wait_seconds, ctx) : op;
    return summarizeOperation(current, services.jobs.queuePosition(op.id), services.clock());
  },
  charts: (input, o) =>
    o.status !== 'completed'
      ? []
      : (input.mode ?? (input.walk_forward ? 'walk_forward' : input.data ? 'data' : 'test_segment')) === 'walk_forward'
        ? [
            { model_id: input.model_id, name: 'walk_forward' },
            { model_id: input.model_id, name: 'equity' },
          ]
        : [{ model_id: input.model_id, name: 'equity' }],
  view: { modelId: (o) => (typeof o.result?.['model_id'] === 'string' ? o.result['model_id'] : null) },
  next: operationNextSteps,
  render: (o) => {
    if (o.status !== 'completed')
      return `Backtest ${o.operation_id} is ${o.status}${o.queue_position ? ` (queue position ${o.queue_position})` : ''}${o.error ? `: ${o.error.message}` : ''}.`;
    const r = o.result ?? {};
    const s = (r['strategy'] ?? {}) as Record<string, unknown>;
    const h = (r['buy_and_hold'] ?? {}) as Record<string, unknown>;
    return (
      `Backtest ${o.operation_id} (${String(r['model_id'])}, ${String(r['mode'])}) completed: ` +
      `strategy return ${pct(s['total_return'])}, Sharpe ${num(s['sharpe'])}, max drawdown ${pct(s['max_drawdown'])}, ${String(s['trade_count'])} trades; ` +
      `buy-and-hold return ${pct(h['total_return'])}, Sharpe ${num(h['sharpe'])}. Report: ${String(r['report_path'])}`
    );
  },
});
