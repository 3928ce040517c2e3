import { describe, expect, it } from 'vitest';
import { chartKinds, chartSpec, renderChart } from '../../../src/charts/index.js';
import { sampleData } from '../../helpers/chart-data.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Text content of every <text> element, entities decoded. */
function texts(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)]
    .map((m) => m[1]!.replace(/<[^>]+>/g, ' '))
    .join('\n')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

// What each chart must say in its SVG: title words and axis titles.
const EXPECTED: Record<(typeof chartKinds)[number], string[]> = {
  training_curves: ['Training curves', 'Epoch', 'Cross-entropy loss', 'Accuracy', 'kept epoch 4', 'validation'],
  equity: ['Equity', 'Equity (start = 1)', 'Drawdown', 'buy & hold', 'strategy'],
  drawdown: ['Drawdown', 'max -'],
  walk_forward: ['Walk-forward windows', 'Test window', 'Test return', 'Sharpe (annualised)', '#1 2021-01-04'],
  confusion_matrix: ['Confusion matrix', 'Predicted', 'Actual', 'down', 'flat', 'up', '50'],
  feature_importance: ['Feature importance', 'Loss increase (nats)', 'rsi_14'],
  drift: ['Feature drift', 'PSI', 'rsi_14', 'drift'],
  drift_histograms: ['Drift histograms', 'Share', 'rsi_14 (PSI 0.310)', 'training reference'],
  performance: ['Live performance', 'Prediction accuracy (7 days)', 'Sharpe (30 days)', 'degraded'],
  research: ['Research progress', 'Trial', 'OOS Sharpe', 'Deflated Sharpe', 'PBO 0.31'],
  tuning: ['Tuning study', 'Trial', 'Validation loss', 'Epoch', 'Validation loss per epoch', 'pruned', 'complete', 'failed'],
};

// The key numbers each alt text carries.
const ALT: Record<(typeof chartKinds)[number], RegExp> = {
  training_curves: /6 epochs.*1\.094.*1\.082.*kept epoch 4.*40\.2%/,
  equity: /strategy [+-]\d+\.\d%.*buy & hold [+-]\d+\.\d%.*max drawdown -\d+\.\d% on 20\d\d-\d\d-\d\d/,
  drawdown: /max drawdown -\d+\.\d%/,
  walk_forward: /3 of 4 expanding windows; mean Sharpe 0\.50 \(min -0\.40, max 1\.30\)/,
  confusion_matrix: /220 samples: accuracy 52\.3% against a majority baseline of 40\.5%; recall down 49%, flat 51%, up 56%/,
  feature_importance: /6 features.*rsi_14 0\.0120, macd_hist 0\.0060/,
  drift: /5 features on store: \(2024-03-01\): 1 drifted \(rsi_14 0\.310 > 0\.200\)/,
  drift_histograms: /4 most shifted features.*rsi_14 PSI 0\.310/,
  performance: /30 evaluations to 2024-01-30: prediction accuracy \(7 days\) 0\.363 \(threshold 0\.4, degraded\)/,
  tuning:
    /momentum_test, objective validation loss: 12 trials: 7 complete, 3 pruned \(27% of ended\), 1 failed, 1 running; best validation loss 1\.\d{4} \(trial \d+\); run op_tune1\./,
  research: /12 trials; best OOS Sharpe 1\.09 \(trial 9\); best deflated Sharpe 0\.85 over the trials so far \(bar 0\.95\); PBO 0\.31/,
};

describe('charts', () => {
  const data = sampleData();

  it.each(chartKinds)('%s compiles and renders to SVG with its title and axis labels', async (kind) => {
    const chart = await renderChart(kind, data[kind] as never, { format: 'svg' });
    expect(chart.name).toBe(kind);
    expect(chart.svg).toMatch(/^<svg /);
    expect(chart.width).toBeGreaterThan(200);
    const text = texts(chart.svg!);
    for (const s of EXPECTED[kind]) expect(text).toContain(s);
    expect(chart.title).toContain('momentum');
    expect(chart.alt).toMatch(ALT[kind]);
  });

  it('renders PNG bytes of the SVG size times the scale', async () => {
    const svg = await renderChart('confusion_matrix', data.confusion_matrix, { format: 'svg' });
    const png = await renderChart('confusion_matrix', data.confusion_matrix, { format: 'png', scale: 2 });
    expect(png.png!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.width).toBe(Math.round(svg.width * 2));
    expect(png.height).toBe(Math.round(svg.height * 2));
    // IHDR holds the size as stored in the file.
    expect(png.png!.readUInt32BE(16)).toBe(png.width);
    expect(png.png!.readUInt32BE(20)).toBe(png.height);
  });

  it('uses a colour-blind-safe palette (Okabe-Ito) for series', () => {
    const spec = JSON.stringify(chartSpec('equity', data.equity).spec);
    expect(spec).toContain('#0072B2');
    expect(spec).toContain('#E69F00');
  });

  it('escapes hostile names in SVG text and keeps them out of expressions', async () => {
    const hostile = sampleData(true);
    for (const kind of chartKinds) {
      const chart = await renderChart(kind, hostile[kind] as never, { format: 'svg' });
      expect(chart.svg, kind).not.toContain('<script');
      expect(chart.svg, kind).not.toMatch(/<[a-z]+[^>]*\son\w+=/i);
    }
    const fi = await renderChart('feature_importance', hostile.feature_importance, { format: 'svg' });
    expect(fi.svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
