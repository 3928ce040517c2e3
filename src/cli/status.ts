import type { Operation } from '../domain/operation.js';
import { parse } from './args.js';
import { withServices, writeJson, type CliIo } from './context.js';

function opLine(o: Operation): string {
  const metrics = o.metrics?.['val_accuracy'] !== undefined ? ` · val_acc ${Number(o.metrics['val_accuracy']).toFixed(3)}` : '';
  return `${o.id}  ${o.type.padEnd(9)} ${o.status.padEnd(11)} ${o.progress_pct.toFixed(0).padStart(3)}%  ${o.phase ?? ''} ${o.message ?? ''}${metrics}`;
}

/** `trainyard status [operation_id]`: one operation, or recent ones. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, limit: { type: 'string' } });
  return withServices(values, io, (s) => {
    const id = positionals[0];
    if (id) {
      const op = s.registry.operations.get(id);
      if (values['json']) writeJson(io, op);
      else
        io.stdout.write(
          opLine(op) +
            (op.error ? `\n  error: ${op.error.message}` : '') +
            (op.result ? `\n  result: ${JSON.stringify(op.result)}` : '') +
            '\n',
        );
      return 0;
    }
    const ops = s.registry.operations.list({ limit: Number(values['limit'] ?? 20) || 20 });
    if (values['json']) writeJson(io, ops);
    else io.stdout.write(ops.length ? ops.map(opLine).join('\n') + '\n' : 'No operations yet.\n');
    return 0;
  });
}
