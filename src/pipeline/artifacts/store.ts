import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import { DomainError } from '../../domain/errors.js';
import type { Scaler } from '../dataset/scaler.js';
import { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN } from './io-handler.js';
import type { ReferenceDistributions } from './reference.js';
import { renameDurablyAsync } from '../../config/durable-fs.js';

export const ARTIFACT_FILES = {
  model: MODEL_JSON,
  weights: WEIGHTS_BIN,
  strategy: 'strategy.yaml',
  features: 'features.json',
  reference: 'reference.json',
  result: 'result.json',
} as const;

export interface FeatureSpec {
  names: string[];
  scaler: Scaler;
}

export interface ArtifactContents {
  model: TF.LayersModel;
  strategyYaml: string;
  features: FeatureSpec;
  reference: ReferenceDistributions;
  result: unknown;
  /** More JSON files for the folder, by file name (e.g. equity.json). */
  extraFiles?: Record<string, unknown> | undefined;
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/**
 * Writes a model version's folder atomically: everything goes into a hidden temporary folder that
 * is renamed into place at the end, so a crash or cancellation never leaves a half-written model.
 * An existing folder is never overwritten (registered artifacts are immutable).
 */
export async function saveArtifacts(modelsDir: string, modelId: string, c: ArtifactContents): Promise<string> {
  const target = path.join(modelsDir, modelId);
  if (fs.existsSync(target)) {
    throw new DomainError(
      'ARTIFACT_INVALID',
      `Model folder ${target} already exists; model artifacts are never overwritten. Train again to get a new version.`,
    );
  }
  await fs.promises.mkdir(modelsDir, { recursive: true });
  const tmp = path.join(modelsDir, `.tmp-${modelId}-${randomBytes(4).toString('hex')}`);
  try {
    await c.model.save(fileSystemHandler(tmp));
    await fs.promises.writeFile(path.join(tmp, ARTIFACT_FILES.strategy), c.strategyYaml);
    await fs.promises.writeFile(path.join(tmp, ARTIFACT_FILES.features), json(c.features));
    await fs.promises.writeFile(path.join(tmp, ARTIFACT_FILES.reference), json(c.reference));
    await fs.promises.writeFile(path.join(tmp, ARTIFACT_FILES.result), json(c.result));
    for (const [name, value] of Object.entries(c.extraFiles ?? {}))
      await fs.promises.writeFile(path.join(tmp, path.basename(name)), json(value));
    await renameDurablyAsync(tmp, target);
  } catch (err) {
    await fs.promises.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return target;
}

export interface LoadedArtifacts {
  dir: string;
  model: TF.LayersModel;
  strategyYaml: string;
  features: FeatureSpec;
  reference: ReferenceDistributions;
  result: Record<string, unknown>;
}

async function readJson<T>(dir: string, file: string): Promise<T> {
  try {
    return JSON.parse(await fs.promises.readFile(path.join(dir, file), 'utf8')) as T;
  } catch (err) {
    throw new DomainError(
      'ARTIFACT_INVALID',
      `Model folder ${dir} has an unreadable ${file} (${(err as Error).message}). The artifact is damaged; retrain the model.`,
    );
  }
}

/** Loads a saved model version back: layers model, scaler, feature names, reference, result. */
export async function loadArtifacts(dir: string): Promise<LoadedArtifacts> {
  if (!fs.existsSync(path.join(dir, MODEL_JSON))) {
    throw new DomainError('MODEL_NOT_FOUND', `No model at ${dir} (${MODEL_JSON} missing).`);
  }
  const model = await tf.loadLayersModel(fileSystemHandler(dir)).catch((err: unknown) => {
    throw new DomainError('ARTIFACT_INVALID', `Model files in ${dir} could not be loaded (${(err as Error).message}). Retrain the model.`);
  });
  const [features, reference, result] = await Promise.all([
    readJson<FeatureSpec>(dir, ARTIFACT_FILES.features),
    readJson<ReferenceDistributions>(dir, ARTIFACT_FILES.reference),
    readJson<Record<string, unknown>>(dir, ARTIFACT_FILES.result),
  ]);
  const strategyYaml = await fs.promises.readFile(path.join(dir, ARTIFACT_FILES.strategy), 'utf8');
  return { dir, model, strategyYaml, features, reference, result };
}
