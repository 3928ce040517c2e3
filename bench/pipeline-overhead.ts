// The training phase with the pipeline's plumbing (progress callback every 50 batches, abort
// signal checked every batch, event-loop yields every 20 ms) against the same training with none
// of it, on the same tensors. Runs alternate; medians and minima are compared. Run-to-run jitter on
// a shared 2-core machine is several percent, more than the plumbing costs, so the plumbing is
// also timed directly (per-batch cost of its pieces in isolation) and set against the step time.
// Env: BATCHES ("32,256"), HIDDEN ("64x32"), ROWS (16000), ROUNDS (15), TRAINYARD_BACKEND. On a
// GPU (webgpu) the plumbing also reads the loss back at each progress report: a device sync.
import { buildModel } from '../src/pipeline/model/build.js';
import { trainModel } from '../src/pipeline/model/train.js';
import { backend, canonicalStrategy, emit, hiddenSizes, median, randomMatrix } from './_shared.js';

const info = await backend(Number(process.env['TRAINYARD_WASM_THREADS'] ?? 2));
const rows = Number(process.env['ROWS'] ?? 16_000);
const train = randomMatrix(rows, 40, 1);
const val = randomMatrix(rows / 4, 40, 2);
const rounds = Number(process.env['ROUNDS'] ?? 15);

/** Microseconds per batch of the plumbing alone: clock read + abort check every batch, one yield per 20 ms. */
async function plumbingMicros(stepMs: number): Promise<number> {
  const controller = new AbortController();
  const n = 200_000;
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    sink += performance.now();
    if (controller.signal.aborted) sink++;
  }
  const perBatch = ((performance.now() - t0) * 1000) / n;
  const yields = 2000;
  const t1 = performance.now();
  for (let i = 0; i < yields; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  const perYield = ((performance.now() - t1) * 1000) / yields;
  if (sink === -1) console.error(sink);
  // One yield per 20 ms of work, i.e. per (20 / stepMs) batches; progress (one loss read) per 50.
  return perBatch + perYield * Math.min(1, stepMs / 20);
}

for (const hidden of hiddenSizes(process.env['HIDDEN']))
  for (const batch of (process.env['BATCHES'] ?? '32,256').split(',').map(Number)) {
    const s = canonicalStrategy(batch, 2, hidden);
    const batches = Math.ceil(train.rows / batch) * 2;
    const run = async (plumbing: boolean) => {
      const model = buildModel(s.model, 40, 1);
      const controller = new AbortController();
      let reports = 0;
      const t0 = performance.now();
      await trainModel(model, train, val, {
        model: s.model,
        training: s.training,
        ...(plumbing
          ? { signal: controller.signal, onProgress: () => void reports++, progressEveryBatches: 50 }
          : { yieldEveryMs: Number.POSITIVE_INFINITY }),
      });
      const dt = performance.now() - t0;
      model.dispose();
      return dt;
    };
    await run(true); // warm-up: kernels set up, memory grown
    const bare: number[] = [];
    const piped: number[] = [];
    // ABBA order: whichever runs second inherits the first one's garbage, so alternate who goes first.
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        bare.push(await run(false));
        piped.push(await run(true));
      } else {
        piped.push(await run(true));
        bare.push(await run(false));
      }
    }
    const b = median(bare);
    const p = median(piped);
    const stepMs = b / batches;
    const micros = await plumbingMicros(stepMs);
    emit({
      bench: 'pipeline_overhead',
      backend: info.name,
      hidden: hidden.join('x'),
      batch,
      bare_ms: +b.toFixed(1),
      pipeline_ms: +p.toFixed(1),
      overhead_pct_median: +((100 * (p - b)) / b).toFixed(2),
      overhead_pct_fastest: +((100 * (Math.min(...piped) - Math.min(...bare))) / Math.min(...bare)).toFixed(2),
      jitter_pct: +((100 * (Math.max(...bare) - Math.min(...bare))) / Math.min(...bare)).toFixed(1),
      step_ms: +stepMs.toFixed(3),
      plumbing_us_per_batch: +micros.toFixed(2),
      plumbing_pct_direct: +((100 * micros) / 1000 / stepMs).toFixed(3),
      rounds,
    });
  }
