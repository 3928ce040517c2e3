import { describe, expect, it } from 'vitest';
import type { Membership } from '../../../../src/domain/strategy.js';
import { membership } from '../../../../src/pipeline/features/index.js';

const mu = (m: Membership, xs: number[]) => Array.from(membership(m, Float64Array.from(xs)));
const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));

describe('fuzzy membership', () => {
  it('triangular', () => {
    const m: Membership = { type: 'triangular', params: [0, 25, 40] };
    close(mu(m, [-1, 0, 12.5, 25, 32.5, 40, 50]), [0, 0, 0.5, 1, 0.5, 0, 0]);
  });

  it('triangular shoulders give 1 beyond the peak side', () => {
    close(mu({ type: 'triangular', params: [0, 0, 30] }, [-10, 0, 15, 30, 40]), [1, 1, 0.5, 0, 0]);
    close(mu({ type: 'triangular', params: [70, 100, 100] }, [60, 70, 85, 100, 120]), [0, 0, 0.5, 1, 1]);
    close(mu({ type: 'triangular', params: [-Infinity, 0, 1] }, [-1e9, 0, 0.5, 2]), [1, 1, 0.5, 0]);
    close(mu({ type: 'triangular', params: [5, 5, 5] }, [0, 5, 10]), [1, 1, 1]);
  });

  it('trapezoidal, with shoulders', () => {
    close(mu({ type: 'trapezoidal', params: [1, 2, 3, 4] }, [0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5]), [0, 0, 0.5, 1, 1, 1, 0.5, 0, 0]);
    close(mu({ type: 'trapezoidal', params: [-1, -1, 0, 0.2] }, [-5, -1, 0, 0.1, 1]), [1, 1, 1, 0.5, 0]);
    close(mu({ type: 'trapezoidal', params: [0, 1, 2, 2] }, [0.5, 5]), [0.5, 1]);
  });

  it('gaussian', () => {
    close(mu({ type: 'gaussian', params: [0, 1] }, [0, 1, -2]), [1, Math.exp(-0.5), Math.exp(-2)]);
    close(mu({ type: 'gaussian', params: [50, 5] }, [55]), [Math.exp(-0.5)]);
  });

  it('NaN in gives NaN out, for every shape', () => {
    const shapes: Membership[] = [
      { type: 'triangular', params: [0, 1, 2] },
      { type: 'triangular', params: [0, 0, 2] },
      { type: 'triangular', params: [0, 2, 2] },
      { type: 'trapezoidal', params: [0, 1, 2, 3] },
      { type: 'gaussian', params: [0, 1] },
    ];
    for (const m of shapes) {
      const out = mu(m, [NaN, 1, NaN]);
      expect(out[0]).toBeNaN();
      expect(out[2]).toBeNaN();
      expect(Number.isFinite(out[1])).toBe(true);
    }
  });
});
