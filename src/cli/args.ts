import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DomainError } from '../domain/errors.js';

export const globalOptions = {
  home: { type: 'string' },
  backend: { type: 'string' },
  'log-level': { type: 'string' },
  config: { type: 'string' },
  queue: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...globalOptions, ...options }, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    throw new DomainError('INVALID_ARGUMENT', `${(err as Error).message}. Run "trainyard --help" for usage.`);
  }
}

export function intOption(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new DomainError('INVALID_ARGUMENT', `--${flag} must be a whole number >= ${min}, got "${value}".`);
  }
  return Number(value);
}

export function listOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}
