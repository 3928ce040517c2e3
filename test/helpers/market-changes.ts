import fs from 'node:fs';
import path from 'node:path';
import { generateSynthetic } from '../../src/pipeline/data/synthetic.js';

/**
 * Writes one synthetic symbol as CSV after changing its market: every log return times `volScale`
 * plus `shift` (a level shift of return features), open/high/low kept in proportion to the close.
 */
export function changedMarketCsv(
  dir: string,
  name: string,
  p: { seed: number; bars: number; signal: number; volScale?: number; shift?: number; start?: string },
): string {
  const [b] = generateSynthetic({
    seed: p.seed,
    bars: p.bars,
    symbols: 1,
    family: 'momentum',
    signal: p.signal,
    regimes: 1,
    timeframe: '1d',
    start: p.start ?? '2010-01-01',
  });
  const k = p.volScale ?? 1;
  const lines = ['date,open,high,low,close,volume'];
  let close = 100;
  for (let t = 0; t < b!.time.length; t++) {
    const c = b!.close[t]!;
    if (t > 0) close *= Math.exp(k * Math.log(c / b!.close[t - 1]!) + (p.shift ?? 0));
    const rel = (x: number) => close * Math.pow(x / c, k);
    const day = new Date(b!.time[t]!).toISOString().slice(0, 10);
    lines.push(`${day},${rel(b!.open[t]!)},${rel(b!.high[t]!)},${rel(b!.low[t]!)},${close},${b!.volume[t]!}`);
  }
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
