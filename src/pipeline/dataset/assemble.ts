import type { Bars } from '../data/types.js';

export interface SymbolFeatures {
  names: string[];
  columns: Float64Array[];
  warmup: number;
}

/** Every usable sample: a bar with all features finite and a label. Symbol after symbol, time order kept. */
export interface SampleSet {
  names: string[];
  rows: number;
  cols: number;
  /** Row-major raw (unscaled) feature values. */
  x: Float64Array;
  y: Int32Array;
  /** Index into the series list, and the bar index within that symbol. */
  symbol: Int32Array;
  bar: Int32Array;
  time: Float64Array;
}

export function assembleSamples(series: Bars[], features: SymbolFeatures[], labels: Int8Array[]): SampleSet {
  const names = features[0]?.names ?? [];
  const cols = names.length;
  // Two passes over typed arrays: mark the usable bars of each symbol, then copy them. (An Array
  // of [symbol, bar] pairs for 10M rows took gigabytes and most of the assembly time.)
  const usable = series.map((bars, s) => {
    const f = features[s]!;
    const lab = labels[s]!;
    const mark = new Uint8Array(bars.time.length);
    for (let t = f.warmup; t < bars.time.length; t++) {
      if (lab[t]! < 0) continue;
      let finite = true;
      for (let j = 0; j < cols && finite; j++) finite = Number.isFinite(f.columns[j]![t]!);
      if (finite) mark[t] = 1;
    }
    return mark;
  });
  let rows = 0;
  for (const mark of usable) for (let t = 0; t < mark.length; t++) rows += mark[t]!;
  const out: SampleSet = {
    names,
    rows,
    cols,
    x: new Float64Array(rows * cols),
    y: new Int32Array(rows),
    symbol: new Int32Array(rows),
    bar: new Int32Array(rows),
    time: new Float64Array(rows),
  };
  let r = 0;
  for (let s = 0; s < series.length; s++) {
    const mark = usable[s]!;
    const columns = features[s]!.columns;
    const lab = labels[s]!;
    const time = series[s]!.time;
    for (let t = 0; t < mark.length; t++) {
      if (mark[t] === 0) continue;
      const base = r * cols;
      for (let j = 0; j < cols; j++) out.x[base + j] = columns[j]![t]!;
      out.y[r] = lab[t]!;
      out.symbol[r] = s;
      out.bar[r] = t;
      out.time[r] = time[t]!;
      r++;
    }
  }
  return out;
}

export function subset(set: SampleSet, rowsIdx: Int32Array): SampleSet {
  const { cols, x } = set;
  const n = rowsIdx.length;
  const out: SampleSet = {
    names: set.names,
    rows: n,
    cols,
    x: new Float64Array(n * cols),
    y: new Int32Array(n),
    symbol: new Int32Array(n),
    bar: new Int32Array(n),
    time: new Float64Array(n),
  };
  // A plain loop: a subarray view plus set() per row cost more than the copy itself.
  for (let i = 0; i < n; i++) {
    const r = rowsIdx[i]!;
    const from = r * cols;
    const to = i * cols;
    for (let j = 0; j < cols; j++) out.x[to + j] = x[from + j]!;
    out.y[i] = set.y[r]!;
    out.symbol[i] = set.symbol[r]!;
    out.bar[i] = set.bar[r]!;
    out.time[i] = set.time[r]!;
  }
  return out;
}
