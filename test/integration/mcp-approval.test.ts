import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type CallToolResult, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import { createServer } from '../../src/server/create-server.js';
import { createServices, type Services } from '../../src/services/index.js';
import { MOMENTUM } from '../helpers/services.js';

const MODEL = 'momentum_test@1';

/** A real client; with `answer` it declares elicitation and answers each form with it (the person). */
async function connect(services: Services, answer?: (req: ElicitRequest) => Promise<ElicitResult>) {
  const { server } = createServer(services);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'approver-test', version: '3.1.4' }, answer ? { capabilities: { elicitation: {} } } : {});
  const asked: ElicitRequest[] = [];
  if (answer)
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req);
      return answer(req);
    });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  const promote = (args: Record<string, unknown> = {}) =>
    client.callTool(
      {
        name: 'promote_model',
        arguments: { model_id: MODEL, to_stage: 'production', reason: 'the agent likes it', skip_staging: true, force: true, ...args },
      },
      undefined,
      { timeout: 60_000 },
    ) as Promise<CallToolResult>;
  return { client, asked, promote };
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('production approval through MCP elicitation', () => {
  let services: Services;
  beforeAll(async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-approval-'));
    const config = loadConfig({
      argv: { home, log_level: 'silent', wasm_threads: 1, gates: { require_human_approval: true, approval_timeout_seconds: 10 } },
      env: {},
    });
    services = createServices(config, { logger: createLogger('silent') });
    await services.training.train(
      { strategy: MOMENTUM, data: 'synthetic:seed=1,bars=1500,signal=0.3', overrides: { epochs: 2 } },
      { actor: 'test' },
    );
  }, 120_000);
  afterAll(() => services.close());

  const stage = () => services.registry.models.get(MODEL).stage;

  it('a client without elicitation cannot approve: force does not replace the person', async () => {
    const { client, promote } = await connect(services);
    const forced = await promote();
    expect(forced.isError).toBe(true);
    expect(text(forced)).toMatch(
      /^APPROVAL_REQUIRED: momentum_test@1 needs a person's approval .*force does not replace it.*trainyard models approve/s,
    );
    const plain = await promote({ force: false });
    expect(text(plain)).toMatch(/^GATE_FAILED: .*human_approval_missing/s);
    expect(stage()).toBe('candidate');
    expect(services.registry.evaluations.approval(MODEL)).toBeNull();
    await client.close();
  });

  it('a decline, a "no" and no answer at all leave the stage unchanged and record nothing', async () => {
    const decline = await connect(services, async () => ({ action: 'decline' }));
    const r1 = await decline.promote();
    expect(text(r1)).toMatch(/^APPROVAL_REQUIRED: The person declined the approval request; momentum_test@1 stays candidate\./);
    expect(decline.asked).toHaveLength(1);

    const no = await connect(services, async () => ({ action: 'accept', content: { approve: false, reason: 'not yet' } }));
    expect(text(await no.promote())).toMatch(/^APPROVAL_REQUIRED: The person did not approve momentum_test@1 \(not yet\)/);

    // Nobody answers: the server stops waiting after gates.approval_timeout_seconds (10 s here).
    const silent = await connect(services, () => new Promise<ElicitResult>(() => {}));
    const t0 = Date.now();
    const r3 = await silent.promote();
    expect(text(r3)).toMatch(/^APPROVAL_REQUIRED: No approval came back \(no answer within 10 s\); momentum_test@1 stays candidate\./);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(9_000);

    expect(stage()).toBe('candidate');
    expect(services.registry.evaluations.approval(MODEL)).toBeNull();
    for (const c of [decline, no, silent]) await c.client.close();
  }, 60_000);

  it("the person's approval is recorded with the client's identity and the promotion goes through", async () => {
    const yes = await connect(services, async () => ({ action: 'accept', content: { approve: true, reason: 'backtest reviewed' } }));
    const r = await yes.promote();
    expect(r.isError, text(r)).toBeFalsy();
    expect(stage()).toBe('production');
    // What the person was shown: the model, the gates with their failures, the backtest against buy-and-hold.
    const form = yes.asked[0]!.params as { message: string; requestedSchema: { properties: Record<string, unknown>; required: string[] } };
    expect(form.message).toMatch(
      /^Approve momentum_test@1 for production\?\nAsked by mcp:approver-test \(an agent\), reason: the agent likes it/,
    );
    expect(form.message).toMatch(/Backtest \(out of sample\): Sharpe -?\d+\.\d\d vs buy-and-hold -?\d+\.\d\d/);
    expect(form.message).toMatch(/Promotion gate: .*FAILED no_recent_data/);
    expect(form.message).toMatch(/The agent asked to override the failed checks above \(force\)/);
    expect(form.requestedSchema.required).toEqual(['approve', 'reason']);
    const approval = services.registry.evaluations.approval(MODEL)!;
    expect(approval).toMatchObject({ reason: 'backtest reviewed' });
    expect(approval.approved_by).toMatch(/^person at mcp:approver-test \(connection mcp-[0-9a-f]{8}, via MCP elicitation\)$/);
    const audit = services.registry.audit.list({ limit: 20 }).find((a) => a.action === 'approve');
    expect(audit).toMatchObject({ target: MODEL, actor: approval.approved_by });
    await yes.client.close();
  }, 60_000);
});
