import os from 'node:os';
import { loadConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { createServices, type Services } from '../services/index.js';
import type { ParsedArgs } from './args.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM by the entry point. */
  signal?: AbortSignal;
}

export const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Who is acting, for the audit log and promotion history. */
export function cliActor(env: Record<string, string | undefined>): string {
  return `cli:${env['USER'] ?? env['USERNAME'] ?? os.userInfo().username ?? 'unknown'}`;
}

/** Services for one command; the caller closes them. */
export function servicesFor(values: ParsedArgs['values'], io: CliIo): Services {
  const argv: Partial<ConfigInput> = {
    home: str(values['home']),
    backend: str(values['backend']) as ConfigInput['backend'],
    log_level: (str(values['log-level']) as ConfigInput['log_level']) ?? (io.env['TRAINYARD_LOG_LEVEL'] ? undefined : 'error'),
  };
  const config = loadConfig({ argv, env: io.env, file: str(values['config']), cwd: io.cwd });
  return createServices(config, { cwd: io.cwd });
}

export async function withServices<T>(values: ParsedArgs['values'], io: CliIo, fn: (s: Services) => Promise<T> | T): Promise<T> {
  const services = servicesFor(values, io);
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value) + '\n');
}
