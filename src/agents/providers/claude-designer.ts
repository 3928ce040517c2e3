import type Anthropic from '@anthropic-ai/sdk';
import { DomainError } from '../../domain/errors.js';
import { NO_USAGE, type Design, type DesignRequest, type Designer, type TokenUsage } from '../types.js';
import {
  DEFAULT_MAX_REPAIR_ROUNDS,
  DEFAULT_MAX_TURNS,
  assistantTurn,
  createClaudeCaller,
  loadPrompt,
  textOf,
  toolUses,
  type ClaudeProviderOptions,
} from './claude-client.js';
import { checkStrategy, describeProblems, describeValid, designerTools, runLookTool, SUBMIT_STRATEGY } from './claude-designer-tools.js';
import { fence } from './fence.js';

/**
 * The Claude designer: a Messages API conversation in which the model looks (indicators, data,
 * journal, validation) and then submits a strategy through `submit_strategy`. An invalid
 * submission goes back as an error tool result to be repaired, a bounded number of times.
 */
export function createClaudeDesigner(opts: ClaudeProviderOptions): Designer {
  const system = loadPrompt('designer', opts.promptsDir);
  const caller = createClaudeCaller(opts);
  const maxRepairRounds = opts.maxRepairRounds ?? DEFAULT_MAX_REPAIR_ROUNDS;
  const maxTurns = opts.maxTurns ?? DEFAULT_MAX_TURNS;
  const log = opts.logger;

  async function design(request: DesignRequest, { signal }: { signal?: AbortSignal | undefined }): Promise<Design> {
    const usage: TokenUsage = { ...NO_USAGE };
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: openingMessage(request) }];
    let invalid = 0;
    let lastProblems: string[] = [];
    let lastText = '';
    const failed = (message: string) =>
      new DomainError('DESIGN_FAILED', message, {
        problems: lastProblems,
        usage: { ...usage },
        invalid_submissions: invalid,
        model: caller.model,
      });

    for (let turn = 1; turn <= maxTurns; turn++) {
      // On the last turn the model must submit: looking further cannot produce a design.
      const toolChoice: Anthropic.ToolChoice = turn === maxTurns ? { type: 'tool', name: SUBMIT_STRATEGY } : { type: 'auto' };
      const message = await caller.call({ system, messages, tools: designerTools, tool_choice: toolChoice }, usage, signal);
      messages.push(assistantTurn(message));
      lastText = textOf(message) || lastText;
      const uses = toolUses(message);
      log?.debug({ turn, tools: uses.map((u) => u.name), stop_reason: message.stop_reason }, 'designer turn');
      if (uses.length === 0) {
        messages.push({
          role: 'user',
          content:
            message.stop_reason === 'max_tokens'
              ? 'Your answer was cut off at the output limit. Submit a shorter strategy with submit_strategy.'
              : 'Use the tools to look, then call submit_strategy with the complete strategy YAML. Text alone is not a design.',
        });
        continue;
      }

      const results: Anthropic.ToolResultBlockParam[] = [];
      for (const use of uses) {
        if (use.name !== SUBMIT_STRATEGY) {
          const r = runLookTool(use.name, use.input, request) ?? {
            content: `Unknown tool "${use.name}". Available: ${designerTools.map((t) => t.name).join(', ')}.`,
            isError: true,
          };
          results.push({ type: 'tool_result', tool_use_id: use.id, content: r.content, ...(r.isError ? { is_error: true } : {}) });
          continue;
        }
        const check = checkStrategy(use.input, request);
        if (check.ok) {
          log?.info(
            { strategy: check.resolved.strategy.name, hash: check.resolved.hash, turns: turn, invalid },
            'designer submitted a strategy',
          );
          if (check.notes.length) log?.info({ notes: check.notes }, describeValid(check));
          const s = check.resolved.strategy;
          return {
            strategy: s,
            strategy_yaml: check.resolved.yaml,
            hypothesis: s.hypothesis.trim() || lastText || s.description.trim() || `(no hypothesis given for ${s.name})`,
            usage,
            repair_rounds: invalid,
          };
        }
        invalid += 1;
        lastProblems = check.problems;
        if (invalid > maxRepairRounds) {
          throw failed(
            `Claude submitted no valid strategy after ${maxRepairRounds} repair round${maxRepairRounds === 1 ? '' : 's'}. Last problems: ${check.problems.join('; ')}. Try again, raise the repair rounds, or use the offline designer.`,
          );
        }
        const left = maxRepairRounds - invalid + 1;
        results.push({
          type: 'tool_result',
          tool_use_id: use.id,
          is_error: true,
          content: `${describeProblems(check.problems)}\nNothing was submitted. Repair the strategy and call submit_strategy again (${left} attempt${left > 1 ? 's' : ''} left).`,
        });
      }
      messages.push({ role: 'user', content: results });
    }
    throw failed(
      `Claude submitted no valid strategy within ${maxTurns} turns${lastProblems.length ? `. Last problems: ${lastProblems.join('; ')}` : ''}. Try again or use the offline designer.`,
    );
  }

  return { provider: 'claude', design };
}

function openingMessage(r: DesignRequest): string {
  return [
    `Design the strategy for cycle ${r.cycle_index} of the research program below.`,
    fence('program and goal, from the user', `program: ${r.program}\ngoal: ${r.goal}`),
    `The data: ${r.data.bars} bars at ${r.data.timeframe}, ${r.data.from} to ${r.data.to} (describe_data has the rest).`,
    `The journal holds ${r.journal.total_trials} earlier trial(s) of this program (recent_experiments shows them).`,
    `Constraint: training.epochs at most ${r.max_epochs}; more is capped.`,
    'Look first (list_indicators, describe_data, recent_experiments), check your YAML with validate_strategy, then call submit_strategy with the complete YAML.',
  ].join('\n\n');
}
