/** Number formats for titles and alt text (charts speak to people: a few significant digits). */
export const pct = (v: number | null | undefined, d = 1): string =>
  typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(d)}%` : 'n/a';

export const signedPct = (v: number | null | undefined, d = 1): string =>
  typeof v === 'number' && Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(d)}%` : 'n/a';

export const num = (v: number | null | undefined, d = 2): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** The date part of an ISO time. */
export const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : 'n/a');

/** Parts joined with "; " into lines of at most about `width` characters (Vega titles take an array of lines). */
export function wrap(parts: readonly string[], width = 100): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + part.length + 2 <= width) lines[lines.length - 1] = `${last}; ${part}`;
    else lines.push(part);
  }
  return lines;
}
