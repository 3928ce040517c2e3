import { describe, expect, it } from 'vitest';
import { parseDataSpec, SYNTHETIC_DEFAULTS } from '../../../../src/pipeline/data/spec.js';
import { catchDomainError } from './helpers.js';

describe('parseDataSpec', () => {
  it('parses the three schemes', () => {
    expect(parseDataSpec('csv:data/prices.csv')).toEqual({ kind: 'csv', path: 'data/prices.csv' });
    expect(parseDataSpec('csv:C:\\data\\x.csv')).toEqual({ kind: 'csv', path: 'C:\\data\\x.csv' });
    expect(parseDataSpec('prices.csv')).toEqual({ kind: 'csv', path: 'prices.csv' });
    expect(parseDataSpec(' sample:SP500 ')).toEqual({ kind: 'sample', name: 'sp500' });
    expect(parseDataSpec('synthetic:seed=3,bars=700,symbols=2,signal=0.3,regimes=2,timeframe=1h,start=2015-06-01')).toEqual({
      kind: 'synthetic',
      params: { seed: 3, bars: 700, symbols: 2, family: 'momentum', signal: 0.3, regimes: 2, timeframe: '1h', start: '2015-06-01' },
    });
    expect(parseDataSpec('synthetic:seed=9')).toEqual({ kind: 'synthetic', params: { ...SYNTHETIC_DEFAULTS, seed: 9 } });
  });

  it('rejects unknown schemes, samples and parameters, naming the part and the valid ones', () => {
    const scheme = catchDomainError(() => parseDataSpec('foo:x'), 'INVALID_DATA_SPEC');
    expect(scheme.message).toMatch(/^Unknown data spec "foo:x": unknown scheme "foo"/);
    expect(scheme.message).toContain(
      'Use csv:<path>, sample:sp500 or synthetic:seed=1,bars=5000[,symbols=3][,family=momentum][,signal=0.3][,regimes=2]',
    );
    expect(catchDomainError(() => parseDataSpec('sample:ftse'), 'INVALID_DATA_SPEC').message).toMatch(
      /unknown sample "ftse"; available samples: sp500/,
    );
    const param = catchDomainError(() => parseDataSpec('synthetic:seed=1,noise=2'), 'INVALID_DATA_SPEC');
    expect(param.message).toMatch(/unknown synthetic parameter "noise"; valid parameters: seed, bars, symbols, family, signal, regimes/);
    expect(param.data).toMatchObject({ part: 'noise' });
  });

  it('rejects bad values', () => {
    const bad = [
      '',
      'csv:',
      'synthetic:seed=-1',
      'synthetic:bars=1.5',
      'synthetic:signal=1.2',
      'synthetic:regimes=0',
      'synthetic:seed',
      'synthetic:seed=1,seed=2',
      'synthetic:timeframe=1y',
      'synthetic:start=2010-13-01',
    ];
    for (const spec of bad) catchDomainError(() => parseDataSpec(spec), 'INVALID_DATA_SPEC');
    expect(catchDomainError(() => parseDataSpec('synthetic:signal=2'), 'INVALID_DATA_SPEC').message).toMatch(
      /signal must be a number from 0 to 1, got "2"/,
    );
  });

  it('synthetic families: defaults, and what each family refuses', () => {
    const params = (text: string) => {
      const d = parseDataSpec(text);
      if (d.kind !== 'synthetic') throw new Error('not synthetic');
      return d.params;
    };
    expect(params('synthetic:seed=1').family).toBe('momentum');
    expect(params('synthetic:seed=1,family=Mean_Reversion')).toMatchObject({ family: 'mean_reversion', signal: 0.3, regimes: 1 });
    expect(params('synthetic:family=mean_reversion,signal=0')).toMatchObject({ signal: 0 });
    expect(params('synthetic:family=regime_direction')).toMatchObject({ signal: 0.3, regimes: 2 });
    expect(params('synthetic:family=regime_direction,regimes=3,signal=0.5')).toMatchObject({ signal: 0.5, regimes: 3 });
    expect(params('synthetic:family=garch,signal=0')).toMatchObject({ family: 'garch', signal: 0, regimes: 1 });
    expect(catchDomainError(() => parseDataSpec('synthetic:family=trendy'), 'INVALID_DATA_SPEC').message).toMatch(
      /unknown family "trendy"; valid families: momentum, mean_reversion, regime_direction, random_walk, garch, vol_shift/,
    );
    for (const family of ['random_walk', 'garch', 'vol_shift']) {
      const e = catchDomainError(() => parseDataSpec(`synthetic:family=${family},signal=0.3`), 'INVALID_DATA_SPEC');
      expect(e.message).toContain(`family=${family} plants no signal`);
      expect(e.data).toMatchObject({ part: 'signal' });
      expect(catchDomainError(() => parseDataSpec(`synthetic:family=${family},regimes=2`), 'INVALID_DATA_SPEC').message).toContain(
        'regimes=2 does not apply',
      );
    }
    expect(catchDomainError(() => parseDataSpec('synthetic:family=regime_direction,regimes=1'), 'INVALID_DATA_SPEC').message).toContain(
      'regimes must be 2 or more',
    );
  });
});
