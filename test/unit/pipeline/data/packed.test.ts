import { describe, expect, it } from 'vitest';
import { generateSynthetic, SYNTHETIC_DEFAULTS } from '../../../../src/pipeline/data/index.js';
import { packBars, packedSize, unpackBars } from '../../../../src/pipeline/data/packed.js';

describe('packed bars (a store: job carries them to a remote worker)', () => {
  it('round-trips every value exactly, NaN and infinities included, in about 10.7 characters a value', () => {
    const series = generateSynthetic({ ...SYNTHETIC_DEFAULTS, bars: 1000, symbols: 2 });
    series[0]!.volume[3] = Number.NaN;
    series[1]!.close[7] = Number.POSITIVE_INFINITY;
    const packed = packBars({ series, timeframe: '1d' });
    const back = unpackBars(JSON.parse(JSON.stringify(packed)) as typeof packed);
    expect(back.timeframe).toBe('1d');
    expect(back.series).toEqual(series);
    expect(Number.isNaN(back.series[0]!.volume[3])).toBe(true);
    // 2 symbols x 6 columns x 1000 float64s, base64 (4 characters per 3 bytes), plus the names.
    expect(packedSize(packed)).toBe(2 * 6 * Math.ceil(8000 / 3) * 4 + 'SYN1SYN2'.length);
  });
});
