import type { z } from 'zod';
import type { JsonSchema } from '../tools/json-schema.js';

/**
 * A copy of a zod object schema that validates exactly like it but lists as `json` in tools/list.
 * SDK 1.x converts a tool's zod schemas itself (zod's toJSONSchema, no options we can pass), and
 * zod asks a schema for its own JSON Schema before converting it; the copy is made from the
 * definition, without a parent, so zod takes the answer as it is. zod then adds the `$schema` of
 * the draft the SDK asks for (draft-07); an undefined one leaves it out (zod's result goes through
 * JSON), and without it the MCP default, draft 2020-12, applies, the draft `$defs` belongs to.
 */
export function listedAs<T extends z.ZodObject>(schema: T, json: JsonSchema): T {
  const copy = new schema._zod.constr(schema._zod.def) as T;
  copy._zod.toJSONSchema = () => ({ ...structuredClone(json), $schema: undefined });
  return copy;
}
