import path from 'node:path';
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './config/logger.js';
import { nextModelId } from './pipeline/artifacts/model-id.js';
import { initBackend, type BackendInfo } from './pipeline/backend/index.js';
import type { PipelineProgress, TrainingResult } from './pipeline/result.js';
import { listStrategies, resolveStrategy, type ResolvedStrategy } from './pipeline/strategy-source.js';
import { runTrainingPipeline, type TrainingOverrides } from './pipeline/train-pipeline.js';

export interface TrainInput {
  /** Name under strategies/, a path, or inline YAML. */
  strategy: string;
  data?: string | undefined;
  overrides?: TrainingOverrides | undefined;
}

export interface RunContext {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: PipelineProgress) => void) | undefined;
}

export interface Services {
  config: Config;
  logger: Logger;
  paths: { models: string; training: string };
  backend(): Promise<BackendInfo>;
  strategies: {
    list(): string[];
    resolve(ref: string): ResolvedStrategy;
  };
  training: {
    /** Validates, trains and saves; resolves with the standard result. */
    train(input: TrainInput, ctx?: RunContext): Promise<TrainingResult>;
  };
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger?: Logger;
  cwd?: string;
  clock?: () => Date;
}

/** Builds everything once; the CLI and (later) the MCP server share the same instance. */
export function createServices(config: Config, opts: ServiceOptions = {}): Services {
  const logger = opts.logger ?? createLogger(config.log_level);
  const cwd = opts.cwd ?? process.cwd();
  const models = path.join(config.home, 'models');
  const backend = () => initBackend({ preference: config.backend, wasmThreads: config.wasm_threads });
  const strategies = {
    list: () => listStrategies(config.strategies_dir),
    resolve: (ref: string) => resolveStrategy(ref, { strategiesDir: config.strategies_dir, cwd }),
  };
  return {
    config,
    logger,
    paths: { models, training: path.join(config.home, 'training') },
    backend,
    strategies,
    training: {
      async train(input, ctx = {}) {
        const strategy = strategies.resolve(input.strategy);
        const info = await backend();
        const modelId = nextModelId(models, strategy.strategy.name);
        logger.info({ model_id: modelId, strategy: strategy.source, data: input.data, backend: info.name }, 'training started');
        const result = await runTrainingPipeline(
          { strategy, data: input.data, overrides: input.overrides, modelId, modelsDir: models, dataDir: config.data_dir, cwd },
          {
            backend: info,
            signal: ctx.signal,
            onProgress: ctx.onProgress,
            progressEveryBatches: config.progress_every_batches,
            clock: opts.clock,
          },
        );
        logger.info({ model_id: modelId, accuracy: result.test_metrics.accuracy, seconds: result.timings.total_s }, 'training finished');
        return result;
      },
    },
    close: async () => undefined,
  };
}
