import { DomainError } from '../domain/errors.js';
import type { GateResult, ModelVersion } from '../domain/model-version.js';
import type { Services } from '../services/index.js';
import type { ToolContext } from './define-tool.js';

type Approval = NonNullable<ReturnType<Services['registry']['evaluations']['approval']>>;

const num = (v: unknown, digits = 2): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const pct = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');

/** What the person reads before deciding: the model, its gates and its backtest against buy-and-hold. */
export function approvalMessage(
  model: ModelVersion,
  promotion: GateResult,
  o: { requestedBy: string; reason: string; force: boolean; production: string | null },
): string {
  const bt = (model.metrics.backtest ?? {}) as { strategy?: Record<string, unknown>; buy_and_hold?: Record<string, unknown> };
  const s = bt.strategy ?? {};
  const bh = bt.buy_and_hold ?? {};
  const test = model.metrics.test;
  const lines = [
    `Approve ${model.model_id} for production?`,
    `Asked by ${o.requestedBy} (an agent), reason: ${o.reason}`,
    `Model: ${model.name} v${model.version}, now ${model.stage}; trained on ${model.lineage.data_source} (seed ${model.lineage.seed}, ${model.lineage.backend}).`,
    `Test: accuracy ${pct(test['accuracy'])} against ${pct(test['baseline_accuracy'])} for always the majority class.`,
    bt.strategy
      ? `Backtest (out of sample): Sharpe ${num(s['sharpe'])} vs buy-and-hold ${num(bh['sharpe'])}; return ${pct(s['total_return'])} vs ${pct(bh['total_return'])}; max drawdown ${pct(s['max_drawdown'])} vs ${pct(bh['max_drawdown'])}; ${num(s['trade_count'], 0)} trades.`
      : 'Backtest: none recorded.',
    `Promotion gate: ${promotion.checks
      .filter((c) => c.name !== 'human_approval')
      .map((c) => `${c.passed ? 'ok' : 'FAILED'} ${c.reason}`)
      .join('; ')}.`,
    o.force ? 'The agent asked to override the failed checks above (force); your approval does not change them.' : '',
    `In production now: ${o.production ?? 'nothing'}${o.production ? ' (it would be retired)' : ''}.`,
  ];
  return lines.filter(Boolean).join('\n');
}

/**
 * Production with `gates.require_human_approval` and no approval on record: asks the person at the
 * client through MCP elicitation, when the client supports it, and records their approval with
 * the client's identity. Returns the approval, or null when none is asked for (another stage, not
 * required, already approved, no elicitation, or a gate that fails without force: the promotion
 * refuses then as before, without troubling the person). A decline, a dismissal or no answer in
 * `gates.approval_timeout_seconds` throws APPROVAL_REQUIRED: the stage stays as it was. The tool has
 * no argument that approves: an agent alone never can.
 */
export async function askForApproval(
  services: Services,
  input: { model_id: string; to_stage: 'staging' | 'production'; reason: string; force?: boolean | undefined },
  ctx: Pick<ToolContext, 'ask' | 'actor' | 'client' | 'maxWaitSeconds'>,
): Promise<Approval | null> {
  const { config, registry, gates } = services;
  if (input.to_stage !== 'production' || !config.gates.require_human_approval || !ctx.ask) return null;
  if (registry.evaluations.approval(input.model_id)) return null;
  const model = registry.models.get(input.model_id);
  const promotion = (await gates.evaluate(model, 'promotion')).result;
  const otherFailures = promotion.checks.filter((c) => !c.passed && c.name !== 'human_approval');
  if (otherFailures.length > 0 && !input.force) return null;
  const timeoutMs = Math.min(config.gates.approval_timeout_seconds, ctx.maxWaitSeconds) * 1000;
  const answer = await ctx.ask({
    message: approvalMessage(model, promotion, {
      requestedBy: ctx.actor,
      reason: input.reason,
      force: Boolean(input.force) && otherFailures.length > 0,
      production: registry.models.production(model.name)?.model_id ?? null,
    }),
    fields: {
      approve: { type: 'boolean', title: `Approve ${model.model_id} for production` },
      reason: { type: 'string', title: 'Why (kept with the approval)', minLength: 3 },
    },
    required: ['approve', 'reason'],
    timeoutMs,
  });
  const stays = `${model.model_id} stays ${model.stage}.`;
  if (answer.action !== 'accept') {
    const why =
      answer.action === 'decline' ? 'The person declined the approval request' : `No approval came back (${answer.reason ?? 'dismissed'})`;
    throw new DomainError('APPROVAL_REQUIRED', `${why}; ${stays}`, { model_id: model.model_id, answer: answer.action });
  }
  const reason = typeof answer.content['reason'] === 'string' ? answer.content['reason'].trim() : '';
  if (answer.content['approve'] !== true) {
    throw new DomainError('APPROVAL_REQUIRED', `The person did not approve ${model.model_id}${reason ? ` (${reason})` : ''}; ${stays}`, {
      model_id: model.model_id,
      answer: 'not_approved',
    });
  }
  if (reason.length < 3) {
    throw new DomainError('APPROVAL_REQUIRED', `An approval needs a reason of at least 3 characters; ${stays}`, {
      model_id: model.model_id,
    });
  }
  const by = `person at ${ctx.actor} (connection ${ctx.client}, via MCP elicitation)`;
  return registry.audit.record(by, 'approve', model.model_id, { reason, via: 'elicitation', requested_by: ctx.actor }, () =>
    registry.evaluations.approve(model.model_id, by, reason),
  );
}
