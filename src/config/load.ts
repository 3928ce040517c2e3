import fs from 'node:fs';
import path from 'node:path';
import { YAML } from './yaml.js';
import { DomainError } from '../domain/errors.js';
import { formatIssues } from '../domain/format-issues.js';
import { packageRoot } from './paths.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';

export interface ConfigSources {
  /** Settings from command-line flags (already parsed by the CLI). */
  argv?: Partial<ConfigInput>;
  env?: Record<string, string | undefined>;
  /** A JSON or YAML config file; TRAINYARD_CONFIG in env names one too. */
  file?: string | undefined;
  /** Base for relative paths. */
  cwd?: string;
}

const ENV_KEYS: Record<string, keyof ConfigInput> = {
  TRAINYARD_HOME: 'home',
  TRAINYARD_BACKEND: 'backend',
  TRAINYARD_WASM_THREADS: 'wasm_threads',
  TRAINYARD_LOG_LEVEL: 'log_level',
  TRAINYARD_STRATEGIES_DIR: 'strategies_dir',
  TRAINYARD_DATA_DIR: 'data_dir',
  TRAINYARD_WORKERS: 'workers',
  TRAINYARD_RETENTION: 'retention',
  TRAINYARD_SHUTDOWN: 'shutdown',
};
const NUMERIC = new Set<keyof ConfigInput>([
  'wasm_threads',
  'progress_every_batches',
  'workers',
  'retention',
  'worker_memory_mb',
  'shutdown_timeout_ms',
]);

function fromEnv(env: Record<string, string | undefined>): Partial<ConfigInput> {
  const out: Record<string, unknown> = {};
  // The Anthropic SDK's own variables configure the research designer.
  const research: Record<string, string> = {};
  if (env['ANTHROPIC_API_KEY']) research['api_key'] = env['ANTHROPIC_API_KEY'];
  if (env['ANTHROPIC_BASE_URL']) research['base_url'] = env['ANTHROPIC_BASE_URL'];
  if (Object.keys(research).length) out['research'] = research;
  for (const [key, field] of Object.entries(ENV_KEYS)) {
    const v = env[key];
    if (v === undefined || v === '') continue;
    out[field] = NUMERIC.has(field) && /^-?\d+$/.test(v) ? Number(v) : v;
  }
  return out as Partial<ConfigInput>;
}

function fromFile(file: string): Partial<ConfigInput> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DomainError('INVALID_CONFIG', `Config file ${file} cannot be read. Check the path (flag --config or TRAINYARD_CONFIG).`);
  }
  try {
    const doc: unknown = YAML.parse(text);
    return (doc ?? {}) as Partial<ConfigInput>;
  } catch (err) {
    throw new DomainError('INVALID_CONFIG', `Config file ${file} is not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Builds the validated configuration. Pure apart from reading the config file it is given. */
export function loadConfig(src: ConfigSources = {}): Config {
  const env = src.env ?? {};
  const cwd = src.cwd ?? '.';
  const root = packageRoot();
  const file = src.file ?? env['TRAINYARD_CONFIG'];
  const layers: Record<string, unknown>[] = [
    file ? fromFile(path.resolve(cwd, file)) : {},
    fromEnv(env),
    Object.fromEntries(Object.entries(src.argv ?? {}).filter(([, v]) => v !== undefined)),
  ];
  const merged: Record<string, unknown> = {
    home: path.resolve(cwd, 'state'),
    strategies_dir: path.join(root, 'strategies'),
    data_dir: path.join(root, 'data'),
    ...Object.assign({}, ...layers),
  };
  // The research section is merged key by key: an API key from the environment must not wipe a
  // file's budgets (nor the other way round).
  const research = layers.map((l) => l['research']).filter((r): r is object => typeof r === 'object' && r !== null);
  if (research.length) merged['research'] = Object.assign({}, ...research);
  // So is the queue: --queue gives the URL, the file its BullMQ settings.
  const queue = layers.map((l) => l['queue']).filter((r): r is object => typeof r === 'object' && r !== null);
  if (queue.length) merged['queue'] = Object.assign({}, ...queue);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new DomainError('INVALID_CONFIG', `Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`, { issues });
  }
  const c = parsed.data;
  return {
    ...c,
    home: path.resolve(cwd, c.home),
    strategies_dir: path.resolve(cwd, c.strategies_dir),
    data_dir: path.resolve(cwd, c.data_dir),
    data_roots: c.data_roots.map((r) => path.resolve(cwd, r)),
  };
}
