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
  const keep: Array<[number, number]> = [];
  series.forEach((bars, s) => {
    const f = features[s]!;
    const lab = labels[s]!;
    for (let t = f.warmup; t < bars.time.length; t++) {
      if (lab[t]! < 0) continue;
      let finite = true;
      for (let j = 0; j < cols && finite; j++) finite = Number.isFinite(f.columns[j]![t]!);
      if (finite) keep.push([s, t]);
    }
  });
  const rows = keep.length;
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
  keep.forEach(([s, t], r) => {
    const f = features[s]!;
    for (let j = 0; j < cols; j++) out.x[r * cols + j] = f.columns[j]![t]!;
    out.y[r] = labels[s]![t]!;
    out.symbol[r] = s;
    out.bar[r] = t;
    out.time[r] = series[s]!.time[t]!;
  });
  return out;
}

export function subset(set: SampleSet, rowsIdx: Int32Array): SampleSet {
  const { cols } = set;
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
  rowsIdx.forEach((r, i) => {
    out.x.set(set.x.subarray(r * cols, (r + 1) * cols), i * cols);
    out.y[i] = set.y[r]!;
    out.symbol[i] = set.symbol[r]!;
    out.bar[i] = set.bar[r]!;
    out.time[i] = set.time[r]!;
  });
  return out;
}
