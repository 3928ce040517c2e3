import { contentHash } from './offline-render.js';
import type Anthropic from '@anthropic-ai/sdk';
import { YAML } from '../../config/yaml.js';
import { isDomainError } from '../../domain/errors.js';
import { parseStrategy, type ResolvedStrategy } from '../../pipeline/strategy-source.js';
import type { DesignRequest } from '../types.js';
import { renderData, renderIndicators, renderJournal } from './claude-context.js';

/**
 * The designer's tools. The look tools run here, locally, on what the cycle runner gave us; the
 * model never reaches the disk or the network through them. `submit_strategy` ends the design when
 * the strategy passes the same checks as everywhere else (parseStrategy's zod schema) plus the
 * loop's own: epochs capped, never a strategy already tried.
 */

export const SUBMIT_STRATEGY = 'submit_strategy';
// A strategy is a page of YAML; 50k characters is far beyond any sensible one and bounds the work.
const MAX_YAML_CHARS = 50_000;

const yamlInput = {
  type: 'object' as const,
  properties: { strategy_yaml: { type: 'string', description: 'The complete strategy as YAML text' } },
  required: ['strategy_yaml'],
  additionalProperties: false,
};

export const designerTools: Anthropic.Tool[] = [
  {
    name: 'list_indicators',
    description: 'Every indicator the pipeline can compute: its parameters with defaults and ranges, its outputs and what it measures.',
    input_schema: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'describe_data',
    description:
      'The data this strategy will be trained and backtested on: bars, bar size, dates, symbols, buy-and-hold return and volatility.',
    input_schema: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'recent_experiments',
    description:
      'Earlier experiments of this research program from the journal: best so far, most recent, and rejected ones with the gate reasons, plus which cells of horizon band x feature family x trading mode they cover and which none has tried. Set detail to see their strategy YAML.',
    input_schema: {
      type: 'object',
      properties: { detail: { type: 'boolean', description: 'Include each experiment’s strategy YAML (longer)' } },
      additionalProperties: false,
    },
  },
  {
    name: 'validate_strategy',
    description:
      'Checks strategy YAML exactly as submit_strategy will, without submitting: "valid" (with its hash) or every problem by field path.',
    input_schema: yamlInput,
  },
  {
    name: SUBMIT_STRATEGY,
    description:
      'Submits the final strategy for training. It is validated first; if anything is wrong you get every problem back and must submit a repaired strategy.',
    input_schema: yamlInput,
  },
];

export type StrategyCheck = { ok: true; resolved: ResolvedStrategy; notes: string[] } | { ok: false; problems: string[] };

/** The checks a submitted strategy must pass: schema, epochs cap (applied, with a note), not tried before. */
export function checkStrategy(input: unknown, request: DesignRequest): StrategyCheck {
  const yaml = (input as { strategy_yaml?: unknown } | null)?.strategy_yaml;
  if (typeof yaml !== 'string') return { ok: false, problems: ['strategy_yaml: expected the strategy as a YAML string'] };
  if (yaml.trim() === '') return { ok: false, problems: ['strategy_yaml: empty; give the whole strategy'] };
  if (yaml.length > MAX_YAML_CHARS)
    return { ok: false, problems: [`strategy_yaml: ${yaml.length} characters; keep it under ${MAX_YAML_CHARS}`] };
  let resolved: ResolvedStrategy;
  try {
    resolved = parseStrategy(yaml, 'submitted');
  } catch (err) {
    if (isDomainError(err)) {
      const issues = err.data?.['issues'];
      return { ok: false, problems: Array.isArray(issues) ? issues.map(String) : [err.message] };
    }
    throw err;
  }
  const notes: string[] = [];
  const epochs = resolved.strategy.training.epochs;
  if (epochs > request.max_epochs) {
    // The YAML is what gets trained and stored, so the cap is written into it (comments kept).
    const doc = YAML.parseDocument(yaml);
    doc.setIn(['training', 'epochs'], request.max_epochs);
    resolved = parseStrategy(doc.toString(), 'submitted');
    notes.push(`training.epochs capped from ${epochs} to ${request.max_epochs}, the most this research loop trains for.`);
  }
  // The content hash ignores the name, texts and seed: a renamed or reseeded copy is the same experiment.
  if (request.journal.tried_hashes.includes(resolved.hash) || request.journal.tried_hashes.includes(contentHash(resolved.strategy))) {
    return {
      ok: false,
      problems: [
        `(root): already tried, change something: this strategy (hash ${resolved.hash.slice(0, 12)}; names, descriptions and the seed do not count as changes) was trained in an earlier cycle of this program. Vary the indicators, fuzzy sets, labels or model; a retrain of the same strategy teaches nothing and still counts as a trial.`,
      ],
    };
  }
  return { ok: true, resolved, notes };
}

export function describeValid(check: Extract<StrategyCheck, { ok: true }>): string {
  const s = check.resolved.strategy;
  return [
    `valid: strategy "${s.name}" (hash ${check.resolved.hash.slice(0, 12)}), ${s.indicators.length} indicator(s), labels ${s.labels.type}, model ${s.model.hidden_layers.join('x')}, epochs ${s.training.epochs}.`,
    ...check.notes,
  ].join('\n');
}

export function describeProblems(problems: string[]): string {
  return `The strategy has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `- ${p}`).join('\n')}`;
}

/** Runs one look tool; `undefined` when `name` is not one (submit_strategy is handled by the designer). */
export function runLookTool(name: string, input: unknown, request: DesignRequest): { content: string; isError: boolean } | undefined {
  switch (name) {
    case 'list_indicators':
      return { content: renderIndicators(), isError: false };
    case 'describe_data':
      return { content: renderData(request.data), isError: false };
    case 'recent_experiments': {
      const detail = (input as { detail?: unknown } | null)?.detail === true;
      return { content: renderJournal(request.journal, { detail }), isError: false };
    }
    case 'validate_strategy': {
      const check = checkStrategy(input, request);
      return check.ok
        ? { content: describeValid(check), isError: false }
        : { content: `invalid. ${describeProblems(check.problems)}`, isError: false };
    }
    default:
      return undefined;
  }
}
