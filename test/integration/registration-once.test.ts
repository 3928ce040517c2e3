import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/pipeline/backend/index.js';
import { resolveStrategy } from '../../src/pipeline/strategy-source.js';
import { runTrainingPipeline } from '../../src/pipeline/train-pipeline.js';
import { openRegistry } from '../../src/registry/index.js';
import { registerTrainedModel } from '../../src/services/registration.js';
import { MOMENTUM } from '../helpers/services.js';

describe('registration is once per operation', () => {
  it('a result delivered twice (a redelivered Redis job, a restart between registering and ending the row) registers one version', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-once-'));
    const registry = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir: path.join(home, 'models') });
    try {
      const op = registry.operations.create({ type: 'training', params: {} });
      const staging = path.join(home, 'models', '.staging');
      const strategy = resolveStrategy(MOMENTUM, { strategiesDir: home });
      const result = await runTrainingPipeline(
        {
          strategy,
          data: 'synthetic:seed=1,bars=1500,signal=0.3',
          overrides: { epochs: 2 },
          modelId: op.id,
          modelsDir: staging,
          dataDir: home,
        },
        { backend: await initBackend({ preference: 'auto', wasmThreads: 1 }) },
      );
      const staged = path.join(staging, op.id);
      const copy = `${staged}-again`;
      fs.cpSync(staged, copy, { recursive: true });
      const first = registerTrainedModel(registry, op, result, staged, 'test', 'test');
      const second = registerTrainedModel(registry, op, result, copy, 'test', 'test');
      expect(first.already_registered).toBeUndefined();
      expect(second).toMatchObject({ model_id: first.model_id, already_registered: true });
      expect(registry.models.list({ name: 'momentum_test' }).map((m) => m.model_id)).toEqual([first.model_id]);
      expect(registry.models.byOperation(op.id)!.model_id).toBe(first.model_id);
      // The second delivery's staged folder is removed, the registered folder untouched.
      expect(fs.existsSync(copy)).toBe(false);
      expect(fs.existsSync(path.join(first.model_path, 'model.json'))).toBe(true);
    } finally {
      registry.close();
    }
  });
});
