import { z } from 'zod';
import type { ChartImages } from './chart-images.js';
import type { ToolDefinition } from './define-tool.js';
import { enumsIn, toolJsonSchema, type JsonSchema } from './json-schema.js';

// No description: listed in every tool, and each step says what it is ("tool {arguments}: why").
const nextStepsSchema = z.array(z.string());

/** The output schema a tool declares: its own plus next_steps. */
export function toolOutputSchema(tool: ToolDefinition): z.ZodObject {
  return tool.output.extend({ next_steps: nextStepsSchema });
}

/**
 * The schemas tools/list shows for a tool: compact and portable (see json-schema.ts). next_steps
 * is validated but not listed: the server's instructions say once that every result carries it
 * (21 copies were 1.2 KB of every client's context), and output objects are open. An output enum
 * the input already lists is listed by type only.
 */
export function listedSchemas(tool: ToolDefinition): { input: JsonSchema; output: JsonSchema } {
  const input = toolJsonSchema(tool.input, 'input');
  // The values of a filter (list_operations' status) are listed once, in the input.
  return { input, output: toolJsonSchema(tool.output, 'output', enumsIn(input)) };
}

/**
 * A handler's output as the client gets it: structured content with next_steps (and, when charts
 * were asked for, `charts`: each one's title, alt text and resource), and a text rendering that
 * ends with the same steps and the charts' alt texts.
 */
export function toolResult(
  tool: ToolDefinition,
  output: Record<string, unknown>,
  charts?: Pick<ChartImages, 'charts' | 'missing'>,
): { text: string; structured: Record<string, unknown> } {
  const next_steps = tool.next?.(output) ?? [];
  const structured = { ...output, next_steps, ...(charts ? { charts: charts.charts, charts_missing: charts.missing } : {}) };
  let text = tool.render ? tool.render(output) : JSON.stringify(structured);
  if (tool.render && next_steps.length) text += `\n${next_steps.map((s) => `Next: ${s}`).join('\n')}`;
  if (tool.render && charts) {
    for (const c of charts.charts) text += `\nChart ${c.name}: ${c.alt}`;
    for (const m of charts.missing) text += `\nNo chart: ${m}`;
  }
  return { text, structured };
}

/**
 * A tool's annotations as listed: only the hints that differ from the MCP defaults (readOnlyHint
 * false, destructiveHint true, idempotentHint false, openWorldHint true), and for a read-only tool
 * neither destructiveHint nor idempotentHint, which the specification reads only when readOnlyHint
 * is false. Same meaning, ~50 bytes less per tool in every client's context.
 */
export function listedAnnotations(a: ToolDefinition['annotations']): Partial<ToolDefinition['annotations']> {
  const out: Partial<ToolDefinition['annotations']> = {};
  if (a.readOnlyHint === true) out.readOnlyHint = true;
  else {
    if (a.destructiveHint === false) out.destructiveHint = false;
    if (a.idempotentHint === true) out.idempotentHint = true;
  }
  if (a.openWorldHint === false) out.openWorldHint = false;
  return out;
}
