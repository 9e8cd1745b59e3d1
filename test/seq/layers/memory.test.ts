/**
 * No tensor leaks: after a warm-up step (which creates the optimizer's slots), training and
 * prediction through fused layers leave tf.memory().numTensors exactly where it was.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedRecurrent, makeFusedBidirectional, makeFusedDense } from './fused-api.js';
import { Fixtures, makeMask, useCpuBackend } from './harness.js';

beforeAll(useCpuBackend);

const [VOCAB, TIME, BATCH, CLASSES] = [20, 12, 8, 4];

function batch(fx: Fixtures): { x: tf.Tensor; y: tf.Tensor } {
  const mask = makeMask(fx, BATCH, TIME, true);
  const ids = Int32Array.from(mask, (m) => (m ? fx.int(1, VOCAB) : 0));
  const labels = Int32Array.from({ length: BATCH }, () => fx.int(0, CLASSES));
  return { x: tf.tensor2d(ids, [BATCH, TIME], 'int32'), y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES) };
}

async function countAfterTraining(model: tf.LayersModel, steps: number, fx: Fixtures): Promise<{ before: number; after: number; afterPredict: number }> {
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const { x, y } = batch(fx);
  await model.trainOnBatch(x, y); // warm-up: Adam creates its moment variables here
  const before = tf.memory().numTensors;
  for (let s = 0; s < steps; s++) await model.trainOnBatch(x, y);
  const after = tf.memory().numTensors;
  for (let s = 0; s < 10; s++) tf.dispose(model.predict(x));
  const afterPredict = tf.memory().numTensors;
  tf.dispose([x, y]);
  return { before, after, afterPredict };
}

describe('no tensor leaks', () => {
  const cases: Array<[string, number, () => tf.layers.Layer]> = [
    ['LSTM', 100, () => fusedRecurrent.LSTM({ units: 16 })],
    ['GRU (goBackwards)', 30, () => fusedRecurrent.GRU({ units: 16, goBackwards: true })],
    ['SimpleRNN (dropout)', 30, () => fusedRecurrent.SimpleRNN({ units: 16, dropout: 0.2 })],
    ['Bidirectional(LSTM)', 30, () => makeFusedBidirectional({ layer: fusedRecurrent.LSTM({ units: 8 }), mergeMode: 'concat' })],
  ];
  for (const [name, steps, recurrent] of cases) {
    it(`embedding(maskZero) -> fused ${name} -> fusedDense: ${steps} Adam steps and 10 predictions`, async () => {
      const fx = new Fixtures(name.length);
      const model = tf.sequential({
        layers: [tf.layers.embedding({ inputDim: VOCAB, outputDim: 8, maskZero: true, inputLength: TIME }), recurrent(), makeFusedDense({ units: CLASSES, activation: 'softmax' })],
      });
      const { before, after, afterPredict } = await countAfterTraining(model, steps, fx);
      expect(after, `tensors after ${steps} training steps (before: ${before})`).toBe(before);
      expect(afterPredict, `tensors after 10 predictions (before: ${before})`).toBe(before);
      model.dispose();
    });
  }

  it('gradients taken directly (tf.grads, tf.variableGrads) through a fused LSTM with initial state leave nothing behind', () => {
    const fx = new Fixtures(3);
    const layer = fusedRecurrent.LSTM({ units: 6, returnSequences: true, returnState: true });
    const x = tf.tensor3d(Float32Array.from(fx.uniform(3 * 5 * 4)), [3, 5, 4]);
    const h0 = tf.tensor2d(Float32Array.from(fx.uniform(3 * 6)), [3, 6]);
    const c0 = tf.tensor2d(Float32Array.from(fx.uniform(3 * 6)), [3, 6]);
    const mask = tf.tensor2d(Float32Array.from(makeMask(fx, 3, 5, true)), [3, 5]);
    const loss = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor): tf.Scalar => {
      const out = layer.apply(xx, { initialState: [hh, cc], mask }) as tf.Tensor[];
      return tf.addN(out.map((o) => tf.sum(tf.square(o)))) as tf.Scalar;
    };
    tf.dispose(loss(x, h0, c0)); // build
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => loss(a, b, c))([x, h0, c0]));
      const { value, grads } = tf.variableGrads(() => loss(x, h0, c0), vars);
      tf.dispose([value, ...Object.values(grads)]);
      tf.dispose(tf.tidy(() => loss(x, h0, c0)));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, h0, c0, mask]);
    layer.dispose();
  });
});
