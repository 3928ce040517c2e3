import path from 'node:path';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../../src/domain/errors.js';
import { resolveStrategy } from '../../../src/pipeline/strategy-source.js';
import { applyParams, compileSpace } from '../../../src/tuning/space.js';
import { MIGRATIONS, migrate, schemaVersion } from '../../../src/registry/migrations.js';
import { promotionGate } from '../../../src/monitoring/gates.js';
import { loadConfig } from '../../../src/config/load.js';
import type { ModelVersion } from '../../../src/domain/model-version.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const base = resolveStrategy('rsi_mean_reversion', { strategiesDir: path.join(ROOT, 'strategies') }).strategy;

function problems(spec: unknown): string[] {
  try {
    compileSpace(base, spec);
  } catch (err) {
    if (isDomainError(err)) return (err.data?.['issues'] as string[]) ?? [err.message];
    throw err;
  }
  return [];
}

describe('search spaces', () => {
  it("the bundled strategy's search: section compiles with each field's own type", () => {
    const space = compileSpace(base);
    const kinds = Object.fromEntries(space.params.map((p) => [p.name, p.distribution.kind]));
    expect(kinds).toEqual({
      'training.learning_rate': 'float',
      'training.batch_size': 'categorical',
      'model.hidden_layers': 'categorical',
      'model.dropout': 'float',
      'model.l2': 'float',
      'indicators.rsi_14.params.period': 'int',
    });
  });

  it('names every problem by its path, with what to do', () => {
    const found = problems({
      'training.lerning_rate': { low: 1e-4, high: 1e-2 },
      'model.dropout': { low: 0, high: 2 },
      'training.batch_size': { low: 8.5, high: 64 },
      'indicators.nope.params.period': { low: 2, high: 9 },
      'model.hidden_layers.5': { low: 8, high: 64 },
      'training.seed': { low: 1, high: 9 },
      'labels.horizon': { low: 2, high: 9, when: { 'labels.type': ['forward_return'] } },
    });
    expect(found.join('\n')).toMatch(/training\.lerning_rate: .*not a strategy field; fields of training: optimizer, learning_rate/);
    expect(found.join('\n')).toMatch(/model\.dropout: the range 0\.\.2 leaves the field's bounds \(>= 0 and <= 0\.9\)/);
    expect(found.join('\n')).toMatch(/training\.batch_size: an int range needs whole-number low, high and step/);
    expect(found.join('\n')).toMatch(/no indicator with id "nope"; ids: rsi_14, rsi_2/);
    expect(found.join('\n')).toMatch(/"5" is not an index of model\.hidden_layers \(it has 2 entries/);
    expect(found.join('\n')).toMatch(/training\.seed: not tunable/);
    expect(found.join('\n')).toMatch(/labels\.horizon: when names labels\.type, which is not in the search space/);
    expect(problems({ 'model.hidden_layers': { choices: [[16], [0]] } })).toEqual([
      expect.stringMatching(/^model\.hidden_layers = \[0\]: model\.hidden_layers\[0\]: .*>=1/),
    ]);
    expect(problems({ 'model.dropout': { low: 0.1, high: 0.5, log: true, step: 0.1 } }).join('\n')).toMatch(
      /step and log cannot be combined/,
    );
    expect(problems({})).toEqual([expect.stringMatching(/at least one parameter/)]);
    expect(problems('training.learning_rate')[0]).toMatch(/search/);
  });

  it('a choice that switches a section type draws that type’s own fields only when it is chosen', () => {
    const space = compileSpace(base, {
      'labels.max_holding': { low: 5, high: 20, when: { 'labels.type': ['triple_barrier'] } },
      'labels.type': { choices: ['forward_return', 'triple_barrier'] },
      'labels.horizon': { low: 2, high: 20, when: { 'labels.type': ['forward_return'] } },
    });
    // Parents come before the parameters they enable, whatever the order written.
    expect(space.params.map((p) => p.name)).toEqual(['labels.type', 'labels.max_holding', 'labels.horizon']);
    const tb = applyParams(base, { 'labels.type': 'triple_barrier', 'labels.max_holding': 7 });
    expect(tb.labels).toEqual({ type: 'triple_barrier', profit_take: 2, stop_loss: 1, max_holding: 7, volatility_window: 20 });
    const fr = applyParams(base, { 'labels.type': 'forward_return', 'labels.horizon': 9 });
    expect(fr.labels).toMatchObject({ type: 'forward_return', horizon: 9, up_threshold: 0.01 });
    expect(applyParams(base, { 'indicators.rsi_14.params.period': 21 }).indicators[0]).toMatchObject({
      id: 'rsi_14',
      params: { period: 21 },
    });
    expect(applyParams(base, { 'training.learning_rate': 0.01 }).search).toBeUndefined();
    expect(() => applyParams(base, { 'training.validation_fraction': 0.4, 'training.test_fraction': 0.4 })).toThrow(
      /at least 30% for training/,
    );
  });

  it('refuses cycles of conditions', () => {
    expect(
      problems({
        'training.optimizer': { choices: ['adam', 'sgd'], when: { 'model.activation': ['relu'] } },
        'model.activation': { choices: ['relu', 'tanh'], when: { 'training.optimizer': ['adam'] } },
      }).join('\n'),
    ).toMatch(/conditions form a cycle/);
  });
});

describe('migration 7 (tuning)', () => {
  it('rebuilds operations with the new types and keeps every row and every reference', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ty-mig-')), 'r.db');
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.slice(0, 6));
    db.prepare(
      `INSERT INTO operations (id, type, status, params, created_at) VALUES ('op_1', 'research', 'completed', '{}', '2026-01-01')`,
    ).run();
    db.prepare(
      `INSERT INTO operations (id, type, parent_id, status, params, created_at) VALUES ('op_2', 'training', 'op_1', 'completed', '{}', '2026-01-01')`,
    ).run();
    const insertModel = db.prepare(
      `INSERT INTO model_versions (model_id, name, version, stage, created_at, created_by, operation_id, artifact_path, lineage, metrics, stage_changed_at)
       VALUES (?, 'm', ?, 'candidate', '2026-01-01', 'cli', ?, '/x', '{}', '{}', '2026-01-01')`,
    );
    insertModel.run('m@1', 1, 'op_2');
    expect(migrate(db)).toBe(MIGRATIONS.length - 6);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT id, parent_id FROM operations ORDER BY id').all()).toEqual([
      { id: 'op_1', parent_id: null },
      { id: 'op_2', parent_id: 'op_1' },
    ]);
    // The new types are accepted, and references into the rebuilt table still hold.
    db.prepare(
      `INSERT INTO operations (id, type, status, params, created_at) VALUES ('op_3', 'tuning', 'pending', '{}', '2026-01-02')`,
    ).run();
    expect(() => insertModel.run('m@2', 2, 'op_missing')).toThrow(/FOREIGN KEY/);
    expect(db.prepare('SELECT operation_id FROM model_versions').all()).toEqual([{ operation_id: 'op_2' }]);
    expect(() => db.prepare(`DELETE FROM operations WHERE id = 'op_1'`).run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});

describe('tuning trials in the deflated Sharpe', () => {
  // A model whose out-of-sample Sharpe is good but not extraordinary.
  const model = {
    model_id: 'm@1',
    name: 'm',
    metrics: {
      backtest: {
        strategy: {
          sharpe: 1.2,
          sharpe_per_period: 0.075,
          bars: 500,
          skew: 0,
          kurtosis: 3,
          trade_count: 40,
          win_rate: 0.55,
          max_drawdown: -0.1,
          total_return: 0.2,
        },
        buy_and_hold: { sharpe: 0.5, total_return: 0.1 },
      },
    },
  } as unknown as ModelVersion;
  const g = loadConfig({ argv: { home: os.tmpdir() }, env: {} }).gates;
  const dsr = (tuningSharpes: number[]) => {
    const r = promotionGate(
      model,
      {
        production: null,
        trials: [model],
        tuningSharpes,
        backtest: g.backtest,
        promotion: g.promotion,
        drift: { drifted: [], checked: false } as never,
        approval: { required: false, approval: null },
      },
      new Date('2026-11-30'),
    ).checks.find((c) => c.name === 'deflated_sharpe')!;
    return { value: r.value!, reason: r.reason };
  };

  it('more trials tried set a higher bar: the deflated Sharpe falls as the study grows', () => {
    // Trials of a study of noise: validation Sharpes per bar spread around 0 (sd 0.03).
    const noise = (n: number) => Array.from({ length: n }, (_, i) => 0.03 * Math.sin(i * 2.39996) * Math.SQRT2);
    const figures = [1, 10, 50, 200].map((n) => dsr(noise(n)));
    for (let i = 1; i < figures.length; i++) expect(figures[i]!.value).toBeLessThan(figures[i - 1]!.value);
    expect(figures[3]!.reason).toMatch(/over 201 trials/);
  });
});
