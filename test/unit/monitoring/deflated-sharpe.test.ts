import { describe, expect, it } from 'vitest';
import { deflatedSharpe, expectedMaxSharpe, normalCdf, normalInv, probabilisticSharpe } from '../../../src/monitoring/deflated-sharpe.js';

describe('deflated Sharpe ratio', () => {
  it('normal CDF and its inverse agree with published values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(normalInv(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalInv(0.01)).toBeCloseTo(-2.326348, 5);
    for (const p of [0.001, 0.2, 0.5, 0.9, 0.9999]) expect(normalCdf(normalInv(p))).toBeCloseTo(p, 6);
  });

  it('reproduces the numerical example of Bailey & López de Prado (2014)', () => {
    // Their example: 100 trials with annualised Sharpe variance 0.5 (daily: /250), five years of
    // daily returns (T = 1250), best annualised SR 2.5, skew -3, kurtosis 10. They report an
    // expected maximum SR of ~0.1132 per day (annualised ~1.79) and a DSR of ~0.9004.
    const variance = 0.5 / 250;
    const sr0 = expectedMaxSharpe(100, variance);
    expect(sr0 * Math.sqrt(250)).toBeCloseTo(1.79, 1);
    const dsr = probabilisticSharpe(2.5 / Math.sqrt(250), sr0, 1250, -3, 10);
    expect(dsr).toBeCloseTo(0.9004, 2);
  });

  it('more trials make the same record harder to accept', () => {
    const base = { sharpe: 0.08, observations: 750, skew: 0, kurtosis: 3 };
    const one = deflatedSharpe({ ...base, trialSharpes: [0.08] });
    const many = deflatedSharpe({ ...base, trialSharpes: Array.from({ length: 50 }, (_, i) => 0.08 * Math.cos(i)) });
    expect(one.benchmark_sharpe).toBe(0);
    expect(many.benchmark_sharpe).toBeGreaterThan(0);
    expect(many.dsr).toBeLessThan(one.dsr);
  });
});
