import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/registry/index.js';
import type { ResearchRun } from '../../src/tools/research-schemas.js';
import { runCli } from '../helpers/cli.js';

describe('research run survives a killed process', () => {
  it('SIGKILL during training, then --resume: the same cycle continues from training and completes', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-resume-'));
    const args = [
      'research',
      '--cycles',
      '1',
      '--designer',
      'offline',
      '--data',
      'synthetic:seed=2,bars=6000',
      '--program',
      'resume_test',
      '--home',
      home,
    ];
    let runId = '';
    let killed = false;
    const first = await runCli(args, {
      onStderr: (chunk, child) => {
        runId ||= /research run (op_\w+)/.exec(chunk)?.[1] ?? '';
        // Kill the moment the cycle reaches training (its design is saved; the job has just been queued).
        if (!killed && /: training/.test(chunk)) {
          killed = true;
          setTimeout(() => child.kill('SIGKILL'), 300);
        }
      },
    });
    expect(first.signal).toBe('SIGKILL');
    expect(runId).toMatch(/^op_/);

    const reg = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir: path.join(home, 'models') });
    const [cycle] = reg.research.list({ run_id: runId });
    expect(cycle).toMatchObject({ state: 'training', strategy_name: 'resume_test_1', model_id: null });
    reg.close();

    const resumed = await runCli(['research', '--resume', runId, '--json', '--home', home]);
    expect(resumed.stderr).not.toMatch(/error/);
    expect(resumed.code).toBe(0);
    const run = JSON.parse(resumed.stdout) as ResearchRun;
    expect(run.status).toBe('completed');
    expect(run.cycles).toHaveLength(1);
    // The same cycle (same design), carried to the end; nothing was designed twice.
    expect(run.cycles[0]).toMatchObject({ cycle_id: cycle!.cycle_id, strategy_name: 'resume_test_1', model_id: 'resume_test_1@1' });
    expect(['done', 'gate_rejected_training', 'gate_rejected_backtest']).toContain(run.cycles[0]!.phase_reached);

    const after = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir: path.join(home, 'models') });
    try {
      expect(after.operations.get(runId).status).toBe('interrupted');
      const old = after.operations.list({ parent_id: runId });
      expect(old.every((o) => o.status === 'interrupted')).toBe(true);
      expect(after.operations.get(run.run_id).params).toMatchObject({ resumed_from: runId });
      expect(after.research.list({ program: 'resume_test' })).toHaveLength(1);
    } finally {
      after.close();
    }
  }, 180_000);
});
