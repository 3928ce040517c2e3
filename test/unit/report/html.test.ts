import { describe, expect, it } from 'vitest';
import { renderChart } from '../../../src/charts/index.js';
import { escapeHtml, html, inlineSvg } from '../../../src/report/html.js';
import { sampleData } from '../../helpers/chart-data.js';

describe('report HTML', () => {
  it('escapes the five markup characters in text and attributes', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    const name = '"><img src=x onerror=alert(1)>';
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>',
    );
    // Nested fragments are not escaped twice; arrays join.
    expect(
      html`<ul>
        ${['<a>', '<b>'].map((s) => html`<li>${s}</li>`)}
      </ul>`.value.replace(/>\s+</g, '><'),
    ).toBe('<ul><li>&lt;a&gt;</li><li>&lt;b&gt;</li></ul>');
  });

  it('inlines a chart SVG without namespace URLs, labelled by its escaped alt text', async () => {
    const hostile = sampleData(true);
    const chart = await renderChart('feature_importance', hostile.feature_importance, { format: 'svg' });
    const svg = inlineSvg(chart.svg!, chart.alt).value;
    expect(svg).toMatch(/^<svg role="img" aria-label="[^"<>]*"/);
    expect(svg).not.toMatch(/https?:\/\//);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('refuses an SVG with active content', () => {
    expect(() => inlineSvg('<svg><script>alert(1)</script></svg>', 'x')).toThrow(/active content/);
    expect(() => inlineSvg('<svg><rect onload="alert(1)"/></svg>', 'x')).toThrow(/active content/);
    expect(() => inlineSvg('<svg><foreignObject></foreignObject></svg>', 'x')).toThrow(/active content/);
  });
});
