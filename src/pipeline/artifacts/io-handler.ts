import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import { pushAll } from '../array-stats.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A tf.io handler that saves and loads the standard TensorFlow.js layers format (model.json +
 * one weights.bin) in a folder. The `file://` handler exists only in tfjs-node, which cannot be
 * installed everywhere, so trainyard carries its own. Files written here load in tfjs-node too.
 */
export function fileSystemHandler(dir: string): TF.io.IOHandler {
  return {
    save: async (artifacts: TF.io.ModelArtifacts): Promise<TF.io.SaveResult> => {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('binary model topology is not supported');
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: TF.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await fs.promises.mkdir(dir, { recursive: true });
      await fs.promises.writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      await fs.promises.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async (): Promise<TF.io.ModelArtifacts> => {
      const modelJson = JSON.parse(await fs.promises.readFile(path.join(dir, MODEL_JSON), 'utf8')) as TF.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: TF.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          pushAll(specs, group.weights);
          for (const p of group.paths) {
            const buf = await fs.promises.readFile(path.join(dir, p));
            buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}
