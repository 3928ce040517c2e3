import { z } from 'zod';

const barRowSchema = z.object({
  time: z.string().describe('ISO date-time (UTC)'),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});

export const symbolDescriptionSchema = z.object({
  symbol: z.string(),
  bars: z.number().int(),
  first: z.string().nullable().describe('First bar time (ISO, UTC); null without bars'),
  last: z.string().nullable().describe('Last bar time (ISO, UTC)'),
  close_min: z.number().nullable(),
  close_max: z.number().nullable(),
  rows: z.array(barRowSchema).describe('The first bars as read, after sorting, filters and resampling'),
});

/** What a data spec loads to, for a person or an agent to check before training on it. */
export const dataDescriptionSchema = z.object({
  source: z.string(),
  timeframe: z.string().describe('Bar size, inferred from the timestamps unless resampled'),
  bars: z.number().int(),
  hash: z.string().describe('sha256 of the bars (the lineage a trained model records)'),
  missing_fields: z.array(z.enum(['open', 'high', 'low', 'volume'])).describe('Filled in; indicators reading them cannot train'),
  notes: z.array(z.string()).describe('Formats detected, sorting, filled columns, resampling'),
  symbols: z.array(symbolDescriptionSchema),
});

export type DataDescription = z.infer<typeof dataDescriptionSchema>;
export type SymbolDescription = z.infer<typeof symbolDescriptionSchema>;
