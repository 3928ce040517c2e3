import { describe, expect, it } from 'vitest';
import { renderChart } from '../../../src/charts/index.js';
import { escapeHtml, html, inlineSvg } from '../../../src/report/html.js';
import { modelReportHtml } from '../../../src/report/model-report.js';
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

describe('model report page', () => {
  const model = {
    model_id: 'evil@2',
    name: 'evil',
    version: 2,
    stage: 'archived' as const,
    created_at: '2024-01-01T00:00:00.000Z',
    created_by: 'cli:<b>mallory</b>',
    operation_id: null,
    artifact_path: '/gone',
    lineage: {
      strategy_hash: 'abc',
      data_hash: 'def',
      data_source: 'csv:/tmp/"><script>alert(1)</script>.csv',
      code_version: '0.1.0',
      seed: 1,
      backend: 'cpu',
    },
    metrics: { training: {}, validation: {}, test: {} },
    ever_in_production: false,
    stage_changed_at: '2024-01-02T00:00:00.000Z',
  };

  it('renders an archived version with nothing but its registry row, every stored string escaped', () => {
    const page = modelReportHtml({
      generated_at: '2024-02-01T00:00:00.000Z',
      code_version: '0.1.0',
      model,
      result: null,
      gates: [],
      approval: null,
      history: [],
      backtest: null,
      drift: null,
      performance: null,
      charts: [],
    });
    expect(page).toContain('the artifact folder is gone');
    expect(page).toContain('No gate result stored');
    expect(page).toContain('No backtest recorded');
    expect(page).toContain('No drift report yet');
    expect(page).not.toMatch(/<script|<b>/);
    expect(page).toContain('csv:/tmp/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;.csv');
    expect(page).toContain('cli:&lt;b&gt;mallory&lt;/b&gt;');
  });
});
