/** wordloom's wasm Reverse (replacing tfjs's) gives exactly the cpu backend's values, gradients included. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/seq/backend/index.js';
import { reverseWasmConfig } from '../../../src/seq/backend/reverse.js';
import { seededRandom } from '../../seeded-random.js';

async function on<T>(backend: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await selectBackend({ backend, log: () => {} });
  expect(tf.getBackend()).toBe(backend);
  return f();
}

const CASES: { shape: number[]; dims: number | number[] }[] = [
  { shape: [], dims: [] },
  { shape: [7], dims: 0 },
  { shape: [3, 5, 4], dims: 1 }, // a recurrent sequence [batch, time, units]
  { shape: [3, 5, 4], dims: -1 },
  { shape: [3, 5, 4], dims: [0, 2] },
  { shape: [2, 3, 4, 5], dims: [1, 2, 3] },
  { shape: [4, 1, 6], dims: [1] },
  { shape: [2, 3], dims: [1, 1] },
];

describe('Reverse on wasm', () => {
  it('is wordloom\'s kernel once the backend is selected', async () => {
    await on('wasm', () => expect(tf.getKernel('Reverse', 'wasm')?.kernelFunc).toBe(reverseWasmConfig.kernelFunc));
  });

  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it(`equals the cpu backend for ${dtype} tensors of rank 0 to 4, one axis or several`, async () => {
      for (const [k, { shape, dims }] of CASES.entries()) {
        const random = seededRandom(k + 1);
        const size = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: size }, () => (dtype === 'float32' ? random() * 2 - 1 : dtype === 'int32' ? Math.floor(random() * 1000) - 500 : random() < 0.5 ? 1 : 0));
        const run = (): number[] => tf.tidy(() => Array.from(tf.reverse(tf.tensor(values, shape, dtype), dims).dataSync()));
        const expected = await on('cpu', run);
        expect(await on('wasm', run), `${dtype} ${JSON.stringify(shape)} dims ${JSON.stringify(dims)}`).toEqual(expected);
      }
    });
  }

  it('gives the cpu backend\'s gradient (the reverse of the upstream gradient)', async () => {
    const random = seededRandom(9);
    const x = Array.from({ length: 2 * 6 * 3 }, () => random() * 2 - 1);
    const w = Array.from({ length: 2 * 6 * 3 }, () => random() * 2 - 1);
    const grad = (): number[] =>
      tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.reverse(t, 1), tf.tensor(w, [2, 6, 3]))))(tf.tensor(x, [2, 6, 3])).dataSync()));
    expect(await on('wasm', grad)).toEqual(await on('cpu', grad));
  });
});
