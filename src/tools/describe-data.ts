import { z } from 'zod';
import { dataDescriptionSchema } from '../domain/data-description.js';
import { DEFAULT_DESCRIBE_ROWS, renderDataDescription } from '../pipeline/data/describe.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

export const describeData = defineTool({
  name: 'describe_data',
  title: 'Describe data',
  description:
    'Load a data spec as training would and report it without training: per symbol bars, first/last time, close range, first rows; timeframe; missing fields; loader notes (formats detected, sorting, resampling). Use on a new file first.',
  input: z.object({
    data: z.string().min(1).describe('Data spec, e.g. "csv:./prices.csv", "sample:sp500", "store:"'),
    symbols: z.array(z.string().min(1)).optional().describe('Only these symbols'),
    from: z.string().optional().describe('First bar, ISO date (inclusive)'),
    to: z.string().optional().describe('Last bar, ISO date (inclusive)'),
    timeframe: z.string().optional().describe('Resample to this coarser bar size, e.g. "1d"'),
    rows: z.number().int().min(0).max(50).default(DEFAULT_DESCRIBE_ROWS).describe('First bars shown per symbol'),
  }),
  output: listing(
    dataDescriptionSchema.extend({
      symbols: dataDescriptionSchema.shape.symbols.describe('Per symbol: bars, first, last, close_min, close_max, rows (the first bars)'),
    }),
    { brief: ['symbols'], omit: ['hash'] },
  ),
  annotations: READ_ONLY,
  handler: (input, services, ctx) => services.data.describe(input, ctx.access),
  next: (o) => (o.bars > 0 ? [nextStep('start_training', { strategy: '<name from list_strategies>', data: o.source }, 'train on it')] : []),
  render: renderDataDescription,
});
