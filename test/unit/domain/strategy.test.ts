import { describe, expect, it } from 'vitest';
import { strategySchema } from '../../../src/domain/strategy.js';
import { formatIssues } from '../../../src/domain/format-issues.js';

function problems(input: unknown): string[] {
  const r = strategySchema.safeParse(input);
  return r.success ? [] : formatIssues(r.error.issues);
}

describe('strategy schema', () => {
  it('fills defaults and expands fuzzy shorthand', () => {
    const s = strategySchema.parse({
      name: 'rsi_test',
      indicators: [{ id: 'rsi_14', type: 'rsi' }],
      fuzzy_sets: { rsi_14: { oversold: [0, 25, 40], mid: [30, 45, 55, 70], g: { type: 'gaussian', params: [50, 5] } } },
      labels: { type: 'forward_return' },
    });
    expect(s.indicators[0]).toEqual({ id: 'rsi_14', type: 'rsi', params: { period: 14 } });
    expect(s.fuzzy_sets['rsi_14']!['oversold']).toEqual({ type: 'triangular', params: [0, 25, 40] });
    expect(s.fuzzy_sets['rsi_14']!['mid']).toEqual({ type: 'trapezoidal', params: [30, 45, 55, 70] });
    expect(s.training.seed).toBe(42);
    expect(s.model.hidden_layers).toEqual([64, 32]);
  });

  it('lists every problem with its field path and what is allowed', () => {
    const msgs = problems({
      name: 'Bad Name',
      indicators: [
        { id: 'r', type: 'rsx' },
        { id: 'm', type: 'macd', params: { fast: 'a', foo: 1 } },
      ],
      fuzzy_sets: { r: { low: [3, 2, 1] } },
      labels: { type: 'forward_return' },
      training: { lr: 1 },
    });
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: /),
        expect.stringMatching(/^indicators\[0\]\.type: .*'rsi'.*'macd'/),
        expect.stringMatching(/^indicators\[1\]\.params\.fast: /),
        expect.stringMatching(/^indicators\[1\]\.params: unknown field "foo"; allowed: fast, slow, signal/),
        expect.stringMatching(/^fuzzy_sets\.r\.low: a membership is/),
        expect.stringMatching(/^training: unknown field "lr"; allowed: .*learning_rate/),
      ]),
    );
  });

  it('rejects references to unknown indicator outputs and a purge gap shorter than the horizon', () => {
    const msgs = problems({
      name: 'x',
      indicators: [{ id: 'macd', type: 'macd' }],
      fuzzy_sets: { macd: { up: [0, 1, 2] } },
      features: { raw: ['macd.histo'] },
      labels: { type: 'forward_return', horizon: 10 },
      training: { purge_gap: 3 },
    });
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fuzzy_sets\.macd: unknown indicator output "macd"; valid: macd\.line, macd\.signal, macd\.hist/),
        expect.stringMatching(/^features\.raw\[0\]: unknown indicator output "macd\.histo"/),
        expect.stringMatching(/^training\.purge_gap: purge_gap 3 is shorter than the label horizon 10/),
      ]),
    );
  });

  it('requires at least one feature', () => {
    expect(problems({ name: 'x', indicators: [{ id: 'r', type: 'rsi' }], labels: { type: 'forward_return' } })).toEqual([
      expect.stringMatching(/^features: the strategy yields no features/),
    ]);
  });

  it('takes an optional CPCV section and says precisely what is wrong with it', () => {
    const base = { name: 'x', indicators: [{ id: 'r', type: 'rsi' }], features: { raw: ['r'] }, labels: { type: 'forward_return' } };
    expect(strategySchema.parse(base).training.cross_validation).toBeUndefined();
    const s = strategySchema.parse({ ...base, training: { cross_validation: { type: 'cpcv' } } });
    expect(s.training.cross_validation).toEqual({ type: 'cpcv', groups: 6, test_groups: 2 });
    const cv = (c: Record<string, unknown>) => problems({ ...base, training: { cross_validation: { type: 'cpcv', ...c } } });
    expect(cv({ groups: 12, test_groups: 2, embargo: 5 })).toEqual([]); // 66 fits
    expect(cv({ groups: 2 })).toEqual([expect.stringMatching(/^training\.cross_validation\.groups: /)]);
    expect(cv({ groups: 13 })).toEqual([expect.stringMatching(/^training\.cross_validation\.groups: /)]);
    expect(cv({ groups: 4, test_groups: 4 })).toEqual([
      expect.stringMatching(/^training\.cross_validation\.test_groups: test_groups 4 must be below groups 4/),
    ]);
    expect(cv({ groups: 12, test_groups: 3 })).toEqual([
      expect.stringMatching(/^training\.cross_validation\.test_groups: groups 12 with test_groups 3 means 220 fits; at most 66/),
    ]);
    expect(cv({ test_groups: 0 })).toEqual([expect.stringMatching(/^training\.cross_validation\.test_groups: /)]);
    expect(cv({ embargo: -1 })).toEqual([expect.stringMatching(/^training\.cross_validation\.embargo: /)]);
    expect(cv({ folds: 5 })).toEqual([
      expect.stringMatching(/^training\.cross_validation: unknown field "folds"; allowed: type, groups, test_groups, embargo/),
    ]);
    expect(problems({ ...base, training: { cross_validation: { type: 'kfold' } } })).toEqual([
      expect.stringMatching(/^training\.cross_validation\.type: /),
    ]);
  });
});
