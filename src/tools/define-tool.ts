import type { z } from 'zod';
import type { FileAccess } from '../config/access.js';
import type { Services } from '../services/index.js';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a handler may use besides its input; no MCP SDK types (see src/server/register-tool.ts). */
export interface ToolContext {
  /** Who is calling: "mcp:<client name>". */
  actor: string;
  /** This connection (an HTTP session, the stdio client): the jobs it queues count against it (config limits). */
  client: string;
  /** Longest a handler may wait for work to end (limits.request_seconds less a margin); wait_seconds is capped at it. */
  maxWaitSeconds: number;
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
  /** Reports progress when the client asked for it (progress out of 100); a no-op otherwise. */
  progress: (progress: number, message: string) => void;
  /** Which files the caller may read (strategies, csv: data): pass it to every service call that takes a user-given path or spec. */
  access: FileAccess;
  /**
   * Asks the person at the client (MCP elicitation, form mode) and waits up to `timeoutMs` for the
   * answer; present only when the client declared the elicitation capability. What comes back is
   * the person's, not the agent's: the client shows the form to its user.
   */
  ask?: ((request: AskRequest) => Promise<AskAnswer>) | undefined;
}

/** A form for the person: a message and flat fields (MCP elicitation's restricted JSON Schema). */
export interface AskRequest {
  message: string;
  fields: Record<
    string,
    { type: 'boolean'; title: string; description?: string } | { type: 'string'; title: string; description?: string; minLength?: number }
  >;
  required: string[];
  timeoutMs: number;
}

/** accept (with the fields), decline, or cancel (dismissed, timed out, or the client could not ask). */
export type AskAnswer = { action: 'accept'; content: Record<string, unknown> } | { action: 'decline' | 'cancel'; reason?: string };

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  handler: (input: z.infer<I>, services: Services, ctx: ToolContext) => Promise<z.infer<O>> | z.infer<O>;
  /** Short text rendering of the result for clients that show text only. */
  render?: (output: z.infer<O>) => string;
  /** What to call next given this result (see next-steps.ts); both the structured result and the text carry them. */
  next?: (output: z.infer<O>) => string[];
  /** The charts this result has: returned as PNG images when the call passes `charts: true` (chart-images.ts). */
  charts?: (input: z.infer<I>, output: z.infer<O>) => ChartRef[];
  /**
   * An MCP Apps view that shows the result in hosts that render them (src/server/apps/): the
   * model whose card and charts it draws. Other clients get the same result as without it.
   */
  view?: { modelId: (output: z.infer<O>) => string | null | undefined };
}

/** A chart a result can show: one of a model version's (services.charts), a research program's progress or a tuning run's study. */
export type ChartRef = { model_id: string; name: string } | { program: string } | { tuning: string };

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return def;
}

export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
