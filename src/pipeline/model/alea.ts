/**
 * Alea (Johannes Baagøe, 2010, MIT licence), as seedrandom.alea implements it: the generator
 * behind TensorFlow.js's seeded `tf.randomUniform` and therefore `tf.dropout(x, rate, _, seed)`.
 * With it the fast training step draws the same dropout masks in JS that the tape path draws on
 * the device, without a random-uniform op and three mask kernels per layer.
 */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000; // 2^32
    }
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  };
}

/** Alea's seeded state [s0, s1, s2, c], as seedrandom.alea(String(seed)) starts. */
function seedState(seed: number | string): [number, number, number, number] {
  const m = mash();
  const key = String(seed);
  let s0 = m(' ');
  let s1 = m(' ');
  let s2 = m(' ');
  s0 -= m(key);
  if (s0 < 0) s0 += 1;
  s1 -= m(key);
  if (s1 < 0) s1 += 1;
  s2 -= m(key);
  if (s2 < 0) s2 += 1;
  return [s0, s1, s2, 1];
}

/** Uniform [0, 1) numbers from a seed, exactly as seedrandom.alea(String(seed)) yields them. */
export function alea(seed: number | string): () => number {
  let [s0, s1, s2, c] = seedState(seed);
  return () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    return (s2 = t - (c = t | 0));
  };
}

/**
 * The smallest float32 f with fround(f + keep) >= 1: tf.dropout keeps a unit when
 * floor(u + keep) = 1 in float32, i.e. exactly when fround(u) >= this threshold.
 */
export function keepThreshold(keep: number): number {
  const f = new Float32Array(1);
  const bits = new Int32Array(f.buffer); // positive floats order as their bit patterns
  f[0] = 1 - keep;
  while (f[0]! > 0 && Math.fround(f[0]! + keep) >= 1) bits[0]!--;
  while (Math.fround(f[0]! + keep) < 1) bits[0]!++;
  return f[0]!;
}

/**
 * Fills `out[0, n)` with the multiplier `tf.dropout(x, rate, undefined, seed)` applies to an x of
 * n elements: floor(u + keep) / keep in float32, u the seeded uniforms in row-major order, so
 * 0 or fround(1 / keep). Bit-identical to the device's mask. The generator runs inline on locals
 * and the keep test is branch-free: a closure over the state and a branch on a random bit cost
 * about twice as much per draw (24,576 draws a step at batch 256).
 */
export function dropoutMask(out: Float32Array, n: number, rate: number, seed: number): void {
  let [s0, s1, s2, c] = seedState(seed);
  const keep = Math.fround(1 - rate);
  const scale = Math.fround(1 / keep);
  const threshold = keepThreshold(keep);
  for (let i = 0; i < n; i++) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    out[i] = scale * Number(Math.fround(s2) >= threshold);
  }
}
