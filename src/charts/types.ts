import type { TopLevelSpec } from 'vega-lite';

/** One chart before rendering: a Vega-Lite spec plus the words that go with it. */
export interface ChartSpec {
  /** Stable name, e.g. "training_curves"; the file and resource name. */
  name: string;
  title: string;
  /** One sentence with the key numbers, for screen readers and for agents that do not see the image. */
  alt: string;
  spec: TopLevelSpec;
}

export type ChartFormat = 'svg' | 'png';

export interface RenderOptions {
  format?: ChartFormat | undefined;
  /** PNG pixels per SVG unit (default 1; 2 for high-density screens). */
  scale?: number | undefined;
}

/** A rendered chart: the SVG text or the PNG bytes, with its title and alt text. */
export interface RenderedChart {
  name: string;
  title: string;
  alt: string;
  format: ChartFormat;
  svg?: string;
  png?: Buffer;
  /** Size of the image in pixels (the SVG's size times the scale for PNG). */
  width: number;
  height: number;
}
