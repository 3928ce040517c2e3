// The training phase with the pipeline's plumbing (progress callback every 50 batches, abort
// signal checked every batch, event-loop yields) against the same training with none of it, on
// the same tensors. Runs alternate to cancel drift; the median of each is compared.
import { buildModel } from '../src/pipeline/model/build.js';
import { trainModel } from '../src/pipeline/model/train.js';
import { backend, canonicalStrategy, emit, median, randomMatrix } from './_shared.js';

const info = await backend();
const train = randomMatrix(16_000, 40, 1);
const val = randomMatrix(4_000, 40, 2);
const rounds = Number(process.env['ROUNDS'] ?? 9);

for (const batch of [32, 256]) {
  const s = canonicalStrategy(batch, 2);
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
  await run(true); // warm-up: kernels compiled, memory grown
  const bare: number[] = [];
  const piped: number[] = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(await run(false));
    piped.push(await run(true));
  }
  const b = median(bare);
  const p = median(piped);
  emit({
    bench: 'pipeline_overhead',
    backend: info.name,
    threads: info.threads,
    batch,
    bare_ms: +b.toFixed(1),
    pipeline_ms: +p.toFixed(1),
    overhead_pct: +((100 * (p - b)) / b).toFixed(2),
    rounds,
  });
}
