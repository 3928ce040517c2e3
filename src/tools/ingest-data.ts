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
    'Append OHLCV bars (csv:<path>, sample:, synthetic:) to the bar store, validated like training data. Identical bars are skipped; a bar stored with other values rejects the batch unless on_conflict is replace. Production models trading these symbols then score the bars (get_performance). Read back as data "store:".',
  input: z.object({
    data: z.string().min(1).describe('Data spec of the new bars, e.g. "csv:./latest.csv"'),
    symbols: z.array(z.string().min(1)).optional().describe('Only these symbols of the source'),
    on_conflict: z
      .enum(['reject', 'replace'])
      .default('reject')
      .describe("'reject': a bar stored with other values rejects the batch; 'replace': overwrite them (recorded in the batch)"),
  }),
  output: listing(
    ingestSummarySchema.extend({
      monitoring: z
        .object({
          updated: z.array(modelUpdateSchema).describe('Production models that scored the new bars'),
          skipped: z.array(z.object({ model_id: z.string(), reason: z.string() })),
        })
        .describe('updated: production models that scored the bars (model_id, scored, resolved, retraining_recommended); skipped'),
    }),
    { brief: ['gaps', 'symbols', 'monitoring'], omit: ['source', 'timeframe', 'on_conflict'] },
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
