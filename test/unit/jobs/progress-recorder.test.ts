import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgressRecorder } from '../../../src/jobs/progress-recorder.js';
import type { PipelineProgress } from '../../../src/pipeline/result.js';
import { harness } from '../../fixtures/jobs/harness.js';

const training = (batch: number, extra: Partial<PipelineProgress> = {}): PipelineProgress => ({
  phase: 'model_training',
  progress_pct: 10 + batch,
  message: `batch ${batch}`,
  epoch: 1,
  batch,
  loss: 1 / batch,
  ...extra,
});

describe('progress recorder', () => {
  afterEach(() => vi.useRealTimers());

  it('writes phase changes at once, other updates at most once per interval, and the last one on flush', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { operations } = harness();
    const id = operations.create({ type: 'training', params: {} }).id;
    const update = vi.spyOn(operations, 'update');
    const rec = createProgressRecorder(operations, id, () => new Date('2026-01-02T03:04:05Z'), 250);

    rec.record({ phase: 'data_preparation', progress_pct: 1, message: 'loading' });
    rec.record(training(1)); // phase change: written at once
    expect(update).toHaveBeenCalledTimes(2);
    for (let b = 2; b <= 50; b++) rec.record(training(b)); // all within the same 250 ms
    expect(update).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(250); // the throttle timer writes the latest one
    expect(update).toHaveBeenCalledTimes(3);
    expect(operations.get(id)).toMatchObject({ phase: 'model_training', message: 'batch 50' });

    rec.record(training(51, { val_loss: 0.5, val_accuracy: 0.6 })); // an epoch end...
    rec.record(training(52)); // ...then a mid-epoch update in the same window
    expect(update).toHaveBeenCalledTimes(3);
    rec.flush();
    expect(update).toHaveBeenCalledTimes(4);
    const row = operations.get(id);
    expect(row).toMatchObject({ message: 'batch 52', progress_pct: 62 });
    // Metrics keep the latest value of each (val_loss from the update that was never written on its own).
    expect(row.metrics).toMatchObject({ batch: 52, val_loss: 0.5, val_accuracy: 0.6, epoch: 1 });
    expect(row.metrics!['phases']).toEqual({ data_preparation: '2026-01-02T03:04:05.000Z', model_training: '2026-01-02T03:04:05.000Z' });
    rec.flush(); // nothing pending: no write
    vi.advanceTimersByTime(1000);
    expect(update).toHaveBeenCalledTimes(4);
  });
});
