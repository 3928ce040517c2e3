import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../../src/pipeline/random.js';
import { generateSynthetic } from '../../../../src/pipeline/data/synthetic.js';
import {
  parseDataSpec,
  SYNTHETIC_DEFAULTS,
  SYNTHETIC_FAMILIES,
  UNPREDICTABLE_FAMILIES,
  type SyntheticParams,
} from '../../../../src/pipeline/data/spec.js';
import { hashBars } from '../../../../src/pipeline/data/hash.js';
import { inferTimeframe } from '../../../../src/pipeline/data/timeframe.js';
import type { Bars } from '../../../../src/pipeline/data/types.js';

const gen = (p: Partial<SyntheticParams>) => generateSynthetic({ ...SYNTHETIC_DEFAULTS, ...p });

/** Share of bars where the sign of the past 5-bar return matches the sign of the next 5-bar return. */
function momentumHitRate(bars: Bars): number {
  const c = bars.close;
  let hits = 0;
  let n = 0;
  for (let t = 5; t + 5 < c.length; t++) {
    const past = Math.log((c[t] ?? 1) / (c[t - 5] ?? 1));
    const next = Math.log((c[t + 5] ?? 1) / (c[t] ?? 1));
    if (Math.sign(past) === Math.sign(next)) hits++;
    n++;
  }
  return hits / n;
}

describe('createRng', () => {
  it('is deterministic, uniform in [0,1) and has standard normals', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 20_000 }, () => a.next());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    const zs = Array.from({ length: 20_000 }, () => a.normal());
    const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
    const variance = zs.reduce((s, z) => s + (z - mean) ** 2, 0) / zs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
    expect(createRng(43).next()).not.toBe(createRng(42).next());
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
  });
});

describe('generateSynthetic', () => {
  it('same seed -> identical bars; different seed -> different bars', () => {
    const a = gen({ seed: 5, bars: 500, symbols: 2, signal: 0.3, regimes: 2 });
    const b = gen({ seed: 5, bars: 500, symbols: 2, signal: 0.3, regimes: 2 });
    const c = gen({ seed: 6, bars: 500, symbols: 2, signal: 0.3, regimes: 2 });
    expect(hashBars(a)).toBe(hashBars(b));
    expect(Array.from(a[1]?.close ?? [])).toEqual(Array.from(b[1]?.close ?? []));
    expect(hashBars(c)).not.toBe(hashBars(a));
    expect(a.map((s) => s.symbol)).toEqual(['SYN1', 'SYN2']);
    expect(a[0]?.close[10]).not.toBe(a[1]?.close[10]);
    // adding symbols does not change the earlier ones
    const three = gen({ seed: 5, bars: 500, symbols: 3, signal: 0.3, regimes: 2 });
    expect(hashBars(three.slice(0, 2))).toBe(hashBars(a));
  });

  it('produces valid OHLCV over 10k bars and several regimes', () => {
    for (const regimes of [1, 3]) {
      const [bars] = gen({ seed: 11, bars: 10_000, regimes, signal: 0.3 });
      if (!bars) throw new Error('no bars');
      for (let i = 0; i < bars.time.length; i++) {
        const [o, h, l, c, v] = [bars.open[i] ?? 0, bars.high[i] ?? 0, bars.low[i] ?? 0, bars.close[i] ?? 0, bars.volume[i] ?? 0];
        if (!(l > 0 && h >= Math.max(o, c) && l <= Math.min(o, c) && v > 0 && Number.isFinite(h))) {
          throw new Error(`bar ${i} invalid: ${o} ${h} ${l} ${c} ${v}`);
        }
        // time increases; open near the previous close
        if (i > 0 && !((bars.time[i] ?? 0) > (bars.time[i - 1] ?? 0) && Math.abs(Math.log(o / (bars.close[i - 1] ?? 1))) < 0.05)) {
          throw new Error(`bar ${i}: time or open out of line`);
        }
      }
    }
  });

  it('volatility regimes show up as different return sizes', () => {
    const [calm] = gen({ seed: 2, bars: 6000, regimes: 1 });
    const [regimes] = gen({ seed: 2, bars: 6000, regimes: 3 });
    const absReturns = (b: Bars | undefined) => {
      const c = b?.close ?? new Float64Array();
      return Array.from({ length: c.length - 1 }, (_, i) => Math.abs(Math.log((c[i + 1] ?? 1) / (c[i] ?? 1))));
    };
    // rolling 50-bar mean of |r|: its spread is far wider with regimes than without
    const spread = (xs: number[]) => {
      const means: number[] = [];
      for (let i = 0; i + 50 <= xs.length; i += 50) means.push(xs.slice(i, i + 50).reduce((s, x) => s + x, 0) / 50);
      return Math.max(...means) / Math.min(...means);
    };
    expect(spread(absReturns(regimes))).toBeGreaterThan(spread(absReturns(calm)) * 1.5);
  });

  it('daily bars skip weekends and infer as 1d; hourly bars run on', () => {
    const [daily] = gen({ bars: 30, start: '2010-01-01' });
    const days = Array.from(daily?.time ?? []).map((t) => new Date(t).getUTCDay());
    expect(days).not.toContain(0);
    expect(days).not.toContain(6);
    expect(new Date(daily?.time[0] ?? 0).toISOString()).toBe('2010-01-01T00:00:00.000Z');
    expect(inferTimeframe(daily?.time ?? new Float64Array())).toBe('1d');
    const [hourly] = gen({ bars: 30, timeframe: '1h' });
    expect((hourly?.time[1] ?? 0) - (hourly?.time[0] ?? 0)).toBe(3_600_000);
  });

  it('signal=0 leaves nothing predictable; signal=0.3 makes past momentum predict the 5-bar forward return', () => {
    const none = gen({ seed: 21, bars: 20_000, signal: 0 });
    const planted = gen({ seed: 21, bars: 20_000, signal: 0.3 });
    const hitNone = momentumHitRate(none[0] as Bars);
    const hitPlanted = momentumHitRate(planted[0] as Bars);
    expect(Math.abs(hitNone - 0.5)).toBeLessThan(0.02);
    expect(hitPlanted).toBeGreaterThan(0.6);
    // lag-1 autocorrelation of returns is ~0 without signal
    const c = none[0]?.close ?? new Float64Array();
    const r = Array.from({ length: c.length - 1 }, (_, i) => Math.log((c[i + 1] ?? 1) / (c[i] ?? 1)));
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    let num = 0;
    let den = 0;
    for (let i = 0; i < r.length; i++) {
      den += ((r[i] ?? 0) - mean) ** 2;
      if (i > 0) num += ((r[i] ?? 0) - mean) * ((r[i - 1] ?? 0) - mean);
    }
    expect(Math.abs(num / den)).toBeLessThan(0.03);
  });
});

const spec = (text: string) => {
  const parsed = parseDataSpec(text);
  if (parsed.kind !== 'synthetic') throw new Error('not synthetic');
  return generateSynthetic(parsed.params);
};
const logReturns = (b: Bars) => Array.from({ length: b.close.length - 1 }, (_, i) => Math.log((b.close[i + 1] ?? 1) / (b.close[i] ?? 1)));

/** Lag-k autocorrelation with a standard error that holds under volatility clustering (White). */
function autocorrelation(x: number[], lag: number): { ac: number; se: number } {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  let num = 0;
  let den = 0;
  let sq = 0;
  for (let i = 0; i < x.length; i++) {
    den += ((x[i] ?? 0) - m) ** 2;
    if (i >= lag) {
      const p = ((x[i] ?? 0) - m) * ((x[i - lag] ?? 0) - m);
      num += p;
      sq += p * p;
    }
  }
  return { ac: num / den, se: Math.sqrt(sq) / den };
}

function excessKurtosis(x: number[]): number {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  let m2 = 0;
  let m4 = 0;
  for (const v of x) {
    m2 += (v - m) ** 2;
    m4 += (v - m) ** 4;
  }
  m2 /= x.length;
  m4 /= x.length;
  return m4 / (m2 * m2) - 3;
}

function validOhlcv(bars: Bars): void {
  for (let i = 0; i < bars.time.length; i++) {
    const [o, h, l, c, v] = [bars.open[i] ?? 0, bars.high[i] ?? 0, bars.low[i] ?? 0, bars.close[i] ?? 0, bars.volume[i] ?? 0];
    if (!(l > 0 && l <= Math.min(o, c) && Math.max(o, c) <= h && v > 0 && Number.isFinite(h))) {
      throw new Error(`bar ${i} invalid: ${o} ${h} ${l} ${c} ${v}`);
    }
  }
}

const SEEDS = [1, 2, 3];

describe('synthetic families', () => {
  it('each family is reproducible per seed, differs across seeds and keeps the OHLCV invariants', () => {
    for (const family of SYNTHETIC_FAMILIES) {
      const a = spec(`synthetic:seed=4,bars=3000,symbols=2,family=${family}`);
      expect(hashBars(spec(`synthetic:seed=4,bars=3000,symbols=2,family=${family}`))).toBe(hashBars(a));
      expect(hashBars(spec(`synthetic:seed=5,bars=3000,symbols=2,family=${family}`))).not.toBe(hashBars(a));
      for (const bars of a) {
        expect(bars.close.length).toBe(3000);
        validOhlcv(bars);
      }
    }
  });

  it('momentum is the default and unchanged: family=momentum gives the same bars as no family', () => {
    expect(hashBars(spec('synthetic:seed=7,bars=2000,signal=0.3,regimes=2,family=momentum'))).toBe(
      hashBars(spec('synthetic:seed=7,bars=2000,signal=0.3,regimes=2')),
    );
  });

  it('mean_reversion: the lag-1 autocorrelation of returns is -signal', () => {
    for (const signal of [0.3, 0.5]) {
      for (const seed of SEEDS) {
        const r = logReturns(spec(`synthetic:seed=${seed},bars=20000,family=mean_reversion,signal=${signal}`)[0]!);
        expect(autocorrelation(r, 1).ac).toBeCloseTo(-signal, 1);
        expect(Math.abs(autocorrelation(r, 1).ac + signal)).toBeLessThan(0.03);
      }
    }
  });

  it('regime_direction: momentum when calm, reversion when wild; knowing the regime is worth far more than the last return alone', () => {
    for (const seed of SEEDS) {
      const r = logReturns(spec(`synthetic:seed=${seed},bars=20000,family=regime_direction`)[0]!);
      let calmN = 0;
      let calmD = 0;
      let wildN = 0;
      let wildD = 0;
      let follow = 0;
      let aware = 0;
      for (let i = 21; i < r.length; i++) {
        let ss = 0;
        for (let j = i - 20; j < i; j++) ss += (r[j] ?? 0) ** 2;
        // trailing 20-bar volatility under the middle level (1% a day) reads as the calm regime
        const calm = Math.sqrt(ss / 20) < 0.01;
        const prev = r[i - 1] ?? 0;
        const cur = r[i] ?? 0;
        if (calm) {
          calmN += prev * cur;
          calmD += prev * prev;
        } else {
          wildN += prev * cur;
          wildD += prev * prev;
        }
        follow += Math.sign(prev) * cur;
        aware += (calm ? 1 : -1) * Math.sign(prev) * cur;
      }
      expect(calmN / calmD).toBeGreaterThan(0.12);
      expect(wildN / wildD).toBeLessThan(-0.12);
      // trading the last bar's sign without the regime earns far less than with it
      expect(Math.abs(follow)).toBeLessThan(aware * 0.75);
    }
  });

  it('random_walk, garch and vol_shift: no lag 1..5 autocorrelation of returns beyond noise', () => {
    for (const family of UNPREDICTABLE_FAMILIES) {
      for (const seed of SEEDS) {
        const r = logReturns(spec(`synthetic:seed=${seed},bars=20000,family=${family}`)[0]!);
        for (let lag = 1; lag <= 5; lag++) {
          const { ac, se } = autocorrelation(r, lag);
          expect(Math.abs(ac), `${family} seed ${seed} lag ${lag}: ${ac} (se ${se})`).toBeLessThan(4 * se);
        }
      }
    }
  });

  it('garch clusters volatility (|r| autocorrelated) with fat tails; random_walk has neither', () => {
    for (const seed of SEEDS) {
      const g = logReturns(spec(`synthetic:seed=${seed},bars=20000,family=garch`)[0]!);
      expect(autocorrelation(g.map(Math.abs), 1).ac).toBeGreaterThan(0.1);
      expect(excessKurtosis(g)).toBeGreaterThan(2);
      const w = logReturns(spec(`synthetic:seed=${seed},bars=20000,family=random_walk`)[0]!);
      expect(Math.abs(autocorrelation(w.map(Math.abs), 1).ac)).toBeLessThan(0.03);
      expect(Math.abs(excessKurtosis(w))).toBeLessThan(0.2);
      const v = logReturns(spec(`synthetic:seed=${seed},bars=20000,family=vol_shift`)[0]!);
      expect(autocorrelation(v.map(Math.abs), 1).ac).toBeGreaterThan(0.1);
    }
  });
});
