/** `WHERE a = ? AND b = ?` from the filters that are set (column names are trusted literals). */
export function whereEquals(filters: Record<string, string | null | undefined>): { sql: string; args: string[] } {
  const set = Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return { sql: set.length ? `WHERE ${set.map(([col]) => `${col} = ?`).join(' AND ')}` : '', args: set.map(([, v]) => v) };
}
