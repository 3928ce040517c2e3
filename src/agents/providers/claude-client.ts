import fs from 'node:fs';
import path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import { packageRoot } from '../../config/paths.js';
import { DomainError } from '../../domain/errors.js';
import type { TokenUsage } from '../types.js';
import type { RetryPolicy } from './claude-retry.js';

/**
 * What both Claude providers take. Core code never reads process.env: src/cli maps
 * ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL and the research config onto these options.
 */
export interface ClaudeProviderOptions {
  apiKey: string;
  /** The Messages API root; https://api.anthropic.com when absent. */
  baseURL?: string | undefined;
  model?: string | undefined;
  /** Output token cap per request. */
  maxTokens?: number | undefined;
  /** Streamed responses (messages.stream(...).finalMessage()) or plain ones. */
  stream?: boolean | undefined;
  /** Invalid submissions sent back to the model for repair before giving up. */
  maxRepairRounds?: number | undefined;
  /** Retries of one request on 429 / 529 / 5xx / dropped connections. */
  retries?: number | undefined;
  /** Per-request timeout. */
  timeoutMs?: number | undefined;
  /** Designer only: model turns (requests that succeeded) per design before giving up. */
  maxTurns?: number | undefined;
  /** Folder holding designer.md and assessor.md; the package's prompts/ when absent. */
  promptsDir?: string | undefined;
  logger?: Logger | undefined;
  /** Backoff sleep and jitter; injected by tests so retries take no time. */
  sleep?: RetryPolicy['sleep'] | undefined;
  random?: RetryPolicy['random'] | undefined;
}

// A current Sonnet (the SDK's own examples use it); the user can name any other in config.
export const DEFAULT_CLAUDE_MODEL = 'claude-sonnet-5-5';
// 8k output tokens: room for a commented strategy YAML plus reasoning, and well below the size at
// which the SDK insists on streaming.
export const DEFAULT_MAX_TOKENS = 8192;
// Three repairs: a schema error is usually fixed in one; more than three means the model is stuck.
export const DEFAULT_MAX_REPAIR_ROUNDS = 3;
// Looking (about four tool calls), submitting and three repairs, with room to spare.
export const DEFAULT_MAX_TURNS = 12;
// Two minutes: a design turn is a few thousand tokens; a hung connection should not stall a cycle.
export const DEFAULT_TIMEOUT_MS = 120_000;

export function loadPrompt(name: 'designer' | 'assessor', dir = path.join(packageRoot(), 'prompts')): string {
  const file = path.join(dir, `${name}.md`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DomainError(
      'INVALID_CONFIG',
      `The ${name} system prompt ${file} cannot be read (${(err as Error).message}); reinstall trainyard or fix the prompts folder.`,
      { file },
    );
  }
}

export type CallParams = Omit<Anthropic.MessageCreateParamsNonStreaming, 'model' | 'max_tokens' | 'stream'>;

/** One request/response exchange with the Messages API, retried; its token usage is added to `usage`. */
export interface ClaudeCaller {
  readonly model: string;
  readonly maxTokens: number;
  call(params: CallParams, usage: TokenUsage, signal?: AbortSignal): Promise<Anthropic.Message>;
}

export function createClaudeCaller(opts: ClaudeProviderOptions): ClaudeCaller {
  if (!opts.apiKey) {
    throw new DomainError('INVALID_CONFIG', 'The Claude provider needs an API key: set ANTHROPIC_API_KEY, or use the offline designer.');
  }
  const log = opts.logger;
  // The SDK (and claude-retry, which needs its error classes) load on the first request: about
  // 0.2 s of module loading that a server start or an offline run should not pay.
  let sdk: Promise<{ client: Anthropic; retry: typeof import('./claude-retry.js') }> | undefined;
  const load = () =>
    (sdk ??= Promise.all([import('@anthropic-ai/sdk'), import('./claude-retry.js')]).then(([{ default: AnthropicClient }, retry]) => ({
      client: createClient(AnthropicClient),
      retry,
    })));
  const createClient = (AnthropicClient: typeof Anthropic) =>
    new AnthropicClient({
      apiKey: opts.apiKey,
      // Passed explicitly so the SDK does not fall back to reading the environment itself.
      authToken: null,
      baseURL: opts.baseURL ?? 'https://api.anthropic.com',
      maxRetries: 0,
      timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      logLevel: 'warn',
      logger: {
        error: (msg: string, ...rest: unknown[]) => log?.error({ sdk: rest }, msg),
        warn: (msg: string, ...rest: unknown[]) => log?.warn({ sdk: rest }, msg),
        info: (msg: string, ...rest: unknown[]) => log?.info({ sdk: rest }, msg),
        debug: (msg: string, ...rest: unknown[]) => log?.debug({ sdk: rest }, msg),
      },
    });
  const model = opts.model ?? DEFAULT_CLAUDE_MODEL;
  const maxTokens = opts.maxTokens ?? DEFAULT_MAX_TOKENS;
  const policy = (defaults: RetryPolicy): RetryPolicy => ({
    ...defaults,
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    ...(opts.random ? { random: opts.random } : {}),
  });

  async function once(
    client: Anthropic,
    params: Anthropic.MessageCreateParamsNonStreaming,
    signal?: AbortSignal,
  ): Promise<Anthropic.Message> {
    if (opts.stream) return client.messages.stream(params, { signal }).finalMessage();
    return client.messages.create(params, { signal });
  }

  return {
    model,
    maxTokens,
    async call(params, usage, signal) {
      const body = { ...params, model, max_tokens: maxTokens };
      const { client, retry } = await load();
      let message: Anthropic.Message;
      try {
        message = await retry.withRetries(
          () => once(client, body, signal),
          policy(retry.defaultRetryPolicy()),
          signal,
          () => {
            usage.requests += 1;
          },
        );
      } catch (err) {
        // The tokens spent before a failure or a cancel still count against the budget.
        if (err instanceof DomainError) throw new DomainError(err.code, err.message, { ...err.data, usage: { ...usage } });
        throw err;
      }
      const u = message.usage;
      // Cache reads and writes are input too: budgets count every token the model read.
      usage.input_tokens += u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
      usage.output_tokens += u.output_tokens;
      log?.debug({ model, stop_reason: message.stop_reason, usage: u }, 'claude response');
      return message;
    },
  };
}

/** The assistant turn as it goes back into the conversation (text and tool calls; nothing else is produced without thinking). */
export function assistantTurn(message: Anthropic.Message): Anthropic.MessageParam {
  const content: Anthropic.ContentBlockParam[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && block.text) content.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use') content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
  }
  if (content.length === 0) content.push({ type: 'text', text: '(no content)' });
  return { role: 'assistant', content };
}

export function textOf(message: Anthropic.Message): string {
  return message.content
    .map((b) => (b.type === 'text' ? b.text : ''))
    .join('\n')
    .trim();
}

export function toolUses(message: Anthropic.Message): Anthropic.ToolUseBlock[] {
  return message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
}
