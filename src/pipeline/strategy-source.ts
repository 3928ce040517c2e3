import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { YAML } from '../config/yaml.js';
import { isWithin, realPathOf, resolveReadPath, type FileAccess } from '../config/access.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { formatIssues } from '../domain/format-issues.js';
import { strategySchema, type Strategy } from '../domain/strategy.js';

export interface ResolvedStrategy {
  strategy: Strategy;
  /** The YAML text exactly as given: it is saved with the model as trained. */
  yaml: string;
  /** File path, or "inline". */
  source: string;
  /** sha256 of the normalised strategy (lineage; equal strategies hash equal however written). */
  hash: string;
}

export interface StrategyLocations {
  strategiesDir: string;
  cwd?: string | undefined;
  /** Who asks: an MCP client reads strategy files only under its roots; default: the CLI. */
  access?: FileAccess | undefined;
}

/** The fields every strategy has; a mapping with none of them is some other file, described and never listed. */
const REQUIRED_FIELDS = ['name', 'indicators', 'labels'];
/** The bundled strategies are 2-4 KiB; 1 MiB leaves room for any hand-written one and keeps a stray large file from being parsed. */
const MAX_STRATEGY_BYTES = 1024 * 1024;

export function listStrategies(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

function isInline(ref: string): boolean {
  return ref.includes('\n') || /^\s*name\s*:/.test(ref) || ref.trimStart().startsWith('{');
}

/**
 * The file a reference names, through `resolveReadPath` (confined for MCP clients). A path outside
 * the roots is refused whether or not it exists; a bare name whose file outside the roots would
 * shadow it falls through to the strategies folder.
 */
function findFile(ref: string, loc: StrategyLocations): string | undefined {
  const cwd = loc.cwd ?? process.cwd();
  const bare = /^[A-Za-z0-9_.-]+$/.test(ref);
  // The reference itself first (resolveReadPath resolves it from cwd and names it as written in a refusal).
  const candidates = [ref];
  if (bare) {
    candidates.push(
      path.join(loc.strategiesDir, `${ref}.yaml`),
      path.join(loc.strategiesDir, `${ref}.yml`),
      path.join(loc.strategiesDir, ref),
    );
  }
  for (const candidate of candidates) {
    let file: string;
    try {
      file = resolveReadPath(candidate, { cwd, access: loc.access, what: 'strategy file' });
    } catch (err) {
      if (bare && isDomainError(err) && err.code === 'ACCESS_DENIED' && !placedInRoots(path.resolve(cwd, candidate), loc.access)) continue;
      throw err;
    }
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return undefined;
}

/** Whether the file's own name sits in a root (its folders resolved, not the file itself): a link there that leads out is refused, not skipped. */
function placedInRoots(abs: string, access: FileAccess | undefined): boolean {
  if (access?.kind !== 'mcp') return true;
  const placed = path.join(realPathOf(path.dirname(abs)) ?? path.dirname(abs), path.basename(abs));
  return access.roots.some((root) => isWithin(placed, root));
}

/** What a YAML document is, in words (never its content). */
function kindOf(doc: unknown): string {
  if (doc === null || doc === undefined) return 'empty';
  if (Array.isArray(doc)) return `a list of ${doc.length} item${doc.length === 1 ? '' : 's'}`;
  if (typeof doc === 'string') return `one block of text (${doc.length} characters)`;
  return `a ${typeof doc}`;
}

/** Parses and validates strategy YAML text; every problem is listed with its field path. */
export function parseStrategy(yaml: string, source = 'inline'): ResolvedStrategy {
  let doc: unknown;
  try {
    doc = YAML.parse(yaml, { prettyErrors: true });
  } catch (err) {
    // The position and the parser's code, never the parser's text: it can quote the file.
    const where = err instanceof YAML.YAMLError && err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    const problem = `not valid YAML (${err instanceof YAML.YAMLError ? err.code : 'parse error'}${where})`;
    throw new DomainError('INVALID_STRATEGY', `Strategy ${source} is ${problem}.`, { source, issues: [`(root): ${problem}`] });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new DomainError(
      'INVALID_STRATEGY',
      `Strategy ${source} must be a YAML mapping with name, indicators, labels, ... (see trainyard://schema/strategy); it is ${kindOf(doc)}.`,
      {
        source,
        issues: [`(root): expected a mapping with name, indicators and labels; found ${kindOf(doc)}`],
      },
    );
  }
  const fields = Object.keys(doc);
  if (!fields.some((f) => REQUIRED_FIELDS.includes(f))) {
    const problem = `not a strategy: a mapping of ${fields.length} field${fields.length === 1 ? '' : 's'}, none of them ${REQUIRED_FIELDS.join(', ')}`;
    throw new DomainError('INVALID_STRATEGY', `Strategy ${source} is ${problem} (see trainyard://schema/strategy).`, {
      source,
      issues: [`(root): ${problem}`],
    });
  }
  const parsed = strategySchema.safeParse(doc);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new DomainError(
      'INVALID_STRATEGY',
      `Strategy ${source} has ${issues.length} problem${issues.length > 1 ? 's' : ''}:\n${issues.map((i) => `  - ${i}`).join('\n')}`,
      {
        source,
        issues,
      },
    );
  }
  const hash = createHash('sha256').update(JSON.stringify(parsed.data)).digest('hex');
  return { strategy: parsed.data, yaml, source, hash };
}

/** A strategy given as a name under strategies/, a path to a YAML file, or inline YAML. */
export function resolveStrategy(ref: string, loc: StrategyLocations): ResolvedStrategy {
  if (isInline(ref)) return parseStrategy(ref, 'inline');
  const file = findFile(ref, loc);
  if (!file) {
    const known = listStrategies(loc.strategiesDir);
    throw new DomainError(
      'STRATEGY_NOT_FOUND',
      `No strategy "${ref}": not a file and not a name under ${loc.strategiesDir}. Known strategies: ${known.join(', ') || '(none)'}. Pass a name, a path to a .yaml file, or inline YAML.`,
      { ref, known },
    );
  }
  const bytes = fs.statSync(file).size;
  if (bytes > MAX_STRATEGY_BYTES) {
    throw new DomainError(
      'INVALID_STRATEGY',
      `Strategy ${file} is ${bytes} bytes; a strategy file is at most ${MAX_STRATEGY_BYTES} bytes.`,
      {
        source: file,
        issues: [`(root): the file is ${bytes} bytes, over ${MAX_STRATEGY_BYTES}`],
      },
    );
  }
  return parseStrategy(fs.readFileSync(file, 'utf8'), file);
}
