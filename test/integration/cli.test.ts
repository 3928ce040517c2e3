import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MOMENTUM } from '../helpers/services.js';

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
    expect(fs.existsSync(path.join(home, 'models'))).toBe(false);
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
    const models = path.join(home, 'models');
    expect(fs.existsSync(models) ? fs.readdirSync(models) : []).toEqual([]);
  });
});
