import { z } from 'zod';

/** A JSON Schema node as tools/list carries it. */
export type JsonSchema = { [key: string]: unknown };

// Mark sub-schemas listed by type only, or not at all (see listing()); removed from what is listed.
const BRIEF = 'x-trainyard-brief';
const UNLISTED = 'x-trainyard-unlisted';
// A repeated sub-schema at least this long (serialized) moves to $defs; a shorter one costs less inline than as a $ref.
const MIN_SHARED_CHARS = 120;
// A description that gives an example value.
const EXAMPLE = /(^|[\s(])e\.g\. /;

/**
 * How tools/list shows the fields of an object schema; validation is unchanged (the whole schema
 * still checks every result, and results carry every field). `brief`: type and description only,
 * for nested detail an agent reads but does not branch on (a lineage record, a gate's checks);
 * `omit`: left out, for fields whose name says enough (timestamps, counts) — an output object
 * lists what an agent needs and may carry more.
 */
export function listing<T extends z.ZodObject>(schema: T, keys: { brief?: (keyof T['shape'])[]; omit?: (keyof T['shape'])[] }): T {
  const marked: Record<string, z.ZodType> = {};
  for (const k of keys.brief ?? []) marked[k as string] = (schema.shape[k as string] as z.ZodType).meta({ [BRIEF]: true });
  for (const k of keys.omit ?? []) marked[k as string] = (schema.shape[k as string] as z.ZodType).meta({ [UNLISTED]: true });
  return schema.extend(marked) as unknown as T;
}

const isRecord = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The types a node admits, for a brief node: `{type}` or, when it admits several, `anyOf` of them. */
function typeOnly(node: JsonSchema): JsonSchema {
  const types = new Set<string>();
  const collect = (n: unknown) => {
    if (!isRecord(n)) return;
    if (typeof n['type'] === 'string') types.add(n['type']);
    if (Array.isArray(n['type'])) for (const t of n['type']) types.add(String(t));
    if (Array.isArray(n['anyOf'])) n['anyOf'].forEach(collect);
    if (Array.isArray(n['oneOf'])) n['oneOf'].forEach(collect);
  };
  collect(node);
  const description = node['description'] === undefined ? {} : { description: node['description'] };
  const list = [...types];
  if (list.length === 1) return { type: list[0], ...description };
  return { anyOf: list.map((type) => ({ type })), ...description };
}

/**
 * Rewrites what single-type dialects (OpenAPI 3.0, Gemini's function declarations) cannot read and
 * drops what carries nothing for a client:
 * - `type: [X, "null"]` (zod 4.6 folds a nullable's `anyOf` into a type array) -> `anyOf` of single types;
 * - `additionalProperties: false` of an output object and the empty `{}` of a record of unknown
 *   values -> absent: a result may carry fields beyond those listed, which a client ignores
 *   (an input object that refuses unknown fields keeps its `false`);
 * - `propertyNames: {type: "string"}` (JSON keys are strings), the safe-integer bounds zod gives
 *   every `.int()`, an input's `minLength: 1`, the root's `$schema`, and `required` in output schemas;
 * - a brief() node -> its type and description;
 * - in outputs, an enum whose values the tool's input lists (`shown`) -> its type.
 */
function portable(node: unknown, io: 'input' | 'output', depth = 0, shown: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(node)) return node.map((n) => portable(n, io, depth, shown));
  if (!isRecord(node)) return node;
  if (node[BRIEF] === true) return typeOnly(node);
  const out: JsonSchema = {};
  const unlisted = new Set<string>();
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue;
    if (key === 'additionalProperties' && ((value === false && io === 'output') || (isRecord(value) && Object.keys(value).length === 0)))
      continue;
    if (key === 'propertyNames' && isRecord(value) && value['type'] === 'string' && Object.keys(value).length === 1) continue;
    // An agent does not send an empty text where one is asked for; validation still refuses one.
    if (key === 'minLength' && value === 1 && io === 'input') continue;
    // zod's .int() bounds every integer by the safe-integer range; JSON numbers say nothing more.
    if ((key === 'minimum' || key === 'maximum') && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'type' && Array.isArray(value)) {
      if (value.length === 1) out['type'] = value[0];
      else out['anyOf'] = value.map((type) => ({ type }));
      continue;
    }
    if ((key === 'properties' || key === '$defs') && isRecord(value)) {
      const map: JsonSchema = {};
      for (const [name, sub] of Object.entries(value)) {
        if (isRecord(sub) && sub[UNLISTED] === true) unlisted.add(name);
        else map[name] = portable(sub, io, key === '$defs' ? 1 : depth + 1, shown);
      }
      out[key] = map;
      continue;
    }
    // Output fields nested in lists and objects go without their descriptions: the top-level fields
    // and brief objects say what they hold.
    if (key === 'description' && io === 'output' && depth >= 2) continue;
    // A pattern checks what a client sends; what a server returns needs none. An input whose
    // description shows an example ("e.g. ...") lists that instead: the example says the form in
    // fewer bytes, and a value that does not match is refused with the rule spelled out.
    if (key === 'pattern' && (io === 'output' || EXAMPLE.test(String(node['description'] ?? '')))) continue;
    // An output's values show themselves: a description that is only an example carries nothing.
    if (key === 'description' && io === 'output' && /^e\.g\. /.test(String(value))) continue;
    // An output enum the tool's input already lists (a filter's values) is listed by type only.
    if (key === 'enum' && io === 'output' && shown.has(JSON.stringify(value))) continue;
    out[key] = portable(value, io, depth, shown);
  }
  if (Array.isArray(out['required']) && unlisted.size) out['required'] = out['required'].filter((k) => !unlisted.has(String(k)));
  // What a result holds is in its properties; an agent does not branch on which of them zod requires.
  if (io === 'output') delete out['required'];
  return out;
}

/**
 * Moves every sub-schema that occurs more than once (and is long enough to be worth it) into
 * `$defs`, named after the first property that holds it, and refers to it with `$ref`: the
 * operation in get_status appears three times, written once.
 */
function share(root: JsonSchema): JsonSchema {
  const counts = new Map<string, { count: number; name: string }>();
  const visit = (node: unknown, name: string) => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, name));
    if (!isRecord(node)) return;
    const key = JSON.stringify(node);
    if (node !== root && key.length >= MIN_SHARED_CHARS) {
      const seen = counts.get(key);
      if (seen) {
        seen.count++;
        return; // its children are counted once
      }
      counts.set(key, { count: 1, name });
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties' && isRecord(v)) for (const [p, s] of Object.entries(v)) visit(s, p);
      else visit(v, k === 'items' || k === 'anyOf' ? name : `${name}_${k}`);
    }
  };
  visit(root, 'root');
  const defs: JsonSchema = {};
  const refs = new Map<string, string>();
  for (const [key, { count, name }] of counts) {
    if (count < 2) continue;
    let def = name;
    for (let i = 2; def in defs; i++) def = `${name}${i}`;
    defs[def] = null;
    refs.set(key, def);
  }
  if (refs.size === 0) return root;
  const replace = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => replace(n, false));
    if (!isRecord(node)) return node;
    const def = top ? undefined : refs.get(JSON.stringify(node));
    if (def) return { $ref: `#/$defs/${def}` };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replace(v, false)]));
  };
  // A definition may hold another shared one: replace inside it, but not the definition itself.
  for (const [key, def] of refs) defs[def] = replace(JSON.parse(key), true);
  return { ...(replace(root, true) as JsonSchema), $defs: defs };
}

/**
 * The JSON Schema a tool lists for a zod schema: what zod 4 emits for the output side, made
 * portable (no type arrays, no untyped schemas), brief where marked, without the output enums in
 * `shown` (see enumsIn), and with repeated sub-schemas shared through `$defs`. The zod schema
 * itself still validates every result.
 */
export function toolJsonSchema(schema: z.ZodType, io: 'input' | 'output', shown: ReadonlySet<string> = new Set()): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return share(portable(json, io, 0, shown) as JsonSchema);
}

/** The value lists (`enum`) a schema lists anywhere, serialized: an output need not list them again. */
export function enumsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => enumsIn(n, found));
  else if (isRecord(node)) {
    if (Array.isArray(node['enum'])) found.add(JSON.stringify(node['enum']));
    Object.values(node).forEach((v) => enumsIn(v, found));
  }
  return found;
}
