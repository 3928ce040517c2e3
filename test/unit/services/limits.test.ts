import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientOf, limitsSchema, type Limits } from '../../../src/config/limits.js';
import { DomainError } from '../../../src/domain/errors.js';
import {
  checkMemory,
  checkStrategyLimits,
  checkTrainingBudget,
  featureCount,
  memoryEstimateMb,
  parameterCount,
} from '../../../src/pipeline/budget.js';
import { buildModel } from '../../../src/pipeline/model/build.js';
import { parseStrategy } from '../../../src/pipeline/strategy-source.js';
import { openDatabase } from '../../../src/registry/db.js';
import { createOperationStore } from '../../../src/registry/operations.js';
import { createLimitChecks } from '../../../src/services/limits.js';
import { MOMENTUM_YAML } from '../../fixtures/jobs/harness.js';

const DEFAULTS = limitsSchema.parse({});
const limits = (over: Partial<Limits> = {}): Limits => ({ ...DEFAULTS, ...over });
const momentum = (edit: (yaml: string) => string = (y) => y) => parseStrategy(edit(MOMENTUM_YAML), 'inline').strategy;

/** The refusal a check throws, for its message and data. */
function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('limits: sizes known before any data', () => {
  it('counts features and parameters as the pipeline builds them', () => {
    const s = momentum();
    expect(featureCount(s)).toBe(9); // 3 fuzzy sets + 1 raw + 5 lagged returns
    const model = buildModel(s.model, featureCount(s), 1);
    expect(parameterCount(s.model.hidden_layers, featureCount(s))).toBe(model.countParams());
    model.dispose();
  });

  it('refuses a network over model_parameters, naming the limit, the value asked, the maximum and the key', () => {
    const big = momentum((y) => y.replace('hidden_layers: [16, 8]', `hidden_layers: [${Array(8).fill(4096).join(', ')}]`));
    const err = refusal(() => checkStrategyLimits(DEFAULTS, big));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(err.message).toMatch(
      /The network 9 -> 4096 -> .* -> 3 has too many parameters: 117,\d{3},\d{3} asked, at most 2,000,000 allowed \(config limits\.model_parameters\)/,
    );
    expect(err.message).toMatch(/raise limits\.model_parameters in the trainyard config file/);
    expect(err.data).toMatchObject({ limit: 'model_parameters', max: 2_000_000 });
    expect(() => checkStrategyLimits(DEFAULTS, momentum())).not.toThrow();
  });

  it('refuses a batch size under min_batch_size', () => {
    const err = refusal(() =>
      checkStrategyLimits(
        DEFAULTS,
        momentum((y) => y.replace('batch_size: 64', 'batch_size: 1')),
      ),
    );
    expect(err.message).toMatch(/training\.batch_size 1 is below the smallest allowed, 8 \(config limits\.min_batch_size\)/);
  });

  it('refuses too much training (samples x epochs) and too many optimizer steps', () => {
    const s = momentum((y) => y.replace('epochs: 12', 'epochs: 10000'));
    const samples = refusal(() => checkTrainingBudget(DEFAULTS, s, 20_000));
    expect(samples.message).toMatch(
      /10000 epochs over 20,000 training samples is too much training \(samples x epochs\): 200,000,000 asked, at most 100,000,000 allowed \(config limits\.sample_epochs\)/,
    );
    const steps = refusal(() => checkTrainingBudget(limits({ sample_epochs: 1e12 }), s, 20_000, 3));
    expect(steps.message).toMatch(
      /in 3 fits at batch_size 64 is too many optimizer steps: 3,130,000 asked, at most 2,000,000 allowed \(config limits\.optimizer_steps\)/,
    );
    expect(() => checkTrainingBudget(DEFAULTS, momentum(), 20_000)).not.toThrow();
  });

  it('estimates typed-array memory from the data size and refuses it over job_memory_mb', () => {
    expect(memoryEstimateMb(10_000_000, 20)).toBe(5951); // 10M bars x 26 columns x 24 bytes
    const err = refusal(() => checkMemory(limits({ job_memory_mb: 1024 }), 10_000_000, 20));
    expect(err.message).toMatch(
      /10,000,000 bars x 20 features need an estimated 5,951 MB: 5,951 asked, at most 1,024 allowed \(config limits\.job_memory_mb\)/,
    );
    expect(() => checkMemory(DEFAULTS, 10_000_000, 20)).not.toThrow();
  });
});

describe('limits: the service checks before a row exists', () => {
  const store = () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-limits-'));
    return createOperationStore(openDatabase(path.join(home, 'trainyard.db')), () => new Date(), process.pid);
  };

  it('caps pending + running jobs per client and in total; finished jobs and a research run’s own jobs do not count', () => {
    const ops = store();
    const checks = createLimitChecks(limits({ queued_jobs_per_client: 2, queued_jobs_total: 3 }), ops);
    const add = (client: string, extra: { parent_id?: string } = {}) =>
      ops.create({ type: 'training', params: { actor: `mcp:x`, client }, parent_id: extra.parent_id ?? null });
    const a1 = add('a');
    add('a');
    const err = refusal(() => checks.admit('a'));
    expect(err.message).toMatch(
      /Client "a" has 2 jobs pending or running; one more makes: 3 asked, at most 2 allowed \(config limits\.queued_jobs_per_client\)/,
    );
    checks.admit('b');
    add('b');
    expect(refusal(() => checks.admit('c')).message).toMatch(
      /3 jobs are pending or running in all; one more makes: 4 asked, at most 3 allowed \(config limits\.queued_jobs_total\)/,
    );
    add('research', { parent_id: a1.id }); // a research run's training job counts as the run
    ops.update(a1.id, { status: 'completed' });
    checks.admit('a');
    checks.admit('c');
  });

  it('counts every CLI user as one local client', () => {
    expect(clientOf('cli:alice')).toBe('cli');
    expect(clientOf('cli:bob')).toBe('cli');
    expect(clientOf('mcp:claude', 'mcp-1234')).toBe('mcp-1234');
    expect(clientOf('scheduler')).toBe('scheduler');
  });

  it('refuses synthetic specs over synthetic_bars, and a training request whose size is known up front', () => {
    const checks = createLimitChecks(DEFAULTS, store());
    expect(refusal(() => checks.dataSpec('synthetic:bars=5000000,symbols=100')).message).toMatch(
      /The synthetic spec "synthetic:bars=5000000,symbols=100" generates too many bars \(bars x symbols\): 500,000,000 asked, at most 5,000,000 allowed \(config limits\.synthetic_bars\)/,
    );
    expect(checks.dataSpec('synthetic:bars=4000000')).toBe(4_000_000);
    expect(checks.dataSpec('sample:sp500')).toBeNull();
    const long = momentum((y) => y.replace('epochs: 12', 'epochs: 1000'));
    expect(refusal(() => checks.training(long, 'synthetic:bars=400000')).data).toMatchObject({ limit: 'sample_epochs' });
    // Filtered data: the worker checks once the bars are known.
    expect(() => checks.training({ ...long, data: { ...long.data, to: '2012-01-01' } }, 'synthetic:bars=400000')).not.toThrow();
  });
});
