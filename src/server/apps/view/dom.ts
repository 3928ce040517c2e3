/**
 * DOM building for the views with text only: every string from a result becomes a text node
 * (never HTML), and a chart SVG is parsed as XML and stripped of anything that could run.
 */

export function el(tag: string, attrs: Record<string, string> = {}, children: (Node | string)[] = []): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

export function clear(node: Element): void {
  while (node.firstChild) node.firstChild.remove();
}

const UNSAFE = 'script, foreignObject, iframe, object, embed, use, a, animate, set, image';

/**
 * The server-rendered chart as an inline SVG element: parsed as XML, scripts and elements that
 * load or link removed, event handler attributes and non-local hrefs dropped. A chart that does
 * not parse becomes its alt text.
 */
export function safeSvg(svgText: string, alt: string): Element {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg' || doc.getElementsByTagName('parsererror').length) return el('p', { class: 'muted' }, [alt]);
  for (const bad of Array.from(svg.querySelectorAll(UNSAFE))) bad.remove();
  for (const node of Array.from(svg.querySelectorAll('*')).concat(svg)) {
    for (const attr of Array.from(node.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) node.removeAttribute(attr.name);
      else if ((name === 'href' || name === 'xlink:href') && !attr.value.startsWith('#')) node.removeAttribute(attr.name);
      else if (/url\(\s*['"]?(?!#)/i.test(attr.value)) node.removeAttribute(attr.name);
    }
  }
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', alt);
  // Scale to the view's width, keeping the aspect ratio Vega chose.
  const w = svg.getAttribute('width');
  const h = svg.getAttribute('height');
  if (w && h && !svg.getAttribute('viewBox')) svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  return document.importNode(svg, true);
}
