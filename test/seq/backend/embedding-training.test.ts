import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { registerWasmFallbackKernels, selectBackend } from '../../../src/seq/backend/index.js';
import { seededRandom } from '../../seeded-random.js';

const VOCAB = 40;
const DIM = 8;
const LEN = 6;
const BATCH = 16;
const UNITS = 5;

const random = seededRandom(2024);
const uniform = (n: number, scale: number): number[] => Array.from({ length: n }, () => (random() * 2 - 1) * scale);
// Ids from a third of the vocabulary, so ids repeat and some rows get no gradient.
const IDS = Array.from({ length: BATCH * LEN }, () => Math.floor(random() * (VOCAB / 3)));
const TARGETS = uniform(BATCH * UNITS, 1);
const WEIGHTS = {
  embedding: uniform(VOCAB * DIM, 0.5),
  kernel: uniform(LEN * DIM * UNITS, 0.3),
  bias: uniform(UNITS, 0.1),
};

/** Embedding -> Flatten -> Dense with fixed weights, built on the current backend. */
function buildModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LEN }),
      tf.layers.flatten(),
      tf.layers.dense({ units: UNITS }),
    ],
  });
  model.setWeights([
    tf.tensor2d(WEIGHTS.embedding, [VOCAB, DIM]),
    tf.tensor2d(WEIGHTS.kernel, [LEN * DIM, UNITS]),
    tf.tensor1d(WEIGHTS.bias),
  ]);
  return model;
}

const inputs = (): tf.Tensor => tf.tensor2d(IDS, [BATCH, LEN], 'int32');
const targets = (): tf.Tensor => tf.tensor2d(TARGETS, [BATCH, UNITS]);

/** Gradients of the mean squared error with respect to [embedding, kernel, bias]. */
async function gradients(backend: 'cpu' | 'wasm'): Promise<number[][]> {
  await selectBackend({ backend, log: () => {} });
  expect(tf.getBackend()).toBe(backend);
  const model = buildModel();
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const result = tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => tf.losses.meanSquaredError(targets(), model.apply(inputs()) as tf.Tensor) as tf.Scalar,
      variables,
    );
    return variables.map((v) => Array.from(grads[v.name]!.dataSync()));
  });
  model.dispose();
  return result;
}

describe('an Embedding -> Dense model on wasm', () => {
  it('fails to train without the fallback kernel (the gap it fills)', async () => {
    await selectBackend({ backend: 'wasm', log: () => {} });
    tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    try {
      await expect(gradients('wasm')).rejects.toThrow("Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'");
    } finally {
      registerWasmFallbackKernels();
    }
  });

  it('has the embedding gradient of the cpu backend (within 1e-6)', async () => {
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    const [embCpu, kernelCpu, biasCpu] = cpu as [number[], number[], number[]];
    const [embWasm, kernelWasm, biasWasm] = wasm as [number[], number[], number[]];
    expect(embWasm).toHaveLength(VOCAB * DIM);
    const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(maxDiff(embWasm, embCpu)).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(kernelWasm, kernelCpu)).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(biasWasm, biasCpu)).toBeLessThanOrEqual(1e-6);
    // The gradient is not trivially zero: used rows move, unused rows stay exactly zero.
    const used = new Set(IDS);
    for (let row = 0; row < VOCAB; row++) {
      const norm = Math.hypot(...embWasm.slice(row * DIM, (row + 1) * DIM));
      if (used.has(row)) expect(norm).toBeGreaterThan(0);
      else expect(norm).toBe(0);
    }
  });

  it('trains with model.fit: the loss is finite and used embedding rows change', async () => {
    await selectBackend({ backend: 'wasm', log: () => {} });
    const model = buildModel();
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const x = inputs();
    const y = targets();
    const before = (model.getWeights()[0]!.arraySync() as number[][]).map((row) => row.slice());
    const history = await model.fit(x, y, { epochs: 2, batchSize: BATCH, verbose: 0, shuffle: false });
    const losses = history.history['loss'] as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[1]!).toBeLessThan(losses[0]!);
    const after = model.getWeights()[0]!.arraySync() as number[][];
    const used = new Set(IDS);
    for (let row = 0; row < VOCAB; row++) {
      if (used.has(row)) expect(after[row]).not.toEqual(before[row]);
      else expect(after[row]).toEqual(before[row]);
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});
