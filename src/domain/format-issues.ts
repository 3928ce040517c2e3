import type { z } from 'zod';

/** One line per problem: `path: message`, the path written as an agent would type it. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issueMessage(issue)}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? fieldName(p) : `.${fieldName(p)}`)).join('');
}

/** Field names a message may quote: identifier-like (letters, digits, _ . -) and at most 40 characters. */
const SHOWN_FIELD = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}$/;

/**
 * A field name as messages show it. Names come from the document being checked, which may be any
 * file a client pointed at (a password file, a .env): only identifier-like names are quoted, others
 * are described by their length.
 */
export function fieldName(key: PropertyKey): string {
  const text = String(key);
  return SHOWN_FIELD.test(text) ? text : `<field of ${text.length} characters>`;
}

/** `unknown field "a"` / `unknown fields "a", "b" and 3 not shown` with the same rule. */
export function unknownFields(keys: readonly string[]): string {
  const shown = keys.filter((k) => SHOWN_FIELD.test(k)).map((k) => `"${k}"`);
  const hidden = keys.length - shown.length;
  const rest = hidden === 0 ? '' : `${shown.length ? ' and ' : ''}${hidden} ${shown.length ? 'more ' : ''}whose names are not identifiers`;
  return `unknown field${keys.length > 1 ? 's' : ''} ${shown.join(', ')}${rest}`;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.message.startsWith('unknown field') ? issue.message : unknownFields(issue.keys);
    default:
      return issue.message;
  }
}
