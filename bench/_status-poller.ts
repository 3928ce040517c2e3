// A separate client process for the main-thread benches: calls get_status over Streamable HTTP in
// a loop, as a real client would, and sends back (wall time, latency) per call when told to stop.
// In its own process its own work (undici, JSON, the SDK client) is not counted against the
// server's event loop. Started by `pollStatus` (bench/_mcp-http.ts) with fork + IPC.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, token, operationId, hz] = process.argv.slice(2) as [string, string, string, string | undefined];
// Calls per second (a call starts every 1000/hz ms, or at once when the last one ran late); 0: back to back.
const interval = Number(hz ?? 0) > 0 ? 1000 / Number(hz) : 0;
const client = new Client({ name: 'bench-poller', version: '1' });
await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
const call = () => client.callTool({ name: 'get_status', arguments: { operation_id: operationId } });
for (let i = 0; i < 20; i++) await call();
let stop = false;
process.on('message', () => {
  stop = true;
});
process.send!({ ready: true });
const at: number[] = [];
const ms: number[] = [];
let next = performance.now();
while (!stop) {
  const s = performance.now();
  await call();
  const e = performance.now();
  at.push(performance.timeOrigin + s);
  ms.push(e - s);
  next += interval;
  if (interval > 0 && next > e) await new Promise((r) => setTimeout(r, next - e));
  else next = e;
}
await client.close();
process.send!({ at, ms }, () => process.exit(0));
