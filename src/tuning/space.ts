import { z } from 'zod';
import { YAML } from '../config/yaml.js';
import { DomainError } from '../domain/errors.js';
import { formatIssues } from '../domain/format-issues.js';
import { searchSchema, type ParamSpec, type SearchSpec } from '../domain/search-space.js';
import { strategySchema, type Strategy } from '../domain/strategy.js';
import type { Distribution, ParamValue, SearchSpace, SpaceParam } from './types.js';

/**
 * From a strategy's `search:` section (or an inline one) to the search space the samplers draw
 * from, and from a trial's parameters back to a strategy. Every path is checked against the
 * strategy schema (the field exists for this strategy, its type, its bounds) before any trial runs;
 * every problem is reported with its path.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

let strategyJson: JsonSchema | undefined;
const schemaOfStrategy = () => (strategyJson ??= z.toJSONSchema(strategySchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The variant of a oneOf/anyOf whose `type` const matches, or the one that has the property. */
function variant(schema: JsonSchema, value: unknown, nextKey: string | undefined): JsonSchema {
  const options = schema.oneOf ?? schema.anyOf;
  if (!options) return schema;
  const type = isObj(value) ? value['type'] : undefined;
  const own = options.find((o) => o.properties?.['type']?.const !== undefined && o.properties['type'].const === type);
  // A field of another variant (labels.max_holding while labels.type is searched): that variant.
  if (own && (nextKey === undefined || own.properties?.[nextKey] !== undefined)) return own;
  return options.find((o) => nextKey !== undefined && o.properties?.[nextKey] !== undefined) ?? own ?? options[0]!;
}

interface FieldInfo {
  schema: JsonSchema;
  /** The base strategy's current value (undefined when the strategy leaves it out). */
  current: unknown;
}

/** Walks a path through the strategy's JSON Schema and its value; indicators are addressed by id. */
function resolveField(strategy: Strategy, path: string): FieldInfo | string {
  const keys = path.split('.');
  let schema = schemaOfStrategy();
  let value: unknown = strategy;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    schema = variant(schema, value, key);
    if (schema.type === 'array' || Array.isArray(value)) {
      const arr = Array.isArray(value) ? value : [];
      if (keys[i - 1] === 'indicators' && i === 1) {
        const found = (arr as Obj[]).find((ind) => ind['id'] === key);
        if (!found) return `no indicator with id "${key}"; ids: ${(arr as Obj[]).map((x) => String(x['id'])).join(', ')}`;
        value = found;
        schema = variant(schema.items ?? {}, found, keys[i + 1]);
        continue;
      }
      if (!/^\d+$/.test(key) || Number(key) >= arr.length)
        return `"${key}" is not an index of ${keys.slice(0, i).join('.')} (it has ${arr.length} entries: 0..${arr.length - 1})`;
      value = arr[Number(key)];
      schema = schema.items ?? {};
      continue;
    }
    const props = schema.properties;
    if (!props || !(key in props)) {
      const valid = props ? Object.keys(props).join(', ') : 'none (it is a value)';
      return `"${keys.slice(0, i + 1).join('.')}" is not a strategy field; fields of ${keys.slice(0, i).join('.') || 'the strategy'}: ${valid}`;
    }
    schema = props[key]!;
    value = isObj(value) ? value[key] : undefined;
  }
  return { schema: variant(schema, value, undefined), current: value };
}

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type[0] : s.type);

function distributionOf(path: string, spec: ParamSpec, field: FieldInfo, problems: string[]): Distribution | null {
  if ('choices' in spec) return { kind: 'categorical', choices: spec.choices as ParamValue[] };
  const t = typeOf(field.schema);
  if (t !== 'integer' && t !== 'number') {
    problems.push(`${path}: a range needs a numeric field; this one is ${t ?? 'not a single value'} (use choices: [...])`);
    return null;
  }
  const kind = spec.type ?? (t === 'integer' ? 'int' : 'float');
  if (kind === 'float' && t === 'integer') {
    problems.push(`${path}: the field takes whole numbers; leave out type or use type: int`);
    return null;
  }
  const { minimum: min, maximum: max, exclusiveMinimum: xmin, exclusiveMaximum: xmax } = field.schema;
  const lowOk = (min === undefined || spec.low >= min) && (xmin === undefined || spec.low > xmin);
  const highOk = (max === undefined || spec.high <= max) && (xmax === undefined || spec.high < xmax);
  if (!lowOk || !highOk) {
    const bounds = `${xmin !== undefined ? `> ${xmin}` : min !== undefined ? `>= ${min}` : ''}${(min ?? xmin) !== undefined && (max ?? xmax) !== undefined ? ' and ' : ''}${xmax !== undefined ? `< ${xmax}` : max !== undefined ? `<= ${max}` : ''}`;
    problems.push(`${path}: the range ${spec.low}..${spec.high} leaves the field's bounds (${bounds})`);
    return null;
  }
  if (
    kind === 'int' &&
    (!Number.isInteger(spec.low) || !Number.isInteger(spec.high) || (spec.step !== undefined && !Number.isInteger(spec.step)))
  ) {
    problems.push(`${path}: an int range needs whole-number low, high and step`);
    return null;
  }
  return { kind, low: spec.low, high: spec.high, log: spec.log, ...(spec.step !== undefined ? { step: spec.step } : {}) };
}

/**
 * The search space of `spec` (default: the strategy's own `search:`) for this strategy: paths
 * resolved and typed, bounds checked, conditions ordered after their parents. Throws
 * INVALID_ARGUMENT listing every problem by path.
 */
export function compileSpace(strategy: Strategy, spec?: unknown): SearchSpace {
  const raw = spec ?? strategy.search;
  if (raw === undefined)
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Strategy ${strategy.name} has no search: section and no search space was given. Add one, e.g. search: {training.learning_rate: {low: 1.0e-4, high: 1.0e-2, log: true}, model.dropout: {low: 0, high: 0.5}}.`,
      { field: 'search' },
    );
  const parsed = searchSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues).map((i) => `search.${i}`);
    throw new DomainError('INVALID_ARGUMENT', `The search space is invalid:\n- ${issues.join('\n- ')}`, { field: 'search', issues });
  }
  const entries = Object.entries(parsed.data as SearchSpec);
  const problems: string[] = [];
  const params: SpaceParam[] = [];
  const names = new Set(entries.map(([p]) => p));
  for (const [path, p] of entries) {
    if (path.startsWith('data.') || path === 'training.seed' || path.startsWith('training.cross_validation')) {
      problems.push(`${path}: not tunable (the data, the seed and cross-validation are fixed for a tuning run)`);
      continue;
    }
    for (const other of names)
      if (other !== path && path.startsWith(`${other}.`))
        problems.push(`${path}: its parent field ${other} is searched too; search one or the other`);
    const field = resolveField(strategy, path);
    if (typeof field === 'string') {
      problems.push(`${path}: ${field}`);
      continue;
    }
    const distribution = distributionOf(path, p, field, problems);
    if (!distribution) continue;
    let condition: SpaceParam['condition'];
    if (p.when) {
      const [parent, values] = Object.entries(p.when)[0]!;
      const parentSpec = (parsed.data as SearchSpec)[parent];
      if (!parentSpec) problems.push(`${path}: when names ${parent}, which is not in the search space`);
      else if (!('choices' in parentSpec))
        problems.push(`${path}: when names ${parent}, which is a range; a parent must be a choices parameter`);
      else if (parent === path) problems.push(`${path}: a parameter cannot depend on itself`);
      else {
        const missing = values.filter((v) => !parentSpec.choices.some((c) => JSON.stringify(c) === JSON.stringify(v)));
        if (missing.length) problems.push(`${path}: when lists ${JSON.stringify(missing)}, which ${parent} never takes`);
        condition = { parent, values: values as ParamValue[] };
      }
    }
    params.push({ name: path, distribution, ...(condition ? { condition } : {}) });
  }
  const ordered = orderByCondition(params, problems);
  if (problems.length)
    throw new DomainError('INVALID_ARGUMENT', `The search space is invalid:\n- ${problems.join('\n- ')}`, {
      field: 'search',
      issues: problems,
    });
  // Each value on its own must make a valid strategy (a choice of hidden layers, an indicator period).
  for (const param of ordered) {
    const d = param.distribution;
    const probes: ParamValue[] = d.kind === 'categorical' ? [...d.choices] : [d.low, d.high];
    for (const v of probes) {
      const issue = probe(strategy, ordered, param, v);
      if (issue) problems.push(`${param.name} = ${JSON.stringify(v)}: ${issue}`);
    }
  }
  if (problems.length)
    throw new DomainError('INVALID_ARGUMENT', `The search space is invalid:\n- ${problems.join('\n- ')}`, {
      field: 'search',
      issues: problems,
    });
  return { params: ordered };
}

/** Parents before children (stable otherwise); a cycle is a problem. */
function orderByCondition(params: SpaceParam[], problems: string[]): SpaceParam[] {
  const out: SpaceParam[] = [];
  const placed = new Set<string>();
  let pending = params;
  while (pending.length) {
    const next = pending.filter(
      (p) => !p.condition || placed.has(p.condition.parent) || !params.some((q) => q.name === p.condition!.parent),
    );
    if (!next.length) {
      problems.push(`conditions form a cycle: ${pending.map((p) => p.name).join(', ')}`);
      return out;
    }
    for (const p of next) {
      out.push(p);
      placed.add(p.name);
    }
    pending = pending.filter((p) => !placed.has(p.name));
  }
  return out;
}

/** Why the strategy with this one value (and its parents at a value that enables it) is invalid, or null. */
function probe(strategy: Strategy, space: readonly SpaceParam[], param: SpaceParam, value: ParamValue): string | null {
  const values: Record<string, ParamValue> = { [param.name]: value };
  for (let c = param.condition; c; c = space.find((p) => p.name === c!.parent)?.condition) values[c.parent] = c.values[0]!;
  try {
    applyParams(strategy, values);
    return null;
  } catch (err) {
    const issues = (err as DomainError).data?.['issues'] as string[] | undefined;
    return issues?.join('; ') ?? (err as Error).message;
  }
}

function setPath(root: Obj, path: string, value: ParamValue): void {
  const keys = path.split('.');
  let node: unknown = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    if (Array.isArray(node)) {
      node = i === 1 && keys[0] === 'indicators' ? (node as Obj[]).find((x) => x['id'] === key) : node[Number(key)];
    } else if (isObj(node)) {
      node[key] ??= {};
      node = node[key];
    }
  }
  const last = keys[keys.length - 1]!;
  if (Array.isArray(node)) node[Number(last)] = value;
  else if (isObj(node)) {
    // A discriminated section switched to another type starts from that type's defaults.
    if (last === 'type' && node[last] !== value && keys.length === 2) for (const k of Object.keys(node)) delete node[k];
    node[last] = value;
  }
}

/**
 * The strategy a trial trains: the base with the trial's values set (in space order, so a section
 * switched by its `type` is filled after), without its search section, validated again.
 */
export function applyParams(strategy: Strategy, values: Record<string, ParamValue>): Strategy {
  const { search: _search, ...rest } = strategy;
  const doc = structuredClone(rest) as Obj;
  const ordered = Object.keys(values).sort((a, b) => Number(b.endsWith('.type')) - Number(a.endsWith('.type')));
  for (const key of ordered) setPath(doc, key, values[key]!);
  const parsed = strategySchema.safeParse(doc);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new DomainError('INVALID_STRATEGY', `These parameter values make an invalid strategy: ${issues.join('; ')}`, { issues });
  }
  return parsed.data;
}

/** The YAML of a tuned strategy, with a header saying where its values came from. */
export function tunedYaml(strategy: Strategy, header: string): string {
  const body = YAML.stringify(strategy, { lineWidth: 0 });
  return `${header
    .split('\n')
    .map((l) => `# ${l}`)
    .join('\n')}\n${body}`;
}
