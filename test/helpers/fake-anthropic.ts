import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks enough of the Anthropic Messages API for the real SDK: POST
 * /v1/messages answered with a JSON message, or with server-sent events when the body asks for
 * `stream: true` (message_start, content_block_start/delta/stop with text_delta and
 * input_json_delta, message_delta with usage, message_stop). Replies are scripted per test, in
 * order; every request received is recorded so tests can assert on what the model was sent.
 * Point the SDK at `url` with `baseURL`; never mock the module.
 */

export type FakeBlock = { type: 'text'; text: string } | { type: 'tool_use'; name: string; input: unknown; id?: string };

export type FakeReply =
  | { kind: 'message'; content: FakeBlock[]; stop_reason?: string; usage?: { input_tokens: number; output_tokens: number } }
  /** An HTTP error with the API's error body, e.g. 429 rate_limit_error or 529 overloaded_error. */
  | { kind: 'error'; status: number; type: string; message?: string; headers?: Record<string, string> }
  /** Streaming only: a 200 that starts the message, then an SSE `error` event (as the API does on overload mid-stream). */
  | { kind: 'stream_error'; type: string; message?: string }
  /** Never answers (until the client goes away): for cancellation tests. */
  | { kind: 'hang' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The request body as the API would see it, typed loosely for assertions. */
  messages: { role: string; content: unknown }[];
  stream: boolean;
}

export interface FakeAnthropic {
  /** Base URL for the SDK (`baseURL`). */
  url: string;
  requests: RecordedRequest[];
  /** Queues replies, answered in order, one per request. */
  reply(...replies: FakeReply[]): void;
  /** Replies not yet used. */
  pending(): number;
  /** Resolves when a request arrives that is answered with `hang`. */
  hanging(): Promise<void>;
  close(): Promise<void>;
}

export const text = (t: string): FakeBlock => ({ type: 'text', text: t });
export const toolUse = (name: string, input: unknown, id?: string): FakeBlock => ({ type: 'tool_use', name, input, ...(id ? { id } : {}) });
export const message = (content: FakeBlock[], usage = { input_tokens: 100, output_tokens: 20 }, stop_reason?: string): FakeReply => ({
  kind: 'message',
  content,
  usage,
  ...(stop_reason ? { stop_reason } : {}),
});
export const apiError = (status: number, type: string, headers: Record<string, string> = {}): FakeReply => ({
  kind: 'error',
  status,
  type,
  headers,
});

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  let ids = 0;
  let hangWaiters: (() => void)[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        /* recorded as {} and answered with the next reply */
      }
      const stream = body['stream'] === true;
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        messages: (body['messages'] as RecordedRequest['messages'] | undefined) ?? [],
        stream,
      });
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        return sendError(res, { kind: 'error', status: 404, type: 'not_found_error', message: `fake server: no route ${req.url}` });
      }
      const next = queue.shift();
      if (!next) {
        // 400 is not retried: a test that runs out of script fails at once with this message.
        return sendError(res, {
          kind: 'error',
          status: 400,
          type: 'invalid_request_error',
          message: 'fake server: no scripted reply left',
        });
      }
      const model = typeof body['model'] === 'string' ? body['model'] : 'fake-model';
      switch (next.kind) {
        case 'error':
          return sendError(res, next);
        case 'hang':
          hangWaiters.forEach((w) => w());
          hangWaiters = [];
          return; // the client's abort closes the socket
        case 'stream_error':
          return sendStreamError(res, next, model, `msg_${++ids}`);
        case 'message': {
          const msg = buildMessage(next, model, () => `${++ids}`);
          return stream ? sendStream(res, msg) : sendJson(res, 200, msg);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => void queue.push(...replies),
    pending: () => queue.length,
    hanging: () => new Promise<void>((resolve) => hangWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface ApiMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown })[];
  stop_reason: string;
  stop_sequence: null;
  usage: { input_tokens: number; output_tokens: number };
}

function buildMessage(reply: Extract<FakeReply, { kind: 'message' }>, model: string, nextId: () => string): ApiMessage {
  const content = reply.content.map((b) =>
    b.type === 'text'
      ? { type: 'text' as const, text: b.text }
      : { type: 'tool_use' as const, id: b.id ?? `toolu_${nextId()}`, name: b.name, input: b.input },
  );
  return {
    id: `msg_${nextId()}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: reply.stop_reason ?? (content.some((c) => c.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: reply.usage ?? { input_tokens: 100, output_tokens: 20 },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, e: Extract<FakeReply, { kind: 'error' }>) {
  sendJson(res, e.status, { type: 'error', error: { type: e.type, message: e.message ?? e.type } }, e.headers ?? {});
}

function sse(res: http.ServerResponse, event: string, data: unknown) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function startStream(res: http.ServerResponse, msg: Pick<ApiMessage, 'id' | 'model'> & { input_tokens: number }) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id: msg.id,
      type: 'message',
      role: 'assistant',
      model: msg.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: msg.input_tokens, output_tokens: 1 },
    },
  });
}

/** Splits a string into up to three pieces, so deltas really are partial. */
function pieces(s: string): string[] {
  if (s.length < 3) return [s];
  const a = Math.floor(s.length / 3);
  const b = Math.floor((2 * s.length) / 3);
  return [s.slice(0, a), s.slice(a, b), s.slice(b)];
}

function sendStream(res: http.ServerResponse, msg: ApiMessage) {
  startStream(res, { id: msg.id, model: msg.model, input_tokens: msg.usage.input_tokens });
  msg.content.forEach((block, index) => {
    if (block.type === 'text') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const t of pieces(block.text))
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } });
    } else {
      sse(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const j of pieces(JSON.stringify(block.input)))
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: j } });
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: msg.stop_reason, stop_sequence: null },
    usage: { output_tokens: msg.usage.output_tokens },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

function sendStreamError(res: http.ServerResponse, e: Extract<FakeReply, { kind: 'stream_error' }>, model: string, id: string) {
  startStream(res, { id, model, input_tokens: 0 });
  sse(res, 'error', { type: 'error', error: { type: e.type, message: e.message ?? e.type } });
  res.end();
}
