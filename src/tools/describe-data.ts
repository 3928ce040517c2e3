import { z } from 'zod';
import { dataDescriptionSchema } from '../domain/data-description.js';
import { DEFAULT_DESCRIBE_ROWS, renderDataDescription } from '../pipeline/data/describe.js';
import { defineTool, READ_ONLY } from './define-tool.js';

export const describeData = defineTool({
  name: 'describe_data',
  title: 'Describe a data spec',
  description:
    'Load a data spec exactly as training would (csv:<path>, sample:sp500, synthetic:..., store:) and report what was read, without training: ' +
    'per symbol the bar count, first and last timestamp, close min and max and the first rows; the timeframe; the fields the data lacks ' +
    '(a close-only file has no open/high/low, many files no volume: indicators that read them cannot train); and the loader notes ' +
    '(date format and decimal commas detected, rows sorted, columns filled, resampling). Call it on a new file before start_training.',
  input: z.object({
    data: z.string().min(1).describe('Data spec, e.g. "csv:./prices.csv", "sample:sp500", "store:"'),
    symbols: z.array(z.string().min(1)).optional().describe('Only these symbols'),
    from: z.string().optional().describe('First bar, ISO date (inclusive)'),
    to: z.string().optional().describe('Last bar, ISO date (inclusive)'),
    timeframe: z.string().optional().describe('Resample to this coarser bar size, e.g. "1d"'),
    rows: z.number().int().min(0).max(50).default(DEFAULT_DESCRIBE_ROWS).describe('First bars shown per symbol'),
  }),
  output: dataDescriptionSchema,
  annotations: READ_ONLY,
  handler: (input, services, ctx) => services.data.describe(input, ctx.access),
  render: renderDataDescription,
});
