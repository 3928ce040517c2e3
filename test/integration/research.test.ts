import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import { createServices, type Services } from '../../src/services/index.js';
import type { ResearchRun } from '../../src/tools/research-schemas.js';
import { message, startFakeAnthropic, toolUse, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM, modelFolders } from '../helpers/services.js';

const DATA = 'synthetic:seed=1,bars=1500,signal=0.3';

function servicesAt(home: string, env: Record<string, string> = {}, research: Record<string, unknown> = {}): Services {
  const config = loadConfig({
    argv: { home, log_level: 'silent', wasm_threads: 1, research: { max_epochs: 3, ...research } } as never,
    env,
  });
  return createServices(config, { logger: createLogger('silent') });
}
const tempHome = () => fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-research-'));

describe('research loop (offline designer) through MCP', () => {
  let services: Services;
  let home: string;
  let mcp: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    home = tempHome();
    services = servicesAt(home);
    mcp = await connectClient(services);
  });
  afterAll(async () => {
    await mcp.close();
    await services.close();
  });

  it('runs cycles end to end: design, train, gates, assessment, journal fed to the next design', async () => {
    const progress: string[] = [];
    const r = await mcp.call(
      'start_research',
      { goal: 'momentum on synthetic bars', cycles: 2, designer: 'offline', data: DATA, seed: 7, wait_seconds: 240 },
      { onprogress: (p) => progress.push(p.message ?? ''), timeout: 240_000 },
    );
    expect(r.isError).toBeFalsy();
    const run = r.structuredContent as ResearchRun;
    expect(run).toMatchObject({
      status: 'completed',
      stopped_by: 'cycles',
      designer: 'offline',
      program: 'momentum_on_synthetic_ba',
      cycles_planned: 2,
    });
    expect(run.cycles).toHaveLength(2);
    for (const c of run.cycles) {
      expect(['done', 'gate_rejected_training', 'gate_rejected_backtest']).toContain(c.phase_reached);
      expect(c.gates[0]!.gate).toBe('training');
      expect(c.verdict).toMatch(/signal|overfit/);
      expect(c.rationale!.length).toBeGreaterThan(20);
      expect(c.model_id).toMatch(/^momentum_on_synthetic_ba_\d+@1$/);
      expect(c.usage).toEqual({ input_tokens: 0, output_tokens: 0, requests: 0 });
    }
    // The second design knows the first: it mutates it or says why it explores.
    expect(run.cycles[1]!.hypothesis).toMatch(/momentum_on_synthetic_ba_1|exploration/);
    expect(progress.some((m) => /cycle 1\/2 .*training/.test(m))).toBe(true);
    // Each cycle's training job is a child of the research operation.
    const children = services.registry.operations.list({ parent_id: run.run_id });
    expect(children.map((o) => o.type)).toEqual(['training', 'training']);

    const journal = (await mcp.call('list_experiments', { program: run.program })).structuredContent as {
      experiments: { cycle_index: number; run_id: string }[];
    };
    expect(journal.experiments.map((e) => e.cycle_index)).toEqual([2, 1]);
    const status = (await mcp.call('get_research_status', {})).structuredContent as { recent: { run_id: string }[] };
    expect(status.recent[0]!.run_id).toBe(run.run_id);
    // Same seed, same program name in a fresh registry -> the same strategies (deterministic search).
    const again = servicesAt(tempHome());
    try {
      const op = await again.research.start(
        { goal: 'momentum on synthetic bars', cycles: 1, designer: 'offline', data: DATA, seed: 7 },
        'test',
      );
      await again.research.waitFor(op.id);
      expect(again.registry.research.list({ run_id: op.id })[0]!.strategy_hash).toBe(
        services.registry.research.list({ program: run.program })[1]!.strategy_hash,
      );
    } finally {
      await again.close();
    }
  }, 300_000);

  it('cancel_research stops the cycle in training, cancels its job and leaves no model behind', async () => {
    const before = modelFolders(home).length;
    const started = (
      await mcp.call('start_research', { goal: 'to be cancelled', cycles: 3, designer: 'offline', data: 'synthetic:seed=3,bars=4000' })
    ).structuredContent as ResearchRun;
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const child = services.registry.operations.list({ parent_id: started.run_id })[0];
        if (child?.status === 'running') {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    const cancelled = await mcp.call('cancel_research', { run_id: started.run_id, reason: 'changed my mind' });
    expect(cancelled.isError).toBeFalsy();
    const end = (await mcp.call('get_research_status', { run_id: started.run_id, wait_seconds: 60 })).structuredContent as {
      run: ResearchRun;
    };
    expect(end.run).toMatchObject({ status: 'cancelled', stopped_by: 'cancelled' });
    expect(end.run.cycles.map((c) => c.phase_reached)).toEqual(['cancelled']);
    expect(services.registry.operations.list({ parent_id: started.run_id })[0]!.status).toBe('cancelled');
    expect(modelFolders(home).length).toBe(before);
    const again = await mcp.call('cancel_research', { run_id: started.run_id, reason: 'twice' });
    expect(again.isError).toBe(true);
    expect(text(again)).toMatch(/already ended as cancelled/);
  }, 120_000);

  it('bad input is refused before anything is created', async () => {
    const runs = services.registry.operations.list({ type: 'research' }).length;
    const noKey = await mcp.call('start_research', { goal: 'x', designer: 'claude', data: DATA });
    expect(noKey.isError).toBe(true);
    expect(text(noKey)).toMatch(/INVALID_CONFIG: The Claude designer needs an API key: set ANTHROPIC_API_KEY/);
    const badData = await mcp.call('start_research', { goal: 'x', designer: 'offline', data: 'csv:/nowhere/prices.csv' });
    expect(badData.isError).toBe(true);
    expect(text(badData)).toMatch(/nowhere\/prices\.csv/);
    const badResume = await mcp.call('start_research', { resume: 'op_nope' });
    expect(text(badResume)).toMatch(/OPERATION_NOT_FOUND/);
    expect(services.registry.operations.list({ type: 'research' })).toHaveLength(runs);
  });
});

describe('research loop with the Claude designer and assessor (real SDK, local Messages API server)', () => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(() => fake.close());

  it('designs through submit_strategy, assesses through submit_assessment, records tokens and stops at the token budget', async () => {
    const yaml = fs.readFileSync(MOMENTUM, 'utf8');
    fake.reply(
      message([toolUse('submit_strategy', { strategy_yaml: yaml })], { input_tokens: 1200, output_tokens: 400 }),
      message(
        [
          toolUse('submit_assessment', {
            verdict: 'weak_signal',
            rationale: 'Beats the baseline by a little; Sharpe not significant.',
            next_hypotheses: ['longer horizon'],
          }),
        ],
        { input_tokens: 800, output_tokens: 150 },
      ),
    );
    const home = tempHome();
    // The key and URL come in through the environment, as they would for a user.
    const services = servicesAt(home, { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: fake.url }, { max_tokens: 2000 });
    try {
      const op = await services.research.start({ goal: 'momentum', cycles: 3, data: DATA }, 'test');
      const done = await services.research.waitFor(op.id);
      const run = done.result as unknown as ResearchRun & {
        usage: { input_tokens: number; output_tokens: number; requests: number; cost_usd: number };
      };
      expect(done.status).toBe('completed');
      expect(run.stopped_by).toBe('tokens');
      expect(run.cycles).toHaveLength(1);
      expect(run.cycles[0]).toMatchObject({ strategy_name: 'momentum_test', verdict: 'weak_signal', model_id: 'momentum_test@1' });
      expect(run.usage).toMatchObject({ input_tokens: 2000, output_tokens: 550, requests: 2 });
      // $3 / $15 per million tokens (claude-sonnet-5-5 in the default price table).
      expect(run.usage.cost_usd).toBeCloseTo((2000 * 3 + 550 * 15) / 1e6, 6);
      expect(fake.requests.map((q) => (q.body['tool_choice'] as { name?: string } | undefined)?.name ?? 'auto')).toEqual([
        'auto',
        'submit_assessment',
      ]);
      // The assessor saw the measured figures and the gates, not just the verdict request.
      expect(JSON.stringify(fake.requests[1]!.messages)).toMatch(/baseline/);
      expect(fake.pending()).toBe(0);
    } finally {
      await services.close();
    }
  }, 120_000);
});
