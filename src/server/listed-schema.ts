import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { JsonSchema } from '../tools/json-schema.js';

/**
 * A Standard Schema that validates with `schema` (zod's own `~standard.validate`) and lists as
 * `json` in tools/list: SDK v2 asks a tool's schemas for `~standard.jsonSchema[io]()`, and this
 * answers with the compact, portable JSON of tools/json-schema.ts instead of zod's conversion.
 */
export function listedAs<T extends z.ZodObject>(schema: T, json: JsonSchema): StandardSchemaWithJSON<z.input<T>, z.output<T>> {
  const std = schema['~standard'];
  return {
    '~standard': {
      version: 1,
      vendor: 'trainyard',
      validate: (value) => std.validate(value),
      jsonSchema: { input: () => structuredClone(json), output: () => structuredClone(json) },
    },
  };
}
