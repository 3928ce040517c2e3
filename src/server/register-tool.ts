import type { CallToolResult, ElicitRequestFormParams, ElicitResult, McpServer } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { FileAccess } from '../config/access.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import type { Services } from '../services/index.js';
import type { AskAnswer, AskRequest, ToolDefinition } from '../tools/index.js';
import { chartImages } from '../tools/chart-images.js';
import { listedAnnotations, listedSchemas, toolOutputSchema, toolResult } from '../tools/result.js';
import { MODEL_CARD_URI, VIEW_META_KEY, rendersApps, viewData, viewToolMeta } from './apps/model-card.js';
import { listedAs } from './listed-schema.js';

/** What an agent should do next, per error code, appended to the error text. */
const NEXT_STEP: Record<string, string> = {
  INVALID_STRATEGY: 'Fix the listed fields (validate_strategy checks without training; trainyard://schema/strategy has the format).',
  STRATEGY_NOT_FOUND: 'Call list_strategies for names, or pass a path or inline YAML.',
  MODEL_NOT_FOUND: 'Call list_models to see model ids.',
  OPERATION_NOT_FOUND: 'Call list_operations to see operation ids.',
  GATE_FAILED: 'Improve the model, or pass force: true with a reason to override.',
  APPROVAL_REQUIRED: 'Only a person can approve: ask them to run the approve command, or use a client that supports elicitation.',
};

/**
 * The request time limit (config limits.request_seconds): `expired` rejects with LIMIT_EXCEEDED
 * when the call runs longer, and the handler's signal aborts. Waits (wait_seconds) end a little
 * earlier (`maxWaitSeconds`), so a long wait returns the job's status instead of an error.
 */
function requestDeadline(tool: string, seconds: number, clientSignal: AbortSignal) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DomainError(
        'LIMIT_EXCEEDED',
        `${tool} took longer than ${seconds} s, the limit on one request (config limits.request_seconds), and was stopped. ` +
          'Work it queued goes on: follow it with get_status or list_operations. Ask for less, or raise limits.request_seconds in the trainyard config file.',
        { limit: 'request_seconds', max: seconds },
      );
      controller.abort(err);
      reject(err);
    }, seconds * 1000);
  });
  expired.catch(() => undefined); // observed by the race; never an unhandled rejection after the handler won
  // The client's cancel reaches the handler through our controller. Not AbortSignal.any: its
  // listener on the client's signal stays until that signal is collected, and over one HTTP
  // session they piled up (thousands after as many get_status calls).
  const forward = () => controller.abort(clientSignal.reason);
  if (clientSignal.aborted) forward();
  else clientSignal.addEventListener('abort', forward, { once: true });
  return {
    signal: controller.signal,
    expired,
    // A margin of 5 s (10% of a short limit) for the handler to read and return the status.
    maxWaitSeconds: Math.max(0, seconds - Math.min(5, seconds * 0.1)),
    clear: () => {
      clearTimeout(timer);
      clientSignal.removeEventListener('abort', forward);
    },
  };
}

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/**
 * The person at the client, through MCP elicitation (form mode): the answer, or cancel when the
 * request failed or timed out (the client may not show forms after all, or nobody answered).
 */
function askThrough(
  req: { elicitInput: (params: ElicitRequestFormParams, options?: { timeout?: number; signal?: AbortSignal }) => Promise<ElicitResult> },
  signal: AbortSignal,
  logger: Logger,
): (request: AskRequest) => Promise<AskAnswer> {
  return async (r) => {
    try {
      const answer = await req.elicitInput(
        {
          mode: 'form',
          message: r.message,
          requestedSchema: { type: 'object', properties: r.fields, required: r.required },
        },
        { timeout: r.timeoutMs, signal },
      );
      if (answer.action === 'accept') return { action: 'accept', content: answer.content ?? {} };
      return { action: answer.action };
    } catch (err) {
      logger.info({ err }, 'elicitation got no answer');
      const timedOut = /time(d)? ?out/i.test((err as Error)?.message ?? '');
      return { action: 'cancel', reason: timedOut ? `no answer within ${Math.round(r.timeoutMs / 1000)} s` : 'the client could not ask' };
    }
  };
}

type ToolConfig = {
  title: string;
  description: string;
  inputSchema: ReturnType<typeof listedAs>;
  outputSchema: ReturnType<typeof listedAs>;
  annotations: ReturnType<typeof listedAnnotations>;
  _meta?: ReturnType<typeof viewToolMeta>;
};
const configs = new WeakMap<ToolDefinition, ToolConfig>();

/**
 * A tool's listing (title, description, compact schemas, annotations, view), built once per tool:
 * the JSON Schema conversion of all tools costs ~25 ms, and every HTTP session registers them on
 * its own McpServer.
 */
function toolConfig(tool: ToolDefinition): ToolConfig {
  let config = configs.get(tool);
  if (!config) {
    const listed = listedSchemas(tool);
    config = {
      title: tool.title,
      description: tool.description,
      inputSchema: listedAs(tool.input, listed.input),
      outputSchema: listedAs(toolOutputSchema(tool), listed.output),
      annotations: listedAnnotations(tool.annotations),
      ...(tool.view ? { _meta: viewToolMeta(MODEL_CARD_URI) } : {}),
    };
    configs.set(tool, config);
  }
  return config;
}

/**
 * Turns a tool definition into an MCP tool: input and output schemas, annotations, structured
 * content plus a short text rendering, progress notifications when the client sent a progress
 * token, cancellation through the request's abort signal, and the one error boundary: domain
 * errors become isError results that say what to do; anything else is logged with its stack and
 * returned as a short generic failure. The server never dies on a bad call.
 */
export function registerTool(
  server: McpServer,
  tool: ToolDefinition,
  services: Services,
  logger: Logger,
  client: { name: () => string; id: string },
  access: FileAccess,
): void {
  const limitSeconds = services.config.limits.request_seconds;
  server.registerTool(tool.name, toolConfig(tool), async (args: unknown, extra): Promise<CallToolResult> => {
    const token = extra.mcpReq._meta?.progressToken;
    const progress = (value: number, message: string) => {
      if (token === undefined) return;
      void extra.mcpReq
        .notify({ method: 'notifications/progress', params: { progressToken: token, progress: value, total: 100, message } })
        .catch((err: unknown) => logger.debug({ err }, 'progress notification not delivered'));
    };
    const deadline = requestDeadline(tool.name, limitSeconds, extra.mcpReq.signal);
    try {
      const ctx = {
        actor: client.name(),
        client: client.id,
        signal: deadline.signal,
        progress,
        maxWaitSeconds: deadline.maxWaitSeconds,
        access,
        ask: server.server.getClientCapabilities()?.elicitation ? askThrough(extra.mcpReq, deadline.signal, logger) : undefined,
      };
      const output = await Promise.race([tool.handler(args as never, services, ctx), deadline.expired]);
      // charts: true -> the result's charts as PNG images (services.charts), listed in the structured result too.
      const charts =
        tool.charts && (args as { charts?: unknown }).charts === true
          ? await Promise.race([chartImages(services, tool.charts(args as never, output as never)), deadline.expired])
          : undefined;
      const { text, structured } = toolResult(tool, output as Record<string, unknown>, charts);
      const result: CallToolResult = { content: [{ type: 'text', text }, ...(charts?.images ?? [])], structuredContent: structured };
      // The view's charts go only to clients that render MCP Apps, in _meta (hosts pass it to the view, not the model).
      if (tool.view && rendersApps(server.server.getClientCapabilities()))
        result._meta = { [VIEW_META_KEY]: await viewData(services, tool.view.modelId(output as never), logger) };
      return result;
    } catch (err) {
      if (isDomainError(err)) {
        const next = NEXT_STEP[err.code];
        return errorResult(`${err.code}: ${err.message}${next && !err.message.includes(next) ? ` ${next}` : ''}`);
      }
      logger.error({ err, tool: tool.name }, 'tool failed unexpectedly');
      return errorResult(
        `${tool.name} failed unexpectedly (${(err as Error)?.message ?? 'unknown error'}). The server logged the details; the registry is unchanged by this call.`,
      );
    } finally {
      deadline.clear();
    }
  });
}
