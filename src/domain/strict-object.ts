import { z } from 'zod';
import { unknownFields } from './format-issues.js';

/** A strict object whose "unknown field" error lists the fields that are allowed. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `${unknownFields(iss.keys)}; allowed: ${allowed}` : undefined),
  });
}
