/** A seeded pseudo-random stream. Same seed, same sequence, on every platform. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (mean 0, variance 1). */
  normal(): number;
}

/**
 * mulberry32: 32-bit state, passes the usual statistical batteries well enough for shuffling,
 * dropout masks and synthetic data, and is trivially reproducible (no platform-dependent floats
 * in the state update). Normals come from Box-Muller; the second value of each pair is kept.
 */
export function createRng(seed: number): Rng {
  let state = mixSeed(seed);
  let spare: number | undefined;

  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = next();
    while (u === 0) u = next(); // log(0) is -Infinity
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };

  return { next, normal };
}

/**
 * A seed for an independent sub-stream (e.g. one per synthetic symbol): the parent seed and the
 * stream index are mixed so that neighbouring seeds/indices give unrelated streams.
 */
export function deriveSeed(seed: number, stream: number): number {
  return mixSeed(mixSeed(seed) ^ Math.imul(stream + 1, 0x9e3779b9));
}

/** murmur3 finaliser over the low 32 bits of any finite number. */
function mixSeed(seed: number): number {
  const n = Number.isFinite(seed) ? Math.trunc(seed) : 0;
  let h = (n % 4294967296) >>> 0;
  h ^= Math.floor(n / 4294967296) >>> 0; // keep high bits of large seeds
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
