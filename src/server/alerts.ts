import type { McpServer } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { Alerts } from '../monitoring/alerts.js';

/**
 * Forwards scheduler escalations (failed retrains, degradation, drift, promotion-ready versions) to
 * this server's client as MCP logging notifications (`notifications/message`, logger "trainyard",
 * the alert as data). The client's logging/setLevel filters them; the alert bus logs each alert
 * once with pino. Stops when the connection closes. Returns the unsubscribe function.
 */
export function forwardAlerts(server: McpServer, alerts: Alerts, logger: Logger): () => void {
  const stop = alerts.on((a) => {
    if (!server.isConnected()) return;
    server.server
      .sendLoggingMessage({ level: a.level, logger: 'trainyard', data: a }, server.server.transport?.sessionId)
      .catch((err: unknown) => logger.debug({ err, alert: a.kind }, 'alert notification not delivered'));
  });
  const previous = server.server.onclose;
  server.server.onclose = () => {
    stop();
    previous?.();
  };
  return stop;
}
