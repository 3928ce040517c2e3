import type { Config } from 'vega-lite';

/**
 * Okabe & Ito (2008) colours, distinguishable under the common colour-vision deficiencies; the
 * order puts the two series most charts compare (strategy, benchmark) first.
 */
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  sky: '#56B4E9',
  yellow: '#F0E442',
  grey: '#6B6B6B',
} as const;

export const CATEGORY = [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.vermillion, PALETTE.purple, PALETTE.sky, PALETTE.grey];

/** The font bundled under assets/fonts (resvg renders PNG text with it; SVG viewers fall back to any sans-serif). */
/** The colours of a strategy against buy-and-hold (equity, drawdown, walk-forward). */
export const VERSUS_BUY_AND_HOLD = { strategy: PALETTE.blue, 'buy & hold': PALETTE.orange };

/** A colour encoding of the `series` field: each named series in its colour, no legend title. */
export function seriesColor(series: Record<string, string>) {
  return {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: Object.keys(series), range: Object.values(series) },
  } as const;
}

export const FONT = 'DejaVu Sans, sans-serif';

/** Panel size in SVG units: wide enough for a year of daily bars, small enough for a chat image. */
export const WIDTH = 560;
export const HEIGHT = 200;

export const CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  title: { anchor: 'start', fontSize: 14, subtitleFontSize: 11, subtitleColor: '#444' },
  axis: { labelFontSize: 10, titleFontSize: 11, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 10, titleFontSize: 11, orient: 'top', direction: 'horizontal' },
  range: { category: CATEGORY },
  view: { stroke: null },
};
