// 50 concurrent Streamable HTTP sessions x 200 get_status calls each, while a training job runs.
// Target: zero errors; p50/p99 reported.
import { percentiles } from './_services.js';
import { httpWithTraining } from './_mcp-http.js';
import { emit } from './_shared.js';

const SESSIONS = Number(process.env['SESSIONS'] ?? 50);
const CALLS = Number(process.env['CALLS'] ?? 200);
const env = await httpWithTraining();
const clients = await Promise.all(Array.from({ length: SESSIONS }, () => env.connect()));
const samples: number[] = [];
let errors = 0;
const t0 = performance.now();
await Promise.all(
  clients.map(async (client) => {
    for (let i = 0; i < CALLS; i++) {
      const s = performance.now();
      try {
        const r = await client.callTool({ name: 'get_status', arguments: { operation_id: env.op.id } });
        if (r.isError) errors++;
      } catch {
        errors++;
      }
      samples.push(performance.now() - s);
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
emit({
  bench: 'mcp_load',
  sessions: SESSIONS,
  calls: samples.length,
  errors,
  calls_per_s: Math.round(samples.length / seconds),
  ...percentiles(samples),
});
await Promise.all(clients.map((c) => c.close()));
await env.close();
