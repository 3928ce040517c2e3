import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, runCli } from '../helpers/cli.js';
import { MOMENTUM } from '../helpers/services.js';

// The webgpu backend through the real CLI: Dawn for Node on whatever Vulkan driver this machine has
// (CI: Mesa's lavapipe from bookworm-backports, a software adapter, which `auto` skips and a forced
// TRAINYARD_BACKEND=webgpu takes). Same seed on webgpu and wasm must give the same run.

/** Why this machine cannot run WebGPU (no package, no Vulkan driver), or null. */
function webgpuSkipReason(): string | null {
  const probe = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const { create } = await import('webgpu'); const a = await create([]).requestAdapter(); process.exit(a ? 0 : 3);",
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (probe.status === 0) return null;
  const why =
    probe.status === 3 ? 'no WebGPU adapter (no Vulkan driver)' : (probe.stderr.split('\n').find((l) => /Error/.test(l)) ?? 'probe failed');
  return `skipped: ${why.slice(0, 200)}. Install libvulkan1 and Mesa >= 23 (bookworm-backports mesa-vulkan-drivers; .ci/run does) or a GPU driver`;
}

const skip = webgpuSkipReason();
// .ci/run installs a working Vulkan driver and sets this: there the path must run, not skip.
if (skip && process.env['TRAINYARD_REQUIRE_WEBGPU'])
  throw new Error(`webgpu tests cannot run but TRAINYARD_REQUIRE_WEBGPU is set: ${skip}`);
if (skip) console.log(`webgpu tests ${skip}`);

/**
 * Tolerance for "the same answers": float32 sums on the GPU and in wasm differ in order only (the
 * initial weights and the batches come from the host's seeded streams, the dropout masks are the
 * same counter-based hash on the GPU and in JS, tested bit for bit below), so a 3-epoch run's
 * losses agree to a few 1e-7 relative (5e-7 measured on an NVIDIA H200, 1e-7 on
 * lavapipe); 1e-4 leaves room for longer reductions without letting a real difference through.
 */
const REL_TOL = 1e-4;

interface Result {
  model_id: string;
  backend: { name: string; adapter?: { vendor: string; description: string; software: boolean } };
  training_metrics: { best_val_loss: number; epochs_run: number; history: { loss: number; val_loss: number }[] };
  test_metrics: { accuracy: number; samples: number };
}

describe.skipIf(skip !== null)('webgpu backend', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-webgpu-'));
  const train = async (backend: string): Promise<Result> => {
    const r = await runCli(['train', 'rsi_mean_reversion', '--data', 'synthetic:seed=4,bars=1200,signal=0.3', '--epochs', '3', '--json'], {
      env: { TRAINYARD_HOME: path.join(home, backend), TRAINYARD_BACKEND: backend },
    });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    return JSON.parse(r.stdout) as Result;
  };

  it('trains with the same seed to the same metrics as wasm, and records its adapter', async () => {
    const [gpu, wasm] = [await train('webgpu'), await train('wasm')];
    expect(gpu.backend.name).toBe('webgpu');
    expect(gpu.backend.adapter?.description.length).toBeGreaterThan(0);
    expect(typeof gpu.backend.adapter?.software).toBe('boolean');
    expect(wasm.backend.adapter).toBeUndefined();
    const g = gpu.training_metrics;
    const w = wasm.training_metrics;
    expect(g.epochs_run).toBe(w.epochs_run);
    const close = (a: number, b: number) => Math.abs(a - b) <= REL_TOL * Math.abs(b);
    g.history.forEach((h, i) => {
      expect(close(h.loss, w.history[i]!.loss), `epoch ${i + 1} loss ${h.loss} vs ${w.history[i]!.loss}`).toBe(true);
      expect(close(h.val_loss, w.history[i]!.val_loss), `epoch ${i + 1} val_loss`).toBe(true);
    });
    expect(close(g.best_val_loss, w.best_val_loss)).toBe(true);
    // Argmax can flip only for a row whose two top probabilities tie within the tolerance.
    expect(Math.abs(gpu.test_metrics.accuracy - wasm.test_metrics.accuracy) * gpu.test_metrics.samples).toBeLessThanOrEqual(1);

    // The registry's lineage names the device.
    const shown = await runCli(['models', 'show', gpu.model_id], { env: { TRAINYARD_HOME: path.join(home, 'webgpu') } });
    expect(shown.stdout).toMatch(/webgpu on \S+ .*\((software|hardware)\)/);
  });

  it('draws dropout masks on the GPU bit for bit as the JS fill does (1.27M units, three rates and shapes)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '..', 'fixtures', 'webgpu-masks.ts')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { compared: number; mismatches: number; backend: string };
    expect(out).toMatchObject({ backend: 'webgpu', compared: 1_268_480, mismatches: 0 });
  });

  it('trains over MCP stdio on webgpu: Dawn and tfjs notices stay on stderr, stdout is only protocol', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'serve', '--home', path.join(home, 'mcp')],
      env: { PATH: process.env['PATH'] ?? '', TRAINYARD_BACKEND: 'webgpu' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'webgpu-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const r = (await client.callTool(
        {
          name: 'start_training',
          arguments: { strategy: MOMENTUM, data: 'synthetic:seed=3,bars=1200,signal=0.3', overrides: { epochs: 2 }, wait_seconds: 120 },
        },
        undefined,
        { timeout: 120_000 },
      )) as CallToolResult;
      expect(r.structuredContent).toMatchObject({ status: 'completed', result: { model_id: 'momentum_test@1' } });
      const model = (await client.callTool({ name: 'get_model', arguments: { model_id: 'momentum_test@1' } })) as CallToolResult;
      expect(JSON.stringify(model.structuredContent)).toMatch(/"backend":"webgpu","device":"[^"]+\((software|hardware)\)"/);
    } finally {
      await client.close();
    }
  });

  it('is skipped by auto on a software adapter, with the reason', async () => {
    const r = await runCli(['train', 'rsi_mean_reversion', '--data', 'synthetic:seed=4,bars=600,signal=0.3', '--epochs', '1', '--json'], {
      env: { TRAINYARD_HOME: path.join(home, 'auto'), TRAINYARD_BACKEND: 'auto' },
    });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const res = JSON.parse(r.stdout) as Result & { backend: { skipped: { name: string; reason: string }[] } };
    // A machine with a hardware GPU runs webgpu; one without skips it and says why.
    if (res.backend.name !== 'webgpu')
      expect(res.backend.skipped.find((s) => s.name === 'webgpu')?.reason).toMatch(/GPU device|software adapter/);
    else expect(res.backend.adapter?.software).toBe(false);
  });
});
