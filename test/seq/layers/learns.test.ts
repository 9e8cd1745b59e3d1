/**
 * Fused layers really learn: small generated tasks that need the recurrence (and the mask) to
 * work, trained from seeded weights on seeded data, reach ≥ 95% accuracy on held-out data.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedRecurrent, makeFusedDense } from './fused-api.js';
import { Fixtures, useCpuBackend } from './harness.js';

beforeAll(useCpuBackend);

/** Glorot-uniform matrices and zero vectors from the seeded generator (tfjs's initialisers use Math.random). */
function seedWeights(model: tf.LayersModel, fx: Fixtures): void {
  const w = model.getWeights().map((t) => {
    if (t.rank === 1) return tf.zeros(t.shape);
    const limit = Math.sqrt(6 / (t.shape[0]! + t.shape[1]!));
    return tf.tensor(Float32Array.from(fx.uniform(t.size, -limit, limit)), t.shape);
  });
  model.setWeights(w);
  tf.dispose(w);
}

function accuracy(probabilities: tf.Tensor, labels: Int32Array, include: (i: number) => boolean = () => true): number {
  const predicted = tf.tidy(() => tf.argMax(probabilities, -1).dataSync());
  let right = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!include(i)) continue;
    total++;
    if (predicted[i] === labels[i]) right++;
  }
  return right / total;
}

describe('fused layers learn small sequence tasks', () => {
  it('LSTM over masked, variable-length sequences outputs the last non-padding token', async () => {
    const [V, T] = [6, 10];
    const fx = new Fixtures(11);
    /** Tokens 1..V, trailing padding (length 1..T) and occasional padding holes; label = last real token − 1. */
    const data = (n: number): { x: tf.Tensor; y: tf.Tensor; labels: Int32Array } => {
      const ids = new Int32Array(n * T);
      const labels = new Int32Array(n);
      for (let b = 0; b < n; b++) {
        const length = fx.int(1, T + 1);
        for (let t = 0; t < length; t++) ids[b * T + t] = fx.float() < 0.15 && t < length - 1 ? 0 : fx.int(1, V + 1);
        labels[b] = ids[b * T + length - 1]! - 1;
      }
      return { x: tf.tensor2d(ids, [n, T], 'int32'), y: tf.oneHot(tf.tensor1d(labels, 'int32'), V), labels };
    };
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: V + 1, outputDim: 8, maskZero: true, inputLength: T }),
        fusedRecurrent.LSTM({ units: 16, recurrentActivation: 'sigmoid' }),
        makeFusedDense({ units: V, activation: 'softmax' }),
      ],
    });
    seedWeights(model, fx);
    model.compile({ optimizer: tf.train.adam(0.03), loss: 'categoricalCrossentropy' });
    const test = data(400);
    const started = Date.now();
    let acc = 0;
    let steps = 0;
    while (steps < 400) {
      const batch = data(64);
      await model.trainOnBatch(batch.x, batch.y);
      tf.dispose([batch.x, batch.y]);
      steps++;
      if (steps % 10 === 0) {
        acc = tf.tidy(() => accuracy(model.predict(test.x) as tf.Tensor, test.labels));
        if (acc >= 0.98) break;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    expect(acc, `held-out accuracy after ${steps} steps (${seconds.toFixed(1)} s)`).toBeGreaterThanOrEqual(0.95);
    tf.dispose([test.x, test.y]);
    model.dispose();
  });

  it('GRU with returnSequences learns a delayed copy (output at t = input at t − 2) through a rank-3 fusedDense', async () => {
    const [V, T, DELAY] = [4, 12, 2];
    const fx = new Fixtures(12);
    const data = (n: number): { x: tf.Tensor; y: tf.Tensor; labels: Int32Array } => {
      const ids = new Int32Array(n * T);
      const labels = new Int32Array(n * T);
      for (let i = 0; i < ids.length; i++) ids[i] = fx.int(1, V + 1);
      for (let b = 0; b < n; b++) for (let t = DELAY; t < T; t++) labels[b * T + t] = ids[b * T + t - DELAY]! - 1;
      return { x: tf.tensor2d(ids, [n, T], 'int32'), y: tf.oneHot(tf.tensor2d(labels, [n, T], 'int32'), V), labels };
    };
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: V + 1, outputDim: 6, inputLength: T }),
        fusedRecurrent.GRU({ units: 24, returnSequences: true, recurrentActivation: 'sigmoid' }),
        makeFusedDense({ units: V, activation: 'softmax' }),
      ],
    });
    seedWeights(model, fx);
    model.compile({ optimizer: tf.train.adam(0.03), loss: 'categoricalCrossentropy' });
    const test = data(200);
    const counted = (i: number): boolean => i % T >= DELAY;
    const started = Date.now();
    let acc = 0;
    let steps = 0;
    while (steps < 400) {
      const batch = data(32);
      await model.trainOnBatch(batch.x, batch.y);
      tf.dispose([batch.x, batch.y]);
      steps++;
      if (steps % 10 === 0) {
        acc = tf.tidy(() => accuracy(model.predict(test.x) as tf.Tensor, test.labels, counted));
        if (acc >= 0.98) break;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    expect(acc, `held-out accuracy (steps ≥ ${DELAY}) after ${steps} steps (${seconds.toFixed(1)} s)`).toBeGreaterThanOrEqual(0.95);
    tf.dispose([test.x, test.y]);
    model.dispose();
  });
});
