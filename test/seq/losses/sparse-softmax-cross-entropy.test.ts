/**
 * sparseSoftmaxCrossEntropy(labels, logits, reduction) is tfjs's softmaxCrossEntropy of one-hot
 * labels, computed as one threaded wasm op with its own gradient: its value and gradient match
 * tfjs's (and float64 central differences), for every reduction, rank, class count and scale of
 * logits, it rejects bad labels and shapes with exact messages, leaks no tensors, and gives
 * bit-identical results on 1 and 2 engine threads.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useEngineAcrossBackends } from '../engine-session.js';
import { sparseSoftmaxCrossEntropy, type LossReduction } from '../../../src/seq/losses/sparse-softmax-cross-entropy.js';
import { threadPool } from '../../../src/seq/engine/thread-pool.js';
import { engineReady, setEngineThreads } from '../layers/fused-api.js';
import { Fixtures, assertBitIdentical, assertClose, maxAbs } from '../layers/harness.js';

useEngineAcrossBackends();

const RTOL = 1e-6;

interface Case {
  labels: tf.Tensor;
  logits: tf.Tensor;
}

/** Seeded logits of `shape` in [-scale, scale) and labels of shape[:-1] in [0, classes). */
function makeCase(seed: number, shape: number[], labelDtype: 'int32' | 'float32' = 'int32', scale = 4): Case {
  const fx = new Fixtures(seed);
  const classes = shape[shape.length - 1]!;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const labels = tf.tensor(Array.from({ length: rows }, () => fx.int(0, classes)), shape.slice(0, -1), labelDtype);
  const logits = tf.tensor(Float32Array.from(fx.uniform(rows * classes, -scale, scale)), shape);
  return { labels, logits };
}

/** tfjs's own loss: softmaxCrossEntropy of one-hot labels, or (for 'none') −Σ onehot·logSoftmax per position. */
function tfjsLoss(labels: tf.Tensor, logits: tf.Tensor, reduction: LossReduction): tf.Tensor {
  const classes = logits.shape[logits.rank - 1]!;
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), classes);
  if (reduction === 'mean') return tf.losses.softmaxCrossEntropy(oneHot, logits);
  if (reduction === 'sum') return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, 0, tf.Reduction.SUM);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1));
}

type LossFn = (labels: tf.Tensor, logits: tf.Tensor, reduction: LossReduction) => tf.Tensor;

/**
 * The loss value and d/d logits of an objective built on it: the loss itself for 'mean'/'sum'
 * times `factor` (the upstream gradient), or Σ w·loss with fixed weights w for 'none'.
 */
function valueAndGradient(f: LossFn, c: Case, reduction: LossReduction, factor = 1): { value: Float32Array; shape: number[]; gradient: Float32Array } {
  return tf.tidy(() => {
    const value = f(c.labels, c.logits, reduction);
    const weights = reduction === 'none' ? tf.tensor(Float32Array.from(new Fixtures(77).uniform(value.size, -2, 2)), value.shape) : null;
    const objective = (z: tf.Tensor): tf.Scalar => {
      const l = f(c.labels, z, reduction);
      return (weights ? tf.sum(tf.mul(l, weights)) : tf.mul(l, factor)) as tf.Scalar;
    };
    const [gradient] = tf.grads(objective)([c.logits]);
    return { value: value.dataSync() as Float32Array, shape: value.shape, gradient: gradient!.dataSync() as Float32Array };
  });
}

/** Asserts value and gradient match tfjs's within RTOL (relative to the largest expected magnitude). */
function assertMatchesTfjs(c: Case, reduction: LossReduction, what: string, factor = 1): void {
  const actual = valueAndGradient(sparseSoftmaxCrossEntropy, c, reduction, factor);
  const expected = valueAndGradient(tfjsLoss, c, reduction, factor);
  expect(actual.shape, `${what}: loss shape`).toEqual(expected.shape);
  for (const v of [...actual.value, ...actual.gradient]) {
    if (!Number.isFinite(v)) throw new Error(`${what}: non-finite value ${v} in the loss or its gradient`);
  }
  assertClose(actual.value, expected.value, `${what}: loss`, 0, RTOL, expected.shape);
  assertClose(actual.gradient, expected.gradient, `${what}: d/d logits`, 0, RTOL, c.logits.shape);
}

/** Per-row losses and softmax − onehot in float64, by the max-shifted log-sum-exp. */
function reference64(logits: Float64Array, labels: number[], rows: number, classes: number): { losses: number[]; softmaxMinusOneHot: Float64Array } {
  const losses: number[] = [];
  const softmaxMinusOneHot = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const m = Math.max(...row);
    let s = 0;
    for (const v of row) s += Math.exp(v - m);
    losses.push(Math.log(s) + m - row[labels[r]!]!);
    for (let j = 0; j < classes; j++) softmaxMinusOneHot[r * classes + j] = Math.exp(row[j]! - m) / s - (j === labels[r] ? 1 : 0);
  }
  return { losses, softmaxMinusOneHot };
}

function disposeCase(c: Case): void {
  tf.dispose([c.labels, c.logits]);
}

function messageOf(f: () => unknown): string {
  try {
    tf.dispose(f() as tf.Tensor);
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error thrown)';
}

describe('sparseSoftmaxCrossEntropy equals tfjs softmaxCrossEntropy of one-hot labels', () => {
  const shapes: number[][] = [
    [6, 5],
    [4, 8],
    [7, 65],
    [3, 10000],
    [2, 3, 5],
    [3, 4, 67],
  ];
  for (const shape of shapes) {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      it(`logits [${shape}], reduction '${reduction}': value and gradient within ${RTOL} relative`, () => {
        const c = makeCase(shape.reduce((a, b) => a + b, 0), shape);
        assertMatchesTfjs(c, reduction, `[${shape}] ${reduction}`);
        disposeCase(c);
      });
    }
  }

  it("the default reduction is 'mean'", () => {
    const c = makeCase(3, [5, 7]);
    const [a, b] = [sparseSoftmaxCrossEntropy(c.labels, c.logits), sparseSoftmaxCrossEntropy(c.labels, c.logits, 'mean')];
    expect(a.shape).toEqual([]);
    assertBitIdentical(a.dataSync() as Float32Array, b.dataSync() as Float32Array, 'default vs mean');
    tf.dispose([a, b]);
    disposeCase(c);
  });

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`large logits (±80 and spread to ±80) with reduction '${reduction}': finite, exact to float64, equal to tfjs within tfjs's own rounding`, () => {
      const fx = new Fixtures(80);
      const [rows, classes] = [6, 13];
      const values = Float32Array.from(fx.uniform(rows * classes, -80, 80));
      for (let r = 0; r < rows; r++) {
        values[r * classes + (r % classes)] = 80;
        values[r * classes + ((r + 5) % classes)] = -80;
      }
      // Labels on the +80, the −80 and ordinary entries.
      const labelValues = Array.from({ length: rows }, (_, r) => (r % 3 === 0 ? r % classes : r % 3 === 1 ? (r + 5) % classes : (r + 2) % classes));
      const c = { labels: tf.tensor1d(labelValues, 'int32'), logits: tf.tensor2d(values, [rows, classes]) };
      const actual = valueAndGradient(sparseSoftmaxCrossEntropy, c, reduction);
      const expected = valueAndGradient(tfjsLoss, c, reduction);
      for (const v of [...actual.value, ...actual.gradient]) expect(Number.isFinite(v), `a non-finite value ${v} in the loss or its gradient`).toBe(true);
      // float64 truth: the objective's gradient is w·(softmax − onehot) per row, w = 1/rows, 1 or the 'none' weights.
      const truth = reference64(Float64Array.from(values), labelValues, rows, classes);
      const weights = reduction === 'none' ? new Fixtures(77).uniform(rows, -2, 2) : new Float64Array(rows).fill(reduction === 'mean' ? 1 / rows : 1);
      const lossTruth = reduction === 'none' ? truth.losses : [truth.losses.reduce((a, b) => a + b, 0) * (reduction === 'mean' ? 1 / rows : 1)];
      assertClose(actual.value, lossTruth, `±80 logits ${reduction}: loss vs float64`, 0, RTOL);
      const gradientTruth = truth.softmaxMinusOneHot.map((g, i) => g * weights[Math.floor(i / classes)]!);
      assertClose(actual.gradient, gradientTruth, `±80 logits ${reduction}: d/d logits vs float64`, 2e-7 * maxAbs(weights));
      assertClose(actual.value, expected.value, `±80 logits ${reduction}: loss vs tfjs`, 0, RTOL);
      // tfjs subtracts a float32 logSumExp near 80 (ulp 7.6e-6) from the logits before exp: its
      // probabilities carry up to ~4e-6 absolute error there, which bounds the agreement.
      assertClose(actual.gradient, expected.gradient, `±80 logits ${reduction}: d/d logits vs tfjs`, 5e-6 * maxAbs(weights));
      disposeCase(c);
    });
  }

  for (const reduction of ['mean', 'sum'] as const) {
    it(`an upstream gradient of 3 (objective 3·loss, reduction '${reduction}'): 3 × the gradient, as tfjs`, () => {
      const c = makeCase(33, [5, 9]);
      assertMatchesTfjs(c, reduction, `3·loss ${reduction}`, 3);
      const once = valueAndGradient(sparseSoftmaxCrossEntropy, c, reduction, 1).gradient;
      const thrice = valueAndGradient(sparseSoftmaxCrossEntropy, c, reduction, 3).gradient;
      assertClose(thrice, once.map((g) => 3 * g), `3·loss ${reduction}: 3 × the unit gradient`, 0, RTOL);
      disposeCase(c);
    });
  }

  it('float labels holding integers give exactly what int32 labels give', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const a = makeCase(44, [3, 4, 11], 'int32');
      const b = makeCase(44, [3, 4, 11], 'float32');
      expect(b.labels.dtype).toBe('float32');
      assertMatchesTfjs(b, reduction, `float labels ${reduction}`);
      const [ra, rb] = [valueAndGradient(sparseSoftmaxCrossEntropy, a, reduction), valueAndGradient(sparseSoftmaxCrossEntropy, b, reduction)];
      assertBitIdentical(rb.value, ra.value, `float vs int32 labels (${reduction}): loss`);
      assertBitIdentical(rb.gradient, ra.gradient, `float vs int32 labels (${reduction}): gradient`);
      disposeCase(a);
      disposeCase(b);
    }
  });
});

describe('sparseSoftmaxCrossEntropy against float64 central differences', () => {
  it('logits [2, 3, 5], mean: value within 1e-6 relative, every gradient entry within 2e-6', () => {
    const fx = new Fixtures(64);
    const [rows, classes] = [6, 5];
    const z = fx.uniform(rows * classes, -3, 3); // float32-exact values
    const labels = Array.from({ length: rows }, () => fx.int(0, classes));
    const loss64 = (v: Float64Array): number => reference64(v, labels, rows, classes).losses.reduce((a, b) => a + b, 0) / rows;
    const h = 1e-4;
    const numeric = new Float64Array(rows * classes);
    for (let i = 0; i < numeric.length; i++) {
      const plus = Float64Array.from(z);
      const minus = Float64Array.from(z);
      plus[i]! += h;
      minus[i]! -= h;
      numeric[i] = (loss64(plus) - loss64(minus)) / (2 * h);
    }
    const c = { labels: tf.tensor2d(labels, [2, 3], 'int32'), logits: tf.tensor3d(Float32Array.from(z), [2, 3, classes]) };
    const { value, gradient } = valueAndGradient(sparseSoftmaxCrossEntropy, c, 'mean');
    assertClose(value, [loss64(z)], 'loss vs float64', 0, 1e-6);
    assertClose(gradient, numeric, 'd/d logits vs float64 central differences', 2e-6, 0, [2, 3, classes]);
    disposeCase(c);
  });
});

describe('sparseSoftmaxCrossEntropy: errors', () => {
  const badLabels: Array<[string, number[], 'int32' | 'float32', string]> = [
    ['a label equal to the class count', [0, 4, 5, 1], 'int32', 'sparseSoftmaxCrossEntropy: label 5 at position 2 is outside [0, 5)'],
    ['a negative label', [0, -1, 2, 1], 'int32', 'sparseSoftmaxCrossEntropy: label -1 at position 1 is outside [0, 5)'],
    ['a float label past the end', [0, 1, 2, 7], 'float32', 'sparseSoftmaxCrossEntropy: label 7 at position 3 is outside [0, 5)'],
    ['a negative float label', [-2, 1, 2, 3], 'float32', 'sparseSoftmaxCrossEntropy: label -2 at position 0 is outside [0, 5)'],
    ['a NaN label', [0, NaN, 2, 3], 'float32', 'sparseSoftmaxCrossEntropy: label NaN at position 1 is outside [0, 5)'],
    ['a fractional float label', [0, 1, 2.5, 3], 'float32', 'sparseSoftmaxCrossEntropy: label 2.5 at position 2 is not an integer'],
  ];
  for (const [what, values, dtype, message] of badLabels) {
    it(`${what}: "${message}", no tensor left behind`, () => {
      const labels = tf.tensor1d(values, dtype);
      const logits = tf.zeros([4, 5]);
      const before = tf.memory().numTensors;
      for (const reduction of ['mean', 'none'] as const) {
        expect(messageOf(() => sparseSoftmaxCrossEntropy(labels, logits, reduction)), `reduction ${reduction}`).toBe(message);
      }
      expect(messageOf(() => tf.grads((z: tf.Tensor) => sparseSoftmaxCrossEntropy(labels, z))([logits])), 'under tf.grads').toBe(message);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([labels, logits]);
    });
  }

  const badShapes: Array<[number[], number[], string]> = [
    [[2, 3], [2, 4, 5], 'sparseSoftmaxCrossEntropy: labels of shape [2, 3] must have the shape of logits [2, 4, 5] without its last dimension'],
    [[8], [2, 4, 5], 'sparseSoftmaxCrossEntropy: labels of shape [8] must have the shape of logits [2, 4, 5] without its last dimension'],
    [[4, 1], [4, 5], 'sparseSoftmaxCrossEntropy: labels of shape [4, 1] must have the shape of logits [4, 5] without its last dimension'],
    [[3], [4, 5], 'sparseSoftmaxCrossEntropy: labels of shape [3] must have the shape of logits [4, 5] without its last dimension'],
  ];
  for (const [labelShape, logitShape, message] of badShapes) {
    it(`labels [${labelShape}] with logits [${logitShape}]: "${message}"`, () => {
      const labels = tf.zeros(labelShape, 'int32');
      const logits = tf.zeros(logitShape);
      expect(messageOf(() => sparseSoftmaxCrossEntropy(labels, logits))).toBe(message);
      tf.dispose([labels, logits]);
    });
  }
});

describe('sparseSoftmaxCrossEntropy: resources and threads', () => {
  it('repeated tf.grads / tf.valueAndGrad / variableGrads calls leave tf.memory().numTensors unchanged', () => {
    const c = makeCase(5, [4, 6, 33]);
    const variable = tf.variable(c.logits);
    const run = (): void => {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        tf.dispose(tf.grads((z: tf.Tensor) => tf.sum(sparseSoftmaxCrossEntropy(c.labels, z, reduction)))([c.logits]));
        const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => tf.mul(sparseSoftmaxCrossEntropy(c.labels, z, reduction === 'none' ? 'mean' : reduction), 3) as tf.Scalar)(c.logits);
        tf.dispose([value, grad]);
        const vg = tf.variableGrads(() => tf.sum(sparseSoftmaxCrossEntropy(c.labels, variable, reduction)) as tf.Scalar, [variable]);
        tf.dispose([vg.value, ...Object.values(vg.grads)]);
        tf.dispose(sparseSoftmaxCrossEntropy(c.labels, c.logits, reduction));
      }
    };
    run(); // warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) run();
    expect(tf.memory().numTensors, 'tensors after 5 more rounds').toBe(before);
    variable.dispose();
    disposeCase(c);
  });

  it('bit-identical loss and gradient on 1 and 2 engine threads (40 × 2000 logits, large enough to split)', async () => {
    const [rows, classes] = [40, 2000];
    expect(rows * classes, 'the kernel splits rows over threads from 65536 logits on').toBeGreaterThanOrEqual(65536);
    const results: Record<string, ReturnType<typeof valueAndGradient>> = {};
    for (const threads of [1, 2]) {
      setEngineThreads(threads);
      await engineReady();
      expect(threadPool().activeThreads, `threads taking part after setEngineThreads(${threads})`).toBe(threads);
      for (const reduction of ['mean', 'none'] as const) {
        const c = makeCase(2000, [rows, classes]);
        results[`${reduction} ${threads}`] = valueAndGradient(sparseSoftmaxCrossEntropy, c, reduction);
        disposeCase(c);
      }
    }
    for (const reduction of ['mean', 'none'] as const) {
      const [one, two] = [results[`${reduction} 1`]!, results[`${reduction} 2`]!];
      assertBitIdentical(two.value, one.value, `${reduction}: loss with 2 threads vs 1`);
      assertBitIdentical(two.gradient, one.gradient, `${reduction}: d/d logits with 2 threads vs 1`);
    }
  });
});
