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
/** The configuration a command runs with: flags over environment over the config file. */
export function configFor(values: ParsedArgs['values'], io: CliIo) {
  const argv: Partial<ConfigInput> = {
    home: str(values['home']),
    backend: str(values['backend']) as ConfigInput['backend'],
    queue: str(values['queue']) ? ({ url: str(values['queue']) } as ConfigInput['queue']) : undefined,
    log_level: (str(values['log-level']) as ConfigInput['log_level']) ?? (io.env['TRAINYARD_LOG_LEVEL'] ? undefined : 'error'),
  };
  return loadConfig({ argv, env: io.env, file: str(values['config']), cwd: io.cwd });
}

export function servicesFor(values: ParsedArgs['values'], io: CliIo): Services {
  return createServices(configFor(values, io), { cwd: io.cwd });
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
