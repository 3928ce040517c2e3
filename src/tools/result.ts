import { z } from 'zod';
import type { ToolDefinition } from './define-tool.js';
import { toolJsonSchema, type JsonSchema } from './json-schema.js';

// No description: listed in every tool, and each step says what it is ("tool {arguments}: why").
const nextStepsSchema = z.array(z.string());

/** The output schema a tool declares: its own plus next_steps. */
export function toolOutputSchema(tool: ToolDefinition): z.ZodObject {
  return tool.output.extend({ next_steps: nextStepsSchema });
}

/** The schemas tools/list shows for a tool: compact and portable (see json-schema.ts). */
export function listedSchemas(tool: ToolDefinition): { input: JsonSchema; output: JsonSchema } {
  return { input: toolJsonSchema(tool.input, 'input'), output: toolJsonSchema(toolOutputSchema(tool), 'output') };
}

/** A handler's output as the client gets it: structured content with next_steps, and a text rendering that ends with the same steps. */
export function toolResult(tool: ToolDefinition, output: Record<string, unknown>): { text: string; structured: Record<string, unknown> } {
  const next_steps = tool.next?.(output) ?? [];
  const structured = { ...output, next_steps };
  const text = tool.render ? tool.render(output) : JSON.stringify(structured);
  return { text: tool.render && next_steps.length ? `${text}\n${next_steps.map((s) => `Next: ${s}`).join('\n')}` : text, structured };
}
