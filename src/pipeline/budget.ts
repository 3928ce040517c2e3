import { checkLimit, type Limits } from '../config/limits.js';
import { DomainError } from '../domain/errors.js';
import type { Strategy } from '../domain/strategy.js';
import { NUM_CLASSES } from './model/build.js';

/** Feature columns the strategy yields (the order and rules of features/build.ts), known before any data. */
export function featureCount(strategy: Strategy): number {
  const { fuzzy, raw, lagged_returns: lags } = strategy.features;
  let n = raw.length + lags.length;
  if (fuzzy) for (const sets of Object.values(strategy.fuzzy_sets)) n += Object.keys(sets).length;
  return n;
}

/** Weights and biases of the MLP model/build.ts builds: inputs -> hidden layers -> 3-class softmax. */
export function parameterCount(hiddenLayers: readonly number[], inputs: number): number {
  let total = 0;
  let width = inputs;
  for (const units of [...hiddenLayers, NUM_CLASSES]) {
    total += width * units + units;
    width = units;
  }
  return total;
}

// Per bar and per value: the float64 indicator and feature columns (8 bytes), then float32 copies of
// the sample matrix, its split parts, their scaled versions and the tensors (4 x 4 bytes): about 3 x 8.
// OHLCV and time add 6 float64 columns per bar.
const BYTES_PER_VALUE = 8;
const COPIES = 3;
const BAR_COLUMNS = 6;

/** Estimated MB a training job's data takes as typed arrays (outside the V8 heap) for `bars` bars in all. */
export function memoryEstimateMb(bars: number, features: number): number {
  return Math.ceil((bars * (features + BAR_COLUMNS) * BYTES_PER_VALUE * COPIES) / (1024 * 1024));
}

/** What a training run costs the optimizer: samples seen (x epochs) and steps (batches x epochs). */
export function trainingCost(trainRows: number, epochs: number, batchSize: number): { sample_epochs: number; steps: number } {
  return { sample_epochs: trainRows * epochs, steps: Math.ceil(trainRows / batchSize) * epochs };
}

/** The strategy's own limits, checkable before any data: network size and batch size. */
export function checkStrategyLimits(limits: Limits, strategy: Strategy): void {
  const inputs = featureCount(strategy);
  const params = parameterCount(strategy.model.hidden_layers, inputs);
  checkLimit(
    limits,
    'model_parameters',
    `The network ${inputs} -> ${strategy.model.hidden_layers.join(' -> ')} -> ${NUM_CLASSES} has too many parameters`,
    params,
    'Use fewer or narrower hidden_layers, or fewer features.',
  );
  const batch = strategy.training.batch_size;
  if (batch < limits.min_batch_size)
    throw new DomainError(
      'LIMIT_EXCEEDED',
      `training.batch_size ${batch} is below the smallest allowed, ${limits.min_batch_size} (config limits.min_batch_size). ` +
        `Use batch_size ${limits.min_batch_size} or more, or lower limits.min_batch_size in the trainyard config file.`,
      { limit: 'min_batch_size', asked: batch, min: limits.min_batch_size },
    );
}

/** Typed-array memory of `bars` bars with the strategy's features, against limits.job_memory_mb. */
export function checkMemory(limits: Limits, bars: number, features: number): void {
  checkLimit(
    limits,
    'job_memory_mb',
    `${bars.toLocaleString('en-US')} bars x ${features} features need an estimated ${memoryEstimateMb(bars, features).toLocaleString('en-US')} MB`,
    memoryEstimateMb(bars, features),
    'Use fewer bars (from/to, symbols) or fewer features.',
  );
}

/** Epochs x training samples and optimizer steps of a run; `trainRows` counts every fit's rows (CPCV fits included). */
export function checkTrainingBudget(limits: Limits, strategy: Strategy, trainRows: number, fits = 1): void {
  const { epochs, batch_size: batch } = strategy.training;
  const cost = trainingCost(trainRows, epochs, batch);
  const run = `${epochs} epochs over ${trainRows.toLocaleString('en-US')} training samples${fits > 1 ? ` in ${fits} fits` : ''}`;
  checkLimit(
    limits,
    'sample_epochs',
    `${run} is too much training (samples x epochs)`,
    cost.sample_epochs,
    'Use fewer epochs or less data.',
  );
  checkLimit(
    limits,
    'optimizer_steps',
    `${run} at batch_size ${batch} is too many optimizer steps`,
    cost.steps,
    'Use a larger batch_size, fewer epochs or less data.',
  );
}
