import type { FileAccess } from '../config/access.js';
import { loadMarketData } from '../pipeline/data/index.js';
import { observedBarsPerYear } from '../pipeline/features/volatility.js';
import type { DataSummary } from './types.js';
import { maxOf, minOf } from '../pipeline/array-stats.js';

export interface SummaryOptions {
  dataDir: string;
  cwd: string;
  storeFile?: string | undefined;
  to?: string | undefined;
  access?: FileAccess | undefined;
}

/** The data the designer plans for: symbols, bar size, span, and buy-and-hold return and volatility. */
export async function summarizeData(spec: string, opts: SummaryOptions): Promise<DataSummary> {
  const data = await loadMarketData(spec, {
    dataDir: opts.dataDir,
    cwd: opts.cwd,
    storeFile: opts.storeFile,
    to: opts.to,
    access: opts.access,
  });
  const first = data.series[0]!;
  const perYear = observedBarsPerYear(first.time);
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (const s of data.series) {
    for (let t = 1; t < s.close.length; t++) {
      const r = Math.log(s.close[t]! / s.close[t - 1]!);
      sum += r;
      sq += r * r;
      n++;
    }
  }
  const mean = n ? sum / n : 0;
  const variance = n > 1 ? (sq - n * mean * mean) / (n - 1) : 0;
  const from = minOf(data.series.map((s) => s.time[0]!));
  const to = maxOf(data.series.map((s) => s.time[s.time.length - 1]!));
  return {
    spec,
    symbols: data.series.map((s) => s.symbol),
    timeframe: data.timeframe,
    bars: data.series.reduce((k, s) => k + s.time.length, 0),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    annual_return: +(Math.exp(mean * perYear) - 1).toFixed(4),
    annual_volatility: +Math.sqrt(Math.max(0, variance) * perYear).toFixed(4),
  };
}
