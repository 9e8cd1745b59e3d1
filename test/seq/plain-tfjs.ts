/**
 * The proof that a saved model needs no wordloom code: a separate Node process that imports
 * nothing but @tensorflow/tfjs (cpu backend) loads each model folder (model.json + weight files)
 * with tf.loadLayersModel and predicts on integer inputs.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface IntInput {
  shape: number[];
  values: number[];
  /** Default int32 (token ids); float32 for models that read vectors. */
  dtype?: 'int32' | 'float32';
}

export interface PlainTfjsResult {
  /** Class names of the loaded model's layers. */
  classes: string[];
  /** One prediction per input, in order. */
  results: Array<{ shape: number[]; values: number[] }>;
}

const CHILD = `
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
await tf.setBackend('cpu');
const { dirs, inputs } = JSON.parse(process.env.WORDLOOM_PLAIN_TFJS);
const out = {};
for (const [name, dir] of Object.entries(dirs)) {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const handler = {
    load: () => tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      const specs = manifest.flatMap((g) => g.weights);
      const bytes = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
      return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
    }),
  };
  const model = await tf.loadLayersModel(handler);
  out[name] = {
    classes: model.layers.map((l) => l.getClassName()),
    results: inputs.map((x) => { const y = model.predict(tf.tensor(x.values, x.shape, x.dtype ?? 'int32')); return { shape: y.shape, values: Array.from(y.dataSync()) }; }),
  };
}
process.stdout.write('RESULT ' + JSON.stringify(out) + '\\n');
`;

/** Loads every folder of `dirs` (name -> folder) in a plain-tfjs child process and predicts each input. */
export function predictWithPlainTfjs(dirs: Record<string, string>, inputs: IntInput[]): Record<string, PlainTfjsResult> {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, WORDLOOM_PLAIN_TFJS: JSON.stringify({ dirs, inputs }) },
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line, `child exited ${child.status}; stderr:\n${child.stderr}`).toBeDefined();
  return JSON.parse(line!.slice('RESULT '.length)) as Record<string, PlainTfjsResult>;
}
