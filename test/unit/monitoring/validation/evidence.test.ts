import { describe, expect, it } from 'vitest';
import { TRAINING_GATE_PRESETS } from '../../../../src/domain/gates.js';
import type { ModelVersion } from '../../../../src/domain/model-version.js';
import { trainingGate } from '../../../../src/monitoring/gates.js';
import { bootstrapMeanCi, bootstrapSharpeCi } from '../../../../src/monitoring/validation/bootstrap.js';
import { classificationEvidence } from '../../../../src/monitoring/validation/evidence.js';
import { createRng } from '../../../../src/pipeline/random.js';

// Markets written for this test only (none of trainyard's synthetic families): GARCH(1,1) returns
// with Student-t(5) shocks and an optional AR(1) term in the returns.
function market(n: number, seed: number, ar: number): Float64Array {
  const rng = createRng(seed);
  const r = new Float64Array(n);
  let v = 1e-4;
  for (let t = 0; t < n; t++) {
    // Student-t(5) scaled to unit variance.
    let chi = 0;
    for (let k = 0; k < 5; k++) chi += rng.normal() ** 2;
    const shock = (rng.normal() / Math.sqrt(chi / 5)) * Math.sqrt(3 / 5);
    const prev = t ? r[t - 1]! : 0;
    v = 2e-6 + 0.08 * prev * prev + 0.9 * v;
    r[t] = ar * prev + Math.sqrt(v) * shock;
  }
  return r;
}

/** Three-class labels of the forward h-bar return (down / flat / up), thresholds near a third each. */
function labels(r: Float64Array, h: number): Int32Array {
  const fwd = Float64Array.from({ length: r.length - h }, (_, t) => {
    let s = 0;
    for (let k = 1; k <= h; k++) s += r[t + k]!;
    return s;
  });
  const sd = Math.sqrt(fwd.reduce((s, v) => s + v * v, 0) / fwd.length);
  return Int32Array.from(fwd, (v) => (v > 0.43 * sd ? 2 : v < -0.43 * sd ? 0 : 1));
}

/**
 * An honest little model fitted on the first 70%: the class frequencies of the training labels in
 * each quintile of a feature of the past (Laplace-smoothed), predicting the most frequent class of
 * the feature's quintile. Then the gate's evidence on the rest (after a purge of h bars).
 */
function evaluate(r: Float64Array, h: number, seed: number, feature: (t: number) => number) {
  const y = labels(r, h);
  const start = 20;
  const split = Math.floor(y.length * 0.7);
  const trainX = Float64Array.from({ length: split - start }, (_, i) => feature(start + i)).sort();
  const edges = [0.2, 0.4, 0.6, 0.8].map((q) => trainX[Math.floor(q * trainX.length)]!);
  const bin = (v: number) => edges.filter((e) => v > e).length;
  const freq = Array.from({ length: 5 }, () => [1, 1, 1]);
  const counts = [0, 0, 0];
  for (let t = start; t < split; t++) {
    freq[bin(feature(t))]![y[t]!]! += 1;
    counts[y[t]!]! += 1;
  }
  const majority = counts.indexOf(Math.max(counts[0]!, counts[1]!, counts[2]!));
  const test = y.subarray(split + h);
  const n = test.length;
  const probs = new Float32Array(n * 3);
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const f = freq[bin(feature(split + h + i))]!;
    const z = f[0]! + f[1]! + f[2]!;
    for (let c = 0; c < 3; c++) probs[i * 3 + c] = f[c]! / z;
    pred[i] = f[2]! >= f[0]! && f[2]! >= f[1]! ? 2 : f[0]! >= f[1]! ? 0 : 1;
  }
  return classificationEvidence({
    y: test,
    probs,
    pred,
    baselineClass: majority,
    trainCounts: counts,
    horizon: h,
    segment: new Int32Array(n),
    seed,
  });
}

const gateOn = (ev: ReturnType<typeof evaluate>) =>
  trainingGate(
    {
      metrics: { training: {}, validation: {}, test: { accuracy: ev.accuracy.value, significance: ev } },
    } as unknown as ModelVersion,
    TRAINING_GATE_PRESETS.calibrated,
    new Date(0),
  );

describe('training gate evidence (both error rates, independent realisations)', () => {
  it('noise: a model reading the past of a GARCH market passes about 1% of the time or less, horizons 1 and 10', () => {
    for (const h of [1, 10]) {
      let passed = 0;
      let edgeSignificant = 0;
      const runs = 150;
      for (let s = 0; s < runs; s++) {
        const r = market(3000, 10_000 + s, 0);
        const past = (t: number) => r[t]! + r[t - 1]! + r[t - 2]!;
        const ev = evaluate(r, h, s, past);
        if (ev.direction.edge.p_value < 0.01) edgeSignificant++;
        if (gateOn(ev).passed) passed++;
      }
      // One test at 1% alone rejects a little more than 1% (heavy tails); both at 5% far less.
      expect(edgeSignificant / runs).toBeLessThanOrEqual(0.04);
      expect(passed / runs).toBeLessThanOrEqual(0.02);
    }
  });

  it('a real edge: mean-reverting returns read through the last return pass in nearly every realisation', () => {
    let passed = 0;
    const runs = 40;
    for (let s = 0; s < runs; s++) {
      const r = market(3000, 20_000 + s, -0.3);
      const ev = evaluate(r, 1, s, (t) => r[t]!);
      if (gateOn(ev).passed) passed++;
    }
    expect(passed / runs).toBeGreaterThanOrEqual(0.9);
  });

  it('reports p, z, the effective sample size and a bootstrap interval per check', () => {
    const r = market(3000, 7, -0.3);
    const g = gateOn(evaluate(r, 1, 7, (t) => r[t]!));
    expect(g.passed).toBe(true);
    const edge = g.checks.find((c) => c.name === 'edge_over_baseline')!;
    expect(edge.p_value).toBeLessThan(0.01);
    expect(edge.n_eff).toBeGreaterThan(100);
    expect(edge.ci_low!).toBeLessThan(edge.value!);
    expect(edge.ci_high!).toBeGreaterThan(edge.value!);
    expect(edge.reason).toMatch(/^edge_over_baseline_ok \(\+\d+\.\d pts >= \+2\.0 pts, p .* <= 0\.05; z .* effective samples; 95% CI/);
    const ll = g.checks.find((c) => c.name === 'log_loss_improvement')!;
    expect(ll.reason).toMatch(/^log_loss_improvement_ok \(\+0\.\d+ nats >= \+0\.0050 nats, p .* <= 0\.05; /);
  });

  it('with require_all_evidence false either check may show the edge; the other is reported, not required', () => {
    const ev = evaluate(market(3000, 7, -0.3), 1, 7, () => 0);
    // A model with a flat feature: no edge, nothing significant.
    const none = trainingGate(
      { metrics: { training: {}, validation: {}, test: { significance: ev } } } as unknown as ModelVersion,
      { ...TRAINING_GATE_PRESETS.calibrated, require_all_evidence: false },
      new Date(0),
    );
    expect(none.passed).toBe(false);
    const forged = {
      ...ev,
      direction: { ...ev.direction, edge: { ...ev.direction.edge, value: 0.1, p_value: 0.001, z: 3.1 } },
    };
    const one = trainingGate(
      { metrics: { training: {}, validation: {}, test: { significance: forged } } } as unknown as ModelVersion,
      { ...TRAINING_GATE_PRESETS.calibrated, require_all_evidence: false },
      new Date(0),
    );
    expect(one.passed).toBe(true);
    expect(one.checks[1]!.reason).toMatch(/^log_loss_improvement_not_required \(.*; edge_over_baseline shows the edge\)$/);
    expect(one.checks.map((c) => c.name)).toEqual(['edge_over_baseline', 'log_loss_improvement']);
  });
});

describe('block bootstrap', () => {
  it('covers the true mean about 95% of the time on overlapping sums (and iid resampling would not)', () => {
    let covered = 0;
    const runs = 200;
    for (let s = 0; s < runs; s++) {
      const rng = createRng(500 + s);
      const e = Float64Array.from({ length: 1010 }, () => rng.normal());
      const x = Float64Array.from({ length: 1000 }, (_, i) => e.subarray(i, i + 10).reduce((a, b) => a + b, 0));
      const ci = bootstrapMeanCi(x, { horizon: 10, seed: s, resamples: 500 });
      if (ci.low <= 0 && ci.high >= 0) covered++;
    }
    // Block bootstraps under-cover a little at this length; a row bootstrap covers about 55%.
    expect(covered / runs).toBeGreaterThan(0.85);
  });

  it('gives a Sharpe interval as wide as the sampling error sqrt(252 / n)', () => {
    const rng = createRng(3);
    const r = Float64Array.from({ length: 1008 }, () => 0.0005 + 0.01 * rng.normal());
    const ci = bootstrapSharpeCi(r, 252, { seed: 1 });
    const width = ci.high - ci.low;
    expect(width / (2 * 1.96 * Math.sqrt(252 / 1008))).toBeGreaterThan(0.8);
    expect(width / (2 * 1.96 * Math.sqrt(252 / 1008))).toBeLessThan(1.25);
    expect(bootstrapSharpeCi(r, 252, { seed: 1 })).toEqual(ci);
  });
});
