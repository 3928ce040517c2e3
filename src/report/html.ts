/** Text for HTML element content and quoted attribute values: the five characters that can change markup. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(part);
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((p, i) => {
    out += render(p) + strings[i + 1]!;
  });
  return new Html(out);
}

/**
 * An SVG made by the charts module, for inlining in HTML: the namespace declarations (inline SVG
 * in HTML needs none, and they are the only URLs in it) and any XML prolog go. Vega escapes the
 * text it writes; a script, an event handler or foreign content in the SVG is refused all the same.
 */
export function inlineSvg(svg: string, label: string): Html {
  if (/<script|<foreignObject|\son[a-z]+\s*=|javascript:/i.test(svg)) throw new Error('Refusing to inline an SVG with active content.');
  const body = svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\sxmlns(:xlink)?="[^"]*"/g, '')
    .replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(label)}" `);
  return new Html(body);
}
