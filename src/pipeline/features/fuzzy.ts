import type { Membership } from '../../domain/strategy.js';

/**
 * Degree of membership (0..1) of every value of x; NaN in gives NaN out.
 *
 * - triangular [a, b, c]: 0 at a, 1 at b, 0 at c, linear in between, 0 outside. a == b (or
 *   a = -Infinity) is a left shoulder: 1 for every x <= b; b == c (or c = +Infinity) a right
 *   shoulder: 1 for every x >= b. a == b == c is both: 1 everywhere.
 * - trapezoidal [a, b, c, d]: ramps up a..b, 1 on b..c, ramps down c..d; a == b and c == d are
 *   left / right shoulders in the same way.
 * - gaussian [mean, sigma]: exp(-0.5 * ((x - mean) / sigma)^2).
 */
export function membership(m: Membership, x: Float64Array): Float64Array {
  const p = m.params;
  switch (m.type) {
    case 'triangular':
      return trapezoid(x, p[0]!, p[1]!, p[1]!, p[2]!);
    case 'trapezoidal':
      return trapezoid(x, p[0]!, p[1]!, p[2]!, p[3]!);
    case 'gaussian':
      return gaussian(x, p[0]!, p[1]!);
  }
}

function trapezoid(x: Float64Array, a: number, b: number, c: number, d: number): Float64Array {
  const out = new Float64Array(x.length);
  const leftShoulder = a === b || a === -Infinity;
  const rightShoulder = c === d || d === Infinity;
  const up = 1 / (b - a);
  const down = 1 / (d - c);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    let mu: number;
    if (v < b) mu = leftShoulder ? 1 : v <= a ? 0 : (v - a) * up;
    else if (v <= c) mu = 1;
    else mu = rightShoulder ? 1 : v >= d ? 0 : (d - v) * down;
    out[i] = v === v ? mu : NaN; // v !== v only for NaN
  }
  return out;
}

function gaussian(x: Float64Array, mean: number, sigma: number): Float64Array {
  const out = new Float64Array(x.length);
  const k = -0.5 / (sigma * sigma);
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - mean;
    out[i] = Math.exp(k * d * d);
  }
  return out;
}
