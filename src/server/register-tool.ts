import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { FileAccess } from '../config/access.js';
import { isDomainError } from '../domain/errors.js';
import type { Services } from '../services/index.js';
import type { ToolDefinition } from '../tools/index.js';

/** What an agent should do next, per error code, appended to the error text. */
const NEXT_STEP: Record<string, string> = {
  INVALID_STRATEGY: 'Fix the listed fields (validate_strategy checks without training; trainyard://schema/strategy has the format).',
  STRATEGY_NOT_FOUND: 'Call list_strategies for names, or pass a path or inline YAML.',
  MODEL_NOT_FOUND: 'Call list_models to see model ids.',
  OPERATION_NOT_FOUND: 'Call list_operations to see operation ids.',
  GATE_FAILED: 'Improve the model, or pass force: true with a reason to override.',
};

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
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
  clientName: () => string,
  access: FileAccess,
): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: { title: tool.title, ...tool.annotations },
    },
    async (args: unknown, extra): Promise<CallToolResult> => {
      const token = extra._meta?.progressToken;
      const progress = (value: number, message: string) => {
        if (token === undefined) return;
        void extra
          .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: value, total: 100, message } })
          .catch((err: unknown) => logger.debug({ err }, 'progress notification not delivered'));
      };
      try {
        const output = await tool.handler(args as never, services, { actor: clientName(), signal: extra.signal, progress, access });
        const text = tool.render ? tool.render(output) : JSON.stringify(output);
        return { content: [{ type: 'text', text }], structuredContent: output as Record<string, unknown> };
      } catch (err) {
        if (isDomainError(err)) {
          const next = NEXT_STEP[err.code];
          return errorResult(`${err.code}: ${err.message}${next && !err.message.includes(next) ? ` ${next}` : ''}`);
        }
        logger.error({ err, tool: tool.name }, 'tool failed unexpectedly');
        return errorResult(
          `${tool.name} failed unexpectedly (${(err as Error)?.message ?? 'unknown error'}). The server logged the details; the registry is unchanged by this call.`,
        );
      }
    },
  );
}
