/**
 * Portability of tool schemas, independent of the MCP Inspector. It mirrors the rules of
 * `mcp-inspector --cli --strict` 2.12 (core/json/schemaLint.ts: type-union, untyped-schema,
 * boolean-schema, remote-ref) and adds two of its own: an `additionalProperties` that is `true` or
 * `{}` (a free-form object says what its values are), and a nested schema without `type` unless it
 * is an `anyOf` or a `$ref` (single-type dialects need a type on every node).
 */
export interface Finding {
  tool: string;
  schema: 'inputSchema' | 'outputSchema';
  path: string;
  rule: 'type-union' | 'untyped-schema' | 'boolean-schema' | 'remote-ref' | 'untyped-additional-properties' | 'missing-type';
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

// Keywords that hold one schema, an array of schemas, or a map of schemas (the Inspector's lists).
const ONE = [
  'items',
  'contains',
  'not',
  'propertyNames',
  'if',
  'then',
  'else',
  'additionalProperties',
  'unevaluatedProperties',
  'additionalItems',
  'unevaluatedItems',
  'contentSchema',
];
const MANY = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies', '$defs', 'definitions'];
// A schema that carries one of these constrains its value (the Inspector's CONSTRAINING_KEYWORDS).
const CONSTRAINING = new Set([
  'type',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'contentMediaType',
  'contentEncoding',
  'contentSchema',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxContains',
  'minContains',
  'maxProperties',
  'minProperties',
  'required',
  'dependentRequired',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'items',
  'prefixItems',
  'contains',
  'additionalItems',
  'unevaluatedItems',
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'dependentSchemas',
  'dependencies',
  '$ref',
  '$dynamicRef',
  '$recursiveRef',
]);
const BOOLEAN_ALLOWED = new Set(['additionalProperties', 'unevaluatedProperties', 'additionalItems', 'unevaluatedItems']);

function walk(node: unknown, path: string, keyword: string | undefined, add: (path: string, rule: Finding['rule']) => void): void {
  if (typeof node === 'boolean') {
    if (keyword === 'additionalProperties' && node) add(path, 'untyped-additional-properties');
    else if (!(keyword && BOOLEAN_ALLOWED.has(keyword))) add(path, 'boolean-schema');
    return;
  }
  if (!isNode(node)) return;
  if (Array.isArray(node['type'])) add(path, 'type-union');
  if (typeof node['$ref'] === 'string' && !node['$ref'].startsWith('#')) add(path, 'remote-ref');
  const constrains = Object.keys(node).some((k) => CONSTRAINING.has(k)) || ('if' in node && ('then' in node || 'else' in node));
  if (!constrains && keyword !== 'not') add(path, keyword === 'additionalProperties' ? 'untyped-additional-properties' : 'untyped-schema');
  else if (path !== '' && keyword !== 'not' && !('type' in node) && !('anyOf' in node) && !('$ref' in node)) add(path, 'missing-type');
  for (const k of ONE) if (k in node) walk(node[k], `${path}.${k}`, k, add);
  for (const k of MANY) if (Array.isArray(node[k])) node[k].forEach((s, i) => walk(s, `${path}.${k}[${i}]`, k, add));
  for (const k of MAP) if (isNode(node[k])) for (const [name, s] of Object.entries(node[k])) walk(s, `${path}.${k}.${name}`, k, add);
}

export function portabilityFindings(tools: readonly { name: string; inputSchema?: unknown; outputSchema?: unknown }[]): Finding[] {
  const findings: Finding[] = [];
  for (const t of tools)
    for (const schema of ['inputSchema', 'outputSchema'] as const)
      if (t[schema] !== undefined) walk(t[schema], '', undefined, (path, rule) => findings.push({ tool: t.name, schema, path, rule }));
  return findings;
}
