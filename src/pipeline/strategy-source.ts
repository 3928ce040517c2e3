import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { DomainError } from '../domain/errors.js';
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
}

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

function findFile(ref: string, loc: StrategyLocations): string | undefined {
  const candidates = [path.resolve(loc.cwd ?? process.cwd(), ref)];
  if (/^[A-Za-z0-9_.-]+$/.test(ref)) {
    candidates.push(
      path.join(loc.strategiesDir, `${ref}.yaml`),
      path.join(loc.strategiesDir, `${ref}.yml`),
      path.join(loc.strategiesDir, ref),
    );
  }
  return candidates.find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
}

/** Parses and validates strategy YAML text; every problem is listed with its field path. */
export function parseStrategy(yaml: string, source = 'inline'): ResolvedStrategy {
  let doc: unknown;
  try {
    doc = YAML.parse(yaml, { prettyErrors: true });
  } catch (err) {
    throw new DomainError('INVALID_STRATEGY', `Strategy ${source} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, {
      source,
      issues: [(err as Error).message.split('\n')[0]],
    });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new DomainError(
      'INVALID_STRATEGY',
      `Strategy ${source} must be a YAML mapping with name, indicators, labels, ... (see trainyard://schema/strategy).`,
      {
        source,
        issues: ['(root): expected a mapping'],
      },
    );
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
  return parseStrategy(fs.readFileSync(file, 'utf8'), file);
}
