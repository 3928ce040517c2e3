import { pino, type Logger } from 'pino';

export type { Logger };

/** stdout is the MCP stdio channel: logs always go to stderr (fd 2). */
export function createLogger(level: string, name = 'trainyard'): Logger {
  return pino({ name, level }, pino.destination({ dest: 2, sync: true }));
}
