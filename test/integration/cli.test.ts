import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MOMENTUM, modelFolders, stagingLeftovers } from '../helpers/services.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-cli-'));

describe('trainyard CLI (built, spawned)', () => {
  it('train --json prints only the result object on stdout and progress on stderr', async () => {
    const home = tmp();
    const r = await runCli([
      'train',
      MOMENTUM,
      '--data',
      'synthetic:seed=1,bars=1500,signal=0.3',
      '--epochs',
      '2',
      '--json',
      '--home',
      home,
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { model_id: string; model_path: string; backend: { name: string } };
    expect(result.model_id).toBe('momentum_test@1');
    expect(fs.existsSync(path.join(result.model_path, 'model.json'))).toBe(true);
    expect(result.backend.name).toMatch(/wasm|cpu|tensorflow/);
  });

  it('rejects a bad CSV naming the file, line and problem, with exit code 1 and no stack trace', async () => {
    const home = tmp();
    const csv = path.join(home, 'prices.csv');
    fs.writeFileSync(
      csv,
      'date,open,high,low,close,volume\n2020-01-01,10,11,9,10,100\n2020-01-02,10,9,11,10,100\n2020-01-03,10,11,9,abc,100\n',
    );
    const r = await runCli(['train', MOMENTUM, '--data', `csv:${csv}`, '--home', home]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('prices.csv');
    expect(r.stderr).toMatch(/line 3.*high/i);
    expect(r.stderr).toMatch(/line 4.*close/i);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(modelFolders(home)).toEqual([]);
    expect(stagingLeftovers(home)).toEqual([]);
  });

  it('names known strategies when one is missing, and usage errors exit 2', async () => {
    const r = await runCli(['train', 'no_such_strategy', '--home', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No strategy "no_such_strategy".*multi_indicator_fuzzy/);
    const u = await runCli(['train', MOMENTUM, '--epochs', 'many']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/--epochs must be a whole number/);
    const v = await runCli(['validate', MOMENTUM]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/valid \(strategy momentum_test\)/);
  });

  it('SIGINT cancels training within a batch: exit 130 and no model folder', async () => {
    const home = tmp();
    let sent = false;
    const r = await runCli(['train', MOMENTUM, '--data', 'synthetic:seed=2,bars=3000', '--epochs', '500', '--home', home], {
      onStderr: (chunk, child) => {
        if (!sent && /epoch 2\//.test(chunk)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/cancelled/i);
    expect(modelFolders(home)).toEqual([]);
    expect(stagingLeftovers(home)).toEqual([]);
    const status = await runCli(['status', '--json', '--home', home]);
    expect((JSON.parse(status.stdout) as { status: string }[]).map((o) => o.status)).toEqual(['cancelled']);
  });

  it('registers a candidate, then promotes, rolls back and shows history through the models commands', async () => {
    const home = tmp();
    // The first trains on a random walk: it has no edge, so the calibrated training gate refuses it.
    const train = (seed: number) =>
      runCli([
        'train',
        MOMENTUM,
        '--data',
        `synthetic:seed=${seed},bars=1200,signal=${seed === 1 ? 0 : 0.3}`,
        '--epochs',
        '1',
        '--json',
        '--quiet',
        '--home',
        home,
      ]);
    const first = JSON.parse((await train(1)).stdout) as { model_id: string; operation_id: string };
    const second = JSON.parse((await train(2)).stdout) as { model_id: string; operation_id: string };
    expect([first.model_id, second.model_id]).toEqual(['momentum_test@1', 'momentum_test@2']);
    expect(first.operation_id).toMatch(/^op_/);
    const cli = (...args: string[]) => runCli([...args, '--home', home]);
    expect((await cli('models', 'promote', 'momentum_test@1', '--to', 'production', '--reason', 'first')).stderr).toMatch(
      /promote it to staging first.*skip_staging/,
    );
    // The CLI promotes through the same gates as the MCP tool: a model with no edge is refused ...
    const refused = await cli('models', 'promote', 'momentum_test@1', '--to', 'staging', '--reason', 'looks fine');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/GATE_FAILED\]: momentum_test@1 failed the training gate: .*pass force with a reason/);
    // ... unless forced, which the history records.
    expect((await cli('models', 'promote', 'momentum_test@1', '--to', 'staging', '--reason', 'looks fine', '--force')).code).toBe(0);
    expect((await cli('models', 'promote', 'momentum_test@1', '--to', 'production', '--reason', 'ship', '--force')).stdout).toMatch(
      /momentum_test@1 is now production \(forced past a failed gate\)/,
    );
    expect(
      (await cli('models', 'promote', 'momentum_test@2', '--to', 'production', '--reason', 'better', '--skip-staging', '--force')).stdout,
    ).toMatch(/momentum_test@1 retired/);
    expect((await cli('models', 'rollback', 'momentum_test', '--reason', 'v2 misbehaves')).stdout).toMatch(
      /momentum_test@1 is production again; momentum_test@2 retired/,
    );
    const prod = JSON.parse((await cli('models', 'list', '--stage', 'production', '--json')).stdout) as { model_id: string }[];
    expect(prod.map((m) => m.model_id)).toEqual(['momentum_test@1']);
    const history = JSON.parse((await cli('models', 'history', 'momentum_test', '--json')).stdout) as { action: string; actor: string }[];
    expect(history.map((h) => h.action)).toEqual(['promote', 'promote', 'retire', 'promote', 'rollback', 'rollback']);
    expect(history[0]!.actor).toMatch(/^cli:/);
    const bad = await cli('models', 'show', 'momentum_test@9');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/No model 'momentum_test@9'. Call list_models \(or "trainyard models list"\)/);
    const files = JSON.parse(fs.readFileSync(path.join(home, 'models', 'model_registry.json'), 'utf8')) as {
      production_model: { model_id: string };
    };
    expect(files.production_model.model_id).toBe('momentum_test@1');
    const runFile = JSON.parse(fs.readFileSync(path.join(home, 'training', 'runs', `${first.operation_id}.json`), 'utf8')) as {
      status: string;
      phases: Record<string, { status: string }>;
    };
    expect(runFile.status).toBe('completed');
    expect(Object.values(runFile.phases).map((p) => p.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
  });
});
