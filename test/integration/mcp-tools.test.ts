import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM, MOMENTUM_ALL_EPOCHS, tempServices } from '../helpers/services.js';

const DATA = 'synthetic:seed=1,bars=1500,signal=0.3';

describe('MCP tools through a real client', () => {
  const { services } = tempServices();
  let mcp: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    mcp = await connectClient(services);
  });
  afterAll(async () => {
    await mcp.close();
    await services.close();
  });

  it('lists every tool with an output schema and its annotations (the hints that differ from the defaults)', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'cancel_research',
        'cancel_training',
        'check_drift',
        'describe_data',
        'get_research_status',
        'list_experiments',
        'start_research',
        'evaluate_gate',
        'get_model',
        'get_performance',
        'get_status',
        'ingest_data',
        'list_models',
        'list_operations',
        'list_triggers',
        'list_strategies',
        'promote_model',
        'rollback_model',
        'run_backtest',
        'start_training',
        'validate_strategy',
        'start_tuning',
        'get_tuning_status',
        'cancel_tuning',
      ].sort(),
    );
    for (const t of tools) {
      expect(t.outputSchema, t.name).toBeDefined();
      expect(t.description!.length, t.name).toBeGreaterThan(60);
      // Listed are the hints that differ from MCP's defaults; read with the defaults they are the
      // tool's own (destructive and idempotent are read only for a tool that is not read-only).
      const a = t.annotations ?? {};
      const own = allTools.find((d) => d.name === t.name)!.annotations;
      expect(a.readOnlyHint ?? false, `${t.name}.readOnlyHint`).toBe(own.readOnlyHint);
      expect(a.openWorldHint ?? true, `${t.name}.openWorldHint`).toBe(own.openWorldHint);
      if (!own.readOnlyHint) {
        expect(a.destructiveHint ?? true, `${t.name}.destructiveHint`).toBe(own.destructiveHint);
        expect(a.idempotentHint ?? false, `${t.name}.idempotentHint`).toBe(own.idempotentHint);
      }
    }
    const instructions = mcp.client.getInstructions();
    expect(instructions).toMatch(/start_training.*get_status.*evaluate_gate.*promote_model/s);
  });

  it('trains with wait_seconds and progress, then status, gate, promotion with force, model card', async () => {
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const r = await mcp.call(
      'start_training',
      { strategy: MOMENTUM, data: DATA, overrides: { epochs: 3 }, wait_seconds: 120 },
      { onprogress: (p) => progress.push(p), timeout: 120_000 },
    );
    expect(r.isError).toBeFalsy();
    const op = r.structuredContent as { operation_id: string; status: string; result: { model_id: string } };
    expect(op.status).toBe('completed');
    expect(op.result.model_id).toBe('momentum_test@1');
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every((p, i) => p.total === 100 && (i === 0 || p.progress >= progress[i - 1]!.progress))).toBe(true);
    expect(progress.some((p) => /epoch \d+\/3 · loss [\d.]+ · val_acc/.test(p.message ?? ''))).toBe(true);

    const status = (await mcp.call('get_status', { operation_id: op.operation_id })).structuredContent as {
      operation: { status: string };
      training_gate: { passed: boolean; checks: unknown[] };
    };
    expect(status.operation.status).toBe('completed');
    // The calibrated gate: the directional edge and the log-loss improvement, each with its p-value.
    expect(status.training_gate.checks).toHaveLength(2);

    const gate = await mcp.call('evaluate_gate', { gate: 'training', model_id: 'momentum_test@1', thresholds: { min_accuracy: 0.99 } });
    expect(gate.structuredContent).toMatchObject({ gate: 'training', passed: false });
    expect(text(gate)).toMatch(/accuracy_below_threshold \(\d+% < 99%\)/);

    const bt = (await mcp.call('evaluate_gate', { gate: 'backtest', model_id: 'momentum_test@1' })).structuredContent as {
      checks: { name: string; value: number | null }[];
    };
    expect(bt.checks.map((c) => c.name)).toEqual(['win_rate', 'max_drawdown', 'sharpe', 'trade_count']);
    expect(bt.checks.every((c) => c.value !== null)).toBe(true);
    const promo = (await mcp.call('evaluate_gate', { gate: 'promotion', model_id: 'momentum_test@1' })).structuredContent as {
      checks: { name: string }[];
    };
    expect(promo.checks.map((c) => c.name)).toEqual([
      'win_rate',
      'max_drawdown',
      'sharpe',
      'trade_count',
      'non_inferiority',
      'deflated_sharpe',
      'feature_drift',
    ]);

    // The default gate asks for test loss < 0.8, which a 3-epoch model on noisy data misses.
    const refused = await mcp.call('promote_model', { model_id: 'momentum_test@1', to_stage: 'staging', reason: 'try it' });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/GATE_FAILED: .*failed the training gate: .*force/);
    const forced = await mcp.call('promote_model', {
      model_id: 'momentum_test@1',
      to_stage: 'staging',
      reason: 'paper trading only',
      force: true,
    });
    expect(forced.structuredContent).toMatchObject({ model: { stage: 'staging' }, record: { forced: true, actor: 'mcp:test-agent' } });

    const card = (await mcp.call('get_model', { model_id: 'momentum_test@1' })).structuredContent as {
      history: { to_stage: string }[];
      lineage: { backend: string };
      gates: { gate: string; passed: boolean; context: string; actor: string }[];
    };
    expect(card.history.map((h) => h.to_stage)).toEqual(['staging']);
    // Registration stored the training and backtest gates; the (forced) promotion stored the training gate again.
    expect(card.gates.map((g) => [g.gate, g.context])).toEqual([
      ['backtest', 'registration'],
      ['training', 'promotion'],
    ]);
    expect(card.gates.find((g) => g.gate === 'training')).toMatchObject({ passed: false, actor: 'mcp:test-agent' });
    expect(card.lineage.backend).toMatch(/wasm|cpu/);
    const list = (await mcp.call('list_models', { stage: 'staging' })).structuredContent as { models: { model_id: string }[] };
    expect(list.models.map((m) => m.model_id)).toEqual(['momentum_test@1']);

    type Drift = {
      action_required: boolean;
      features: { status: string }[];
      prediction_drift: { drift: boolean };
      concept_drift: { drift: boolean } | null;
      recommendation: string;
    };
    // Another sample of the same process: no alarm.
    const same = (await mcp.call('check_drift', { model_id: 'momentum_test@1', data: 'synthetic:seed=2,bars=1500,signal=0.3' }))
      .structuredContent as Drift;
    expect(same.features.length).toBeGreaterThan(5);
    expect(same.concept_drift).not.toBeNull();
    expect(same.action_required).toBe(false);
    // A changed market (hourly bars: returns a fifth the size, no momentum): alarm, with reasons.
    const changed = (await mcp.call('check_drift', { model_id: 'momentum_test@1', data: 'synthetic:seed=2,bars=1500,timeframe=1h' }))
      .structuredContent as Drift;
    expect(changed.action_required).toBe(true);
    expect(changed.features.some((f) => f.status === 'drift')).toBe(true);
    expect(changed.recommendation).toMatch(/drifted.*Retrain/);
    const after = (await mcp.call('get_model', { model_id: 'momentum_test@1' })).structuredContent as {
      latest_drift: { data: string; action_required: boolean };
    };
    expect(after.latest_drift).toMatchObject({ data: 'synthetic:seed=2,bars=1500,timeframe=1h', action_required: true });
  });

  it('answers bad input with isError text that says what to do, and the server keeps serving', async () => {
    const missing = await mcp.call('get_model', { model_id: 'nope@3' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/No model 'nope@3'. Call list_models/);
    const badId = await mcp.call('get_model', { model_id: 'Not An Id' });
    expect(badId.isError).toBe(true);
    const invalid = await mcp.call('start_training', { strategy: 'name: broken\nindicators: []\nlabels: {type: forward_return}\n' });
    expect(invalid.isError).toBe(true);
    expect(text(invalid)).toMatch(/INVALID_STRATEGY: .*indicators.*validate_strategy/s);
    const v = (
      await mcp.call('validate_strategy', { strategy: 'name: x\nindicators: [{id: r, type: rsx}]\nlabels: {type: forward_return}\n' })
    ).structuredContent as { valid: boolean; problems: string[] };
    expect(v.valid).toBe(false);
    expect(v.problems[0]).toMatch(/indicators\[0\]\.type/);
    const ok = (await mcp.call('validate_strategy', { strategy: 'rsi_mean_reversion' })).structuredContent as { valid: boolean };
    expect(ok.valid).toBe(true);
    const rollback = await mcp.call('rollback_model', { name: 'ghost', reason: 'why not' });
    expect(text(rollback)).toMatch(/No production version of "ghost"/);
    const strategies = (await mcp.call('list_strategies')).structuredContent as { strategies: { name: string }[] };
    expect(strategies.strategies.map((s) => s.name)).toContain('macd_trend');
  });

  it('a cancelled wait ends the call but not the job; cancel_training stops the job', async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const call = mcp.call(
      'start_training',
      { strategy: MOMENTUM_ALL_EPOCHS, data: DATA, overrides: { epochs: 500 }, wait_seconds: 600 },
      {
        signal: controller.signal,
        onprogress: (p) => {
          if (/epoch 2\//.test(p.message ?? '')) controller.abort('enough waiting');
        },
      },
    );
    await expect(call).rejects.toThrow();
    const ops = (await mcp.call('list_operations', { status: 'running' })).structuredContent as { operations: { operation_id: string }[] };
    expect(ops.operations).toHaveLength(1);
    started.push(ops.operations[0]!.operation_id);
    const cancelled = await mcp.call('cancel_training', { operation_id: started[0], reason: 'test over' });
    expect(cancelled.structuredContent).toMatchObject({ status: 'cancelled' });
    const again = await mcp.call('cancel_training', { operation_id: started[0], reason: 'test over' });
    expect(text(again)).toMatch(/already ended as cancelled/);
  });

  it('reads resources and prompts', async () => {
    const schema = await mcp.client.readResource({ uri: 'trainyard://schema/strategy' });
    expect(JSON.parse((schema.contents[0] as { text: string }).text)).toHaveProperty('properties.indicators');
    const card = await mcp.client.readResource({ uri: 'trainyard://models/momentum_test@1' });
    expect((card.contents[0] as { text: string }).text).toContain('momentum_test@1');
    const yaml = await mcp.client.readResource({ uri: 'trainyard://strategies/macd_trend' });
    expect((yaml.contents[0] as { text: string }).text).toContain('name: macd_trend');
    const completion = await mcp.client.complete({
      ref: { type: 'ref/resource', uri: 'trainyard://models/{model_id}' },
      argument: { name: 'model_id', value: 'momentum' },
    });
    expect(completion.completion.values).toContain('momentum_test@1');
    const { prompts } = await mcp.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['design_strategy', 'investigate_drift', 'review_models']);
    const p = await mcp.client.getPrompt({ name: 'investigate_drift', arguments: { model_id: 'momentum_test@1' } });
    expect(JSON.stringify(p.messages)).toContain('check_drift');
  });

  it('rolls back production to the previous version', async () => {
    const second = (
      await mcp.call(
        'start_training',
        { strategy: MOMENTUM, data: DATA, overrides: { epochs: 1, seed: 2 }, wait_seconds: 120 },
        { timeout: 120_000 },
      )
    ).structuredContent as {
      result: { model_id: string };
    };
    for (const id of ['momentum_test@1', second.result.model_id]) {
      const r = await mcp.call('promote_model', {
        model_id: id,
        to_stage: 'production',
        reason: 'rollback test',
        force: true,
        skip_staging: true,
      });
      expect(r.isError, text(r)).toBeFalsy();
    }
    const rb = await mcp.call('rollback_model', { name: 'momentum_test', reason: 'newer one misbehaves' });
    expect(rb.structuredContent).toMatchObject({
      model: { model_id: 'momentum_test@1', stage: 'production' },
      retired: { model_id: second.result.model_id },
    });
    const listed = (await mcp.call('list_operations', { type: 'training', limit: 10 })).structuredContent as {
      operations: { status: string }[];
    };
    expect(listed.operations.length).toBeGreaterThanOrEqual(3);
    const bad = await mcp.call('list_operations', { status: 'sleeping' });
    expect(bad.isError).toBe(true);
  });

  it('a read-only server exposes only the read tools', async () => {
    const ro = await connectClient(services, { readOnly: true });
    const { tools } = await ro.client.listTools();
    expect(tools.every((t) => t.annotations?.readOnlyHint)).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain('start_training');
    await ro.close();
  });
});
