import { z } from 'zod';
import { ingestSummarySchema } from '../monitoring/ingest.js';
import { modelUpdateSchema } from '../monitoring/performance.js';
import { defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

export const ingestData = defineTool({
  name: 'ingest_data',
  title: 'Ingest bars',
  description:
    'Append OHLCV bars to the bar store (data "store:"), validated like training data; identical bars are skipped, changed ones refuse the batch unless on_conflict is replace. Production models on these symbols then score them (get_performance).',
  input: z.object({
    data: z.string().min(1).describe('Data spec, e.g. "csv:./latest.csv"'),
    symbols: z.array(z.string().min(1)).optional(),
    on_conflict: z.enum(['reject', 'replace']).default('reject').describe('replace: overwrite stored bars that differ (recorded)'),
  }),
  output: listing(
    ingestSummarySchema.extend({
      duplicates: z.number().int(), // the description says identical bars are skipped
      monitoring: z
        .object({
          updated: z.array(modelUpdateSchema).describe('Production models that scored the new bars'),
          skipped: z.array(z.object({ model_id: z.string(), reason: z.string() })),
        })
        .describe('updated (model_id, scored, resolved, retraining_recommended), skipped'),
    }),
    { brief: ['gaps', 'monitoring'], omit: ['batch_id', 'source', 'timeframe', 'on_conflict', 'received', 'replaced', 'symbols'] },
  ),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (input, services, ctx) => services.ingest.ingest(input, ctx.actor, ctx.access),
  next: (o) =>
    o.monitoring.updated
      .filter((u) => u.retraining_recommended)
      .map((u) => nextStep('get_performance', { model_id: u.model_id }, 'retraining is recommended')),
  render: (o) => {
    const scored = o.monitoring.updated.map((u) => `${u.model_id} scored ${u.scored}, resolved ${u.resolved}`).join('; ');
    return (
      `batch ${o.batch_id}: ${o.added} bars added, ${o.duplicates} duplicates skipped` +
      (o.replaced ? `, ${o.replaced} replaced` : '') +
      `, ${o.gaps.length} gaps` +
      (o.gaps.length
        ? ` (${o.gaps
            .slice(0, 3)
            .map((g) => `${g.symbol} ${g.from.slice(0, 10)}..${g.to.slice(0, 10)}`)
            .join(', ')})`
        : '') +
      (scored ? ` · ${scored}` : ' · no production model scored')
    );
  },
});
