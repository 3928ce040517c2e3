import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import { DomainError } from '../../domain/errors.js';
import type { Assessor, Designer } from '../types.js';
import { createClaudeAssessor } from './claude-assessor.js';
import { createClaudeDesigner } from './claude-designer.js';
import { createOfflineAssessor } from './offline-assessor.js';
import { createOfflineDesigner } from './offline-designer.js';

export interface Providers {
  designer: Designer;
  assessor: Assessor;
  /** The model whose prices apply (null offline). */
  model: string | null;
}

/**
 * The designer and assessor for a run: Claude when asked (or, with `auto`, when an API key is set),
 * else the deterministic offline search. Asking for Claude without a key is an error, not a silent
 * fallback.
 */
export function createProviders(research: Config['research'], choice: 'auto' | 'claude' | 'offline', logger: Logger): Providers {
  const want = choice === 'auto' ? (research.designer === 'auto' ? (research.api_key ? 'claude' : 'offline') : research.designer) : choice;
  if (want === 'offline') return { designer: createOfflineDesigner(), assessor: createOfflineAssessor(), model: null };
  if (!research.api_key)
    throw new DomainError(
      'INVALID_CONFIG',
      'The Claude designer needs an API key: set ANTHROPIC_API_KEY (or research.api_key in the config file), or use the offline designer (--designer offline).',
    );
  const opts = {
    apiKey: research.api_key,
    baseURL: research.base_url,
    model: research.model,
    stream: research.stream,
    maxRepairRounds: research.max_repair_rounds,
    logger: logger.child({ component: 'claude' }),
  };
  return { designer: createClaudeDesigner(opts), assessor: createClaudeAssessor(opts), model: research.model };
}
