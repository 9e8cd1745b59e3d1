/**
 * The network and its stateful forward pass: two windows with the state carried from the first
 * to the second give the loss and gradients of one window of twice the length; the model runs
 * on any batch and length; tied weights compute their logits from the embedding table.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, forward, trainableVariables, type Architecture } from '../../../src/seq/lm/network.js';
import { disposeStates } from '../../../src/seq/lm/stateful.js';
import { sparseSoftmaxCrossEntropy } from '../../../src/seq/losses/sparse-softmax-cross-entropy.js';
import { SeededRandom } from '../../../src/embeddings/shared/rng.js';
import { useCpuBackend } from '../layers/harness.js';

beforeAll(useCpuBackend);

function seeds(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.nextUint32();
}

function ids(rng: SeededRandom, n: number, vocabulary: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.nextUint32() % vocabulary);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const noDropout = { training: true, dropout: 0, nextSeed: () => 0 };

describe.each(['lstm', 'gru', 'rnn'] as const)('%s network', (cell) => {
  const arch: Architecture = { vocabularySize: 11, cell, layers: 2, units: 8, embedding: 6, tieWeights: false };

  it('two windows with the state carried give the loss and gradients of one window twice as long', () => {
    const model = buildNetwork(arch, seeds(3));
    const rng = new SeededRandom(7);
    const [B, T] = [3, 5];
    // x, y: [B, 2T]; the halves are [B, T] each.
    const x = ids(rng, B * 2 * T, 11);
    const y = ids(rng, B * 2 * T, 11);
    const half = (a: Int32Array, h: number) => {
      const out = new Int32Array(B * T);
      for (let b = 0; b < B; b++) out.set(a.subarray(b * 2 * T + h * T, b * 2 * T + h * T + T), b * T);
      return tf.tensor2d(out, [B, T], 'int32');
    };
    const vars = trainableVariables(model, false);
    const options = { ...noDropout, tieWeights: false };
    // Whole window: the mean loss over 2T positions.
    const whole = tf.variableGrads(() => {
      const r = forward(model, tf.tensor2d(x, [B, 2 * T], 'int32'), null, options);
      return sparseSoftmaxCrossEntropy(tf.tensor2d(y, [B, 2 * T], 'int32'), r.logits) as tf.Scalar;
    }, vars);
    // Two halves, the second from the first's final state: the mean of the two means.
    let carried: tf.Tensor[][] | null = null;
    const first = tf.tidy(() => {
      const r = forward(model, half(x, 0), null, options);
      carried = r.states.map((s) => s.map((t) => tf.keep(t)));
      return sparseSoftmaxCrossEntropy(half(y, 0), r.logits);
    });
    const second = tf.tidy(() => sparseSoftmaxCrossEntropy(half(y, 1), forward(model, half(x, 1), carried, options).logits));
    const twoHalves = (first.dataSync()[0]! + second.dataSync()[0]!) / 2;
    expect(Math.abs(twoHalves - whole.value.dataSync()[0]!)).toBeLessThan(1e-5);

    // The same two windows in one gradient computation (the state passed on, not detached): the
    // gradients flow back through the carried state into the first window, and must equal the
    // whole window's.
    const chained = tf.variableGrads(() => {
      const a = forward(model, half(x, 0), null, options);
      const b = forward(model, half(x, 1), a.states, options);
      return tf.div(tf.add(sparseSoftmaxCrossEntropy(half(y, 0), a.logits), sparseSoftmaxCrossEntropy(half(y, 1), b.logits)), 2) as tf.Scalar;
    }, vars);
    expect(Object.keys(chained.grads)).toEqual(Object.keys(whole.grads));
    for (const name of Object.keys(whole.grads)) {
      const g = whole.grads[name]!.dataSync();
      const scale = Math.max(...Array.from(g, Math.abs));
      expect(maxDiff(chained.grads[name]!.dataSync(), g) / scale, name).toBeLessThan(1e-5);
    }
    disposeStates(carried);
    tf.dispose([whole.value, first, second, chained.value]);
    tf.dispose(Object.values(whole.grads));
    tf.dispose(Object.values(chained.grads));
    model.dispose();
  });
});
