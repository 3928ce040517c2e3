// get_status over Streamable HTTP (loopback, one session) while a training job runs in a worker
// thread. Target: p99 <= 10 ms.
import { percentiles } from './_services.js';
import { httpWithTraining } from './_mcp-http.js';
import { emit } from './_shared.js';

const env = await httpWithTraining();
const client = await env.connect();
const samples: number[] = [];
for (let i = 0; i < 1000; i++) {
  const t0 = performance.now();
  await client.callTool({ name: 'get_status', arguments: { operation_id: env.op.id } });
  samples.push(performance.now() - t0);
}
emit({
  bench: 'mcp_latency',
  transport: 'streamable-http',
  calls: samples.length,
  while_training: !process.env['BENCH_NO_TRAINING'],
  ...percentiles(samples.slice(50)),
});
await client.close();
await env.close();
