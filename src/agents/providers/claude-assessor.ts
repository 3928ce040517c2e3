import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { formatIssues } from '../../domain/format-issues.js';
import { assessmentSchema, NO_USAGE, type AssessmentOutcome, type AssessmentRequest, type Assessor, type TokenUsage } from '../types.js';
import {
  DEFAULT_MAX_REPAIR_ROUNDS,
  assistantTurn,
  createClaudeCaller,
  loadPrompt,
  toolUses,
  type ClaudeProviderOptions,
} from './claude-client.js';
import { num, renderJournal } from './claude-context.js';
import { fence } from './fence.js';

export const SUBMIT_ASSESSMENT = 'submit_assessment';

/** The tool's input schema is assessmentSchema itself, so the model sees the same rules we check. */
function assessmentTool(): Anthropic.Tool {
  const { $schema: _drop, ...schema } = z.toJSONSchema(assessmentSchema) as Record<string, unknown>;
  return {
    name: SUBMIT_ASSESSMENT,
    description: 'Records your assessment of this experiment: the verdict, a rationale citing the measured figures, and what to test next.',
    input_schema: schema as Anthropic.Tool.InputSchema,
  };
}

/**
 * The Claude assessor: one forced call of `submit_assessment` over the cycle's measured figures
 * and gate results; an invalid answer is sent back for repair a bounded number of times.
 */
export function createClaudeAssessor(opts: ClaudeProviderOptions): Assessor {
  const system = loadPrompt('assessor', opts.promptsDir);
  const caller = createClaudeCaller(opts);
  const maxRepairRounds = opts.maxRepairRounds ?? DEFAULT_MAX_REPAIR_ROUNDS;
  const tool = assessmentTool();
  const toolChoice: Anthropic.ToolChoice = { type: 'tool', name: SUBMIT_ASSESSMENT, disable_parallel_tool_use: true };

  async function assess(request: AssessmentRequest, { signal }: { signal?: AbortSignal | undefined }): Promise<AssessmentOutcome> {
    const usage: TokenUsage = { ...NO_USAGE };
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: assessmentMessage(request) }];
    let problems: string[] = [];
    for (let round = 0; round <= maxRepairRounds; round++) {
      const message = await caller.call({ system, messages, tools: [tool], tool_choice: toolChoice }, usage, signal);
      messages.push(assistantTurn(message));
      const uses = toolUses(message);
      const use = uses.find((u) => u.name === SUBMIT_ASSESSMENT);
      if (!use) {
        problems = ['(root): no submit_assessment call in the answer'];
        messages.push({ role: 'user', content: 'Answer by calling submit_assessment.' });
        continue;
      }
      const parsed = assessmentSchema.safeParse(use.input);
      if (parsed.success) return { assessment: parsed.data, usage };
      problems = formatIssues(parsed.error.issues);
      messages.push({
        role: 'user',
        content: uses.map((u) => ({
          type: 'tool_result' as const,
          tool_use_id: u.id,
          is_error: true,
          content:
            u === use
              ? `The assessment has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `- ${p}`).join('\n')}\nCall submit_assessment again with a corrected one.`
              : 'Ignored: only submit_assessment is available.',
        })),
      });
    }
    throw new DomainError(
      'ASSESSMENT_FAILED',
      `Claude gave no valid assessment after ${maxRepairRounds} repair round${maxRepairRounds === 1 ? '' : 's'}. Last problems: ${problems.join('; ')}. Try again or use the offline assessor.`,
      { problems, usage: { ...usage }, model: caller.model },
    );
  }

  return { provider: 'claude', assess };
}

const metricsLine = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${num(v)}`)
    .join(' ');

/** Everything the assessor reads: our measured figures plainly, text we did not write fenced. */
export function assessmentMessage(r: AssessmentRequest): string {
  const t = r.training;
  const training = t
    ? `Training (test segment, out of sample): accuracy ${num(t.test_accuracy)} vs majority-class baseline ${num(t.baseline_accuracy)} (edge ${num(t.test_accuracy - t.baseline_accuracy)}); validation accuracy ${num(t.validation_accuracy)}; test loss ${num(t.test_loss)}; epochs run ${t.epochs_run}.`
    : 'Training: not reached.';
  const backtest = r.backtest
    ? [
        'Out-of-sample backtest of the test segment:',
        `- strategy: ${metricsLine(r.backtest.strategy)}`,
        `- buy and hold: ${metricsLine(r.backtest.buy_and_hold)}`,
      ].join('\n')
    : 'Backtest: not reached.';
  const gates = r.gates.length
    ? [
        'Gates:',
        ...r.gates.map((g) => `- ${g.gate}: ${g.passed ? 'PASSED' : 'FAILED'}${g.reasons.length ? ` (${g.reasons.join('; ')})` : ''}`),
      ].join('\n')
    : 'Gates: none evaluated.';
  return [
    `Assess this experiment. Outcome: ${r.outcome}.`,
    fence('goal, from the user', r.goal),
    fence(
      'strategy under test (designed by a model)',
      `name: ${r.strategy_name}\nhypothesis: ${r.hypothesis}\n\n${r.strategy_yaml.trimEnd()}`,
    ),
    training,
    backtest,
    gates,
    'Earlier experiments of this program:',
    renderJournal(r.journal, { limit: 3 }),
    'Answer by calling submit_assessment.',
  ].join('\n\n');
}
