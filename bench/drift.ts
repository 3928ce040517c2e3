// Drift check statistics: PSI for 50 features x 100,000 current rows against 10-bin references
// frozen from 100,000 training rows, plus a KS test of 100,000 current prediction scores against
// the 2,000-score reference sample (what a model stores). The data arrive row-major, as the
// pipeline assembles them, so the column extraction is timed too. Target: <= 200 ms.
import { featureReference, columnOf } from '../src/pipeline/artifacts/reference.js';
import { ksTwoSample, psiMatrix } from '../src/monitoring/drift.js';
import { createRng } from '../src/pipeline/random.js';
import { emit, median } from './_shared.js';

const ROWS = Number(process.env['ROWS'] ?? 100_000);
const COLS = Number(process.env['FEATURES'] ?? 50);
const rng = createRng(7);
const matrix = (shift: number) => Float64Array.from({ length: ROWS * COLS }, (_, i) => rng.normal() + (i % COLS < 5 ? shift : 0));
const train = matrix(0);
const current = matrix(0.5); // five features shifted: the check must find exactly those
const refs = Array.from({ length: COLS }, (_, j) => featureReference(`f${j}`, columnOf(train, ROWS, COLS, j), 10));
const refScores = Float64Array.from({ length: 2000 }, () => rng.normal() * 0.3).sort();
const scores = Float64Array.from({ length: ROWS }, () => rng.normal() * 0.3 + 0.05);

let drifted = 0;
const times: number[] = [];
const cpu: number[] = [];
for (let round = 0; round < 6; round++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  drifted = psiMatrix(refs, current, ROWS, COLS).filter((v) => v > 0.2).length;
  ksTwoSample(refScores, scores);
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const rest = times.slice(1);
emit({
  bench: 'drift',
  features: COLS,
  rows: ROWS,
  median_ms: +median(rest).toFixed(1),
  best_ms: +Math.min(...rest).toFixed(1),
  // CPU time of this thread's work: the wall figure on a machine shared with other jobs overstates it.
  cpu_median_ms: +median(cpu.slice(1)).toFixed(1),
  drifted_features_found: drifted,
  target_ms: 200,
});
