/**
 * denseSoftmaxCrossEntropy(x, denseLayer, labels) is sparseSoftmaxCrossEntropy(labels,
 * denseLayer.apply(x)) in one op whose logits never leave the kernels' memory: the same value and
 * the same gradients for x, the kernel and the bias, for every reduction (with per-position weights
 * on 'none', as a masked loss has), with and without a bias, on 1 and 2 engine threads
 * (bit-identical), and it refuses a non-linear layer and bad labels with exact messages.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useEngineAcrossBackends } from '../engine-session.js';
import { denseSoftmaxCrossEntropy } from '../../../src/seq/losses/dense-softmax-cross-entropy.js';
import { sparseSoftmaxCrossEntropy, type LossReduction } from '../../../src/seq/losses/sparse-softmax-cross-entropy.js';
import { engineReady, setEngineThreads } from '../layers/fused-api.js';
import { Fixtures, assertBitIdentical, assertClose } from '../layers/harness.js';

useEngineAcrossBackends();

const RTOL = 2e-5;

interface Case {
  x: tf.Tensor;
  labels: tf.Tensor;
  layer: tf.layers.Layer;
  weights: tf.Tensor;
}

function makeCase(seed: number, xShape: number[], classes: number, useBias = true): Case {
  const fx = new Fixtures(seed);
  const inputs = xShape[xShape.length - 1]!;
  const rows = xShape.slice(0, -1).reduce((a, b) => a * b, 1);
  const layer = tf.layers.dense({ units: classes, useBias, name: `logits_${seed}_${useBias}` });
  layer.build([null, inputs]);
  const kernel = tf.tensor(Float32Array.from(fx.uniform(inputs * classes, -0.5, 0.5)), [inputs, classes]);
  layer.setWeights(useBias ? [kernel, tf.tensor(Float32Array.from(fx.uniform(classes, -1, 1)))] : [kernel]);
  const x = tf.tensor(Float32Array.from(fx.uniform(rows * inputs, -2, 2)), xShape);
  const labels = tf.tensor(Array.from({ length: rows }, () => fx.int(0, classes)), xShape.slice(0, -1), 'int32');
  // a mask with holes, scaled as a masked mean is
  const weights = tf.tensor(Array.from({ length: rows }, (_, i) => (i % 3 === 2 ? 0 : fx.uniform(1, 0.1, 1.5)[0]!)), xShape.slice(0, -1));
  return { x, labels, layer, weights };
}

type Loss = (c: Case, x: tf.Tensor, reduction: LossReduction) => tf.Tensor;
const fused: Loss = (c, x, reduction) => denseSoftmaxCrossEntropy(x, c.layer, c.labels, reduction);
const composed: Loss = (c, x, reduction) => sparseSoftmaxCrossEntropy(c.labels, c.layer.apply(x) as tf.Tensor, reduction);

/** The loss, and the gradients of its objective (Σ w·loss for 'none', 3·loss otherwise) for x and the layer's variables. */
function run(f: Loss, c: Case, reduction: LossReduction): Float32Array[] {
  return tf.tidy(() => {
    const value = f(c, c.x, reduction).dataSync() as Float32Array;
    const variables = c.layer.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
    const { grads } = tf.variableGrads(() => {
      const l = f(c, c.x, reduction);
      return (reduction === 'none' ? tf.sum(tf.mul(l, c.weights)) : tf.mul(l, 3)) as tf.Scalar;
    }, variables);
    const dx = tf.grad((x: tf.Tensor) => {
      const l = f(c, x, reduction);
      return reduction === 'none' ? tf.sum(tf.mul(l, c.weights)) : tf.mul(l, 3);
    })(c.x);
    return [value, dx.dataSync() as Float32Array, ...variables.map((v) => grads[v.name]!.dataSync() as Float32Array)];
  });
}

describe('denseSoftmaxCrossEntropy equals a Dense layer followed by sparseSoftmaxCrossEntropy', () => {
  const cases: [number[], number, boolean][] = [
    [[6, 5], 7, true],
    [[3, 4, 8], 33, true],
    [[5, 16], 1000, false],
    [[4, 11, 24], 3000, true],
    // inputs not a multiple of 8 (a narrow last panel of the kernel's packed transpose), wide outputs with a ragged last panel
    [[7, 13], 517, true],
  ];
  for (const [xShape, classes, useBias] of cases) {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      it(`x [${xShape}] -> ${classes} classes${useBias ? '' : ' (no bias)'}, '${reduction}': loss and gradients of x, kernel${useBias ? ', bias' : ''}`, () => {
        const c = makeCase(xShape.length * 100 + classes, xShape, classes, useBias);
        const actual = run(fused, c, reduction);
        const expected = run(composed, c, reduction);
        expect(actual.length).toBe(useBias ? 4 : 3);
        const names = ['loss', 'd/dx', 'd/dkernel', 'd/dbias'];
        actual.forEach((a, i) => assertClose(a, expected[i]!, `${names[i]}`, 1e-6, RTOL));
        tf.dispose([c.x, c.labels, c.weights]);
      });
    }
  }

  it('gives bit-identical losses and gradients on 1 and 2 engine threads', async () => {
    const c = makeCase(9, [8, 12, 30], 5003);
    setEngineThreads(1);
    await engineReady();
    const one = run(fused, c, 'none');
    setEngineThreads(2);
    await engineReady();
    const two = run(fused, c, 'none');
    one.forEach((a, i) => assertBitIdentical(two[i]!, a, `output ${i}`));
    tf.dispose([c.x, c.labels, c.weights]);
  });

  it('leaks no tensors, and refuses a non-linear layer and bad labels with exact messages', () => {
    const c = makeCase(4, [3, 6], 9);
    const before = tf.memory().numTensors;
    tf.dispose(run(fused, c, 'mean') as unknown as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
    const tanh = tf.layers.dense({ units: 9, activation: 'tanh', name: 'tanh_out' });
    tanh.build([null, 6]);
    expect(() => denseSoftmaxCrossEntropy(c.x, tanh, c.labels)).toThrow('denseSoftmaxCrossEntropy: layer tanh_out has activation tanh; the logits layer must be linear');
    const bad = tf.tensor1d([0, 9, 1], 'int32');
    expect(() => denseSoftmaxCrossEntropy(c.x, c.layer, bad)).toThrow('denseSoftmaxCrossEntropy: label 9 at position 1 is outside [0, 9)');
    const wrong = tf.tensor1d([0, 1], 'int32');
    expect(() => denseSoftmaxCrossEntropy(c.x, c.layer, wrong)).toThrow('denseSoftmaxCrossEntropy: labels of shape [2] must have the shape of x [3, 6] without its last dimension');
    tf.dispose([c.x, c.labels, c.weights, bad, wrong]);
  });
});
