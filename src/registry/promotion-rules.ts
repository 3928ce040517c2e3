import { DomainError } from '../domain/errors.js';
import { STAGE_TRANSITIONS, type ModelVersion } from '../domain/model-version.js';
import type { PromoteInput } from './types.js';

/**
 * Throws when `input` may not move `m`: a transition STAGE_TRANSITIONS does not allow (the message
 * names the current stage and the allowed targets), candidate -> production without skip_staging,
 * or a failed gate without force (the message lists the failing checks' reasons).
 */
export function checkPromotion(m: ModelVersion, input: PromoteInput): void {
  const allowed = STAGE_TRANSITIONS[m.stage];
  const data = { model_id: m.model_id, stage: m.stage, to_stage: input.to_stage, allowed };
  if (!allowed.includes(input.to_stage)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      `${m.model_id} is ${m.stage}; it cannot move to ${input.to_stage}. Allowed from ${m.stage}: ${allowed.join(', ') || 'none (final stage)'}.`,
      data,
    );
  }
  if (m.stage === 'candidate' && input.to_stage === 'production' && !input.skip_staging) {
    throw new DomainError(
      'INVALID_TRANSITION',
      `${m.model_id} is a candidate; promote it to staging first, or pass skip_staging (--skip-staging) to go straight to production.`,
      data,
    );
  }
  const gate = input.gate_result;
  // force overrides the gate's measurements, never the missing approval of a person: an agent
  // could pass force itself. Approval comes from `trainyard models approve` or, over MCP, from
  // the person at a client that supports elicitation.
  if (gate && input.force && gate.checks.some((c) => c.name === 'human_approval' && !c.passed)) {
    throw new DomainError(
      'APPROVAL_REQUIRED',
      `${m.model_id} needs a person's approval for production (config gates.require_human_approval); force does not replace it. A person approves with: trainyard models approve ${m.model_id} --reason "<why>", or through an MCP client that supports elicitation (promote_model then asks).`,
      { model_id: m.model_id, gate: gate.gate, failing: ['human_approval'] },
    );
  }
  if (gate && !gate.passed && !input.force) {
    const failing = gate.checks.filter((c) => !c.passed).map((c) => c.reason);
    throw new DomainError(
      'GATE_FAILED',
      `${m.model_id} failed the ${gate.gate} gate: ${failing.join('; ') || 'the gate did not pass'}. Fix the model, or pass force with a reason to override (kept in history).`,
      { model_id: m.model_id, gate: gate.gate, failing },
    );
  }
}
