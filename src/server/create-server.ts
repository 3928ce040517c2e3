import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/server';
import { mcpAccess } from '../config/access.js';
import type { Services } from '../services/index.js';
import { allTools } from '../tools/index.js';
import { forwardAlerts } from './alerts.js';
import { registerModelCardView } from './apps/model-card.js';
import { registerPrompts } from './prompts.js';
import { registerTool } from './register-tool.js';
import { registerResources } from './resources.js';

export const INSTRUCTIONS = `trainyard trains, gates and manages trading-strategy models.
Typical flow: describe_data on a new data file (what was read, before training on it) -> list_strategies (or write YAML and validate_strategy) -> start_training (returns an operation_id at once; pass wait_seconds to wait with progress) -> get_status until completed -> evaluate_gate on the new model_id (run_backtest for an out-of-sample, other-data or walk-forward backtest) -> promote_model to staging, later production -> ingest_data new bars as they arrive (production models score them) -> get_performance and check_drift (data "store:") -> rollback_model or retrain if production misbehaves.
Every tool result carries next_steps: the tool calls (with arguments) that usually come next, and why.
Training runs in the background: cancelling a waiting start_training call does not stop the job; cancel_training does.
When the retraining scheduler runs, list_triggers shows what it started and why, and logging notifications (logger "trainyard") report failed retrains, drift, degradation and versions ready for a production decision.
Models are "<strategy name>@<version>". Every stage change is recorded with who and why. Report test accuracy against the majority-class baseline: a model that does not beat it has no edge.`;

export interface ServerOptions {
  /** Expose only tools that change nothing. */
  readOnly?: boolean;
  /** The connection's id for the queue limits (one per HTTP session; a fresh one when absent). */
  clientId?: string;
  version?: string;
}

/** One MCP server over the shared services; connect it to any transport. */
export function createServer(services: Services, opts: ServerOptions = {}): { server: McpServer; close: () => Promise<void> } {
  const server = new McpServer(
    { name: 'trainyard', title: 'trainyard', version: opts.version ?? services.codeVersion },
    { instructions: INSTRUCTIONS, capabilities: { logging: {} } },
  );
  const logger = services.logger.child({ component: 'mcp' });
  const clientName = () => `mcp:${server.server.getClientVersion()?.name ?? 'unknown'}`;
  // Not the HTTP session id: it is stored in operation rows that other clients can read.
  const client = { name: clientName, id: opts.clientId ?? `mcp-${randomUUID().slice(0, 8)}` };
  // Every MCP client, stdio or HTTP, reads files only under the configured roots (resolved once, real paths).
  const access = mcpAccess(services.config);
  for (const tool of allTools) {
    if (opts.readOnly && !tool.annotations.readOnlyHint) continue;
    registerTool(server, tool, services, logger, client, access);
  }
  registerResources(server, services);
  registerModelCardView(server);
  registerPrompts(server);
  const stopAlerts = forwardAlerts(server, services.alerts, logger);
  return {
    server,
    close: () => {
      stopAlerts();
      return server.close();
    },
  };
}
