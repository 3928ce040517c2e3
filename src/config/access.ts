import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../domain/errors.js';
import type { Config } from './schema.js';

/**
 * Who asks for a file. A person's CLI command reads what it is given; a remote MCP client (stdio
 * or HTTP) reads only under `roots` (real paths, symlinks resolved). Plain data: it travels with
 * job specs to worker threads and with research runs.
 */
export type FileAccess = { kind: 'cli' } | { kind: 'mcp'; roots: string[] };

export const CLI_ACCESS: FileAccess = { kind: 'cli' };

/** The folders an MCP client may read: config data_roots (default: where trainyard started), home, bundled strategies and data. */
export function mcpAccess(config: Pick<Config, 'data_roots' | 'home' | 'strategies_dir' | 'data_dir'>): FileAccess {
  const roots = [...config.data_roots, config.home, config.strategies_dir, config.data_dir].map((r) => realPathOf(path.resolve(r)) ?? r);
  return { kind: 'mcp', roots: [...new Set(roots)] };
}

/**
 * The real path of `p` with every symlink resolved; for a path that does not exist yet, the real
 * path of its nearest existing folder joined with the rest. null when `p` exists but cannot be
 * resolved (a symlink that leads nowhere or loops): such a path is inside no root.
 */
export function realPathOf(p: string): string | null {
  try {
    return fs.realpathSync.native(p);
  } catch {
    if (lexists(p)) return null;
    const parent = path.dirname(p);
    if (parent === p) return p;
    const real = realPathOf(parent);
    return real === null ? null : path.join(real, path.basename(p));
  }
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** True when `file` is `root` or below it (`/data-evil` is not below `/data`). Both must be absolute and normalised. */
export function isWithin(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * THE one place a user-given path becomes a path to read. Relative paths start from `cwd`. For the
 * CLI the absolute path is returned as is; for an MCP client the real path (symlinks and `..`
 * resolved) is returned when it lies under an allowed root, and anything else is ACCESS_DENIED,
 * whether or not the file exists (the answer must not tell a client which files exist).
 * Callers read the returned path, never the one they were given.
 */
export function resolveReadPath(userPath: string, o: { cwd: string; access?: FileAccess | undefined; what: string }): string {
  const access = o.access ?? CLI_ACCESS;
  if (userPath.includes('\0')) throw new DomainError('INVALID_ARGUMENT', `The ${o.what} path contains a NUL character.`);
  const abs = path.resolve(o.cwd, userPath);
  if (access.kind === 'cli') return abs;
  const real = realPathOf(abs);
  if (real !== null && access.roots.some((root) => isWithin(real, root))) return real;
  throw accessDenied(userPath, o.what, access.roots);
}

/** The refusal: names the allowed roots and how to add one. */
export function accessDenied(userPath: string, what: string, roots: readonly string[]): DomainError {
  const shown = userPath.length > 200 ? `${userPath.slice(0, 200)}...` : userPath;
  return new DomainError(
    'ACCESS_DENIED',
    `Cannot read ${what} "${shown}": MCP clients may read only files under ${roots.join(', ')} (symlinks resolved). ` +
      'To allow another folder, add it to data_roots in the config file trainyard serve reads (e.g. data_roots: [".", "/srv/market-data"]) and restart it; ' +
      'or move the file under one of these folders. The trainyard CLI reads any path.',
    { path: shown, roots: [...roots] },
  );
}
