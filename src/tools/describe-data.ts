import { z } from 'zod';
import { dataDescriptionSchema } from '../domain/data-description.js';
import { DEFAULT_DESCRIBE_ROWS, renderDataDescription } from '../pipeline/data/describe.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

export const describeData = defineTool({
  name: 'describe_data',
  title: 'Describe data',
  description: 'Load a data spec as training would and report what was read, without training. Use on a new file first.',
  input: z.object({
    data: z.string().min(1).describe('e.g. "csv:./prices.csv", "sample:sp500", "store:"'),
    symbols: z.array(z.string().min(1)).optional(),
    from: z.string().optional().describe('ISO date'),
    to: z.string().optional().describe('ISO date, inclusive'),
    timeframe: z.string().optional().describe('Resample to this coarser bar size, e.g. "1d"'),
    rows: z.number().int().min(0).max(50).default(DEFAULT_DESCRIBE_ROWS).describe('First bars shown per symbol'),
  }),
  output: listing(
    dataDescriptionSchema.extend({
      // The description says what timeframe and notes hold.
      timeframe: z.string(),
      notes: z.array(z.string()),
      symbols: dataDescriptionSchema.shape.symbols.describe('bars, first, last, close_min, close_max, rows'),
    }),
    { brief: ['symbols'], omit: ['hash', 'source'] },
  ),
  annotations: READ_ONLY,
  handler: (input, services, ctx) => services.data.describe(input, ctx.access),
  next: (o) => (o.bars > 0 ? [nextStep('start_training', { strategy: '<name from list_strategies>', data: o.source }, 'train on it')] : []),
  render: renderDataDescription,
});
