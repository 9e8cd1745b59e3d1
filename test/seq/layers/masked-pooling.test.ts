/** Max and mean pooling over the real steps: values and gradients against tfjs ops on cpu, padding ignored, empty rows 0. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskedMaxPool, maskedMeanPool } from '../../../src/seq/layers/masked-pooling.js';
import { seededRandom } from '../../seeded-random.js';
import { useCpuBackend } from './harness.js';

beforeAll(useCpuBackend);

describe('maskedMaxPool', () => {
  const [batch, time, channels] = [4, 5, 3];
  const random = seededRandom(3);
  const x = Array.from({ length: batch * time * channels }, () => random() * 4 - 2);
  // Row 1 has padding in the middle (a dropped word), row 3 no real step at all.
  const mask = [1, 1, 1, 1, 1, /**/ 1, 0, 1, 0, 0, /**/ 1, 1, 0, 0, 0, /**/ 0, 0, 0, 0, 0];
  const w = Array.from({ length: batch * channels }, () => random() * 2 - 1);

  it('takes the largest value of the real steps, 0 for a row without one', () => {
    const out = tf.tidy(() => maskedMaxPool(tf.tensor3d(x, [batch, time, channels]), tf.tensor2d(mask, [batch, time])).arraySync());
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < channels; c++) {
        const real = Array.from({ length: time }, (_, t) => t).filter((t) => mask[b * time + t] === 1).map((t) => x[(b * time + t) * channels + c]!);
        expect(out[b]![c], `row ${b} channel ${c}`).toBeCloseTo(real.length ? Math.max(...real) : 0, 6);
      }
    }
  });

  it('has the gradient of the same max written with tfjs ops (padding pushed to -1e9)', () => {
    const xs = tf.tensor3d(x, [batch, time, channels]);
    const ms = tf.tensor2d(mask, [batch, time]);
    const weights = tf.tensor2d(w, [batch, channels]);
    const fused = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(maskedMaxPool(t as tf.Tensor3D, ms), weights)))(xs);
    const m = ms.expandDims(2);
    const any = tf.minimum(tf.sum(ms, 1, true), 1);
    const reference = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mul(tf.max(tf.add(tf.mul(t, m), tf.mul(tf.sub(m, 1), 1e9)), 1), any), weights)))(xs);
    // + 0: the reference routes -0 (a negative weight times the empty row's 0) where this gives +0.
    expect(Array.from(fused.dataSync(), (v) => v + 0)).toEqual(Array.from(reference.dataSync(), (v) => v + 0));
    tf.dispose([xs, ms, weights, fused, m, any, reference]);
  });

  it('maskedMeanPool averages the real steps (0 for a row without one), with the gradient of the tfjs formula', () => {
    const xs = tf.tensor3d(x, [batch, time, channels]);
    const ms = tf.tensor2d(mask, [batch, time]);
    const weights = tf.tensor2d(w, [batch, channels]);
    const m = ms.expandDims(2);
    const reference = (t: tf.Tensor): tf.Tensor => tf.div(tf.sum(tf.mul(t, m), 1), tf.maximum(tf.sum(ms, 1, true), 1));
    const out = maskedMeanPool(xs, ms).dataSync();
    const expected = reference(xs).dataSync();
    out.forEach((v, i) => expect(v, `mean ${i}`).toBeCloseTo(expected[i]!, 6));
    expect(Array.from(out.subarray(3 * channels))).toEqual([0, 0, 0]);
    const fused = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(maskedMeanPool(t as tf.Tensor3D, ms), weights)))(xs).dataSync();
    const want = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reference(t), weights)))(xs).dataSync();
    fused.forEach((v, i) => expect(v, `gradient ${i}`).toBeCloseTo(want[i]!, 6));
    tf.dispose([xs, ms, weights, m]);
  });
});
