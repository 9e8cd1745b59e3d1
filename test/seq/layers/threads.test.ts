/**
 * Thread-count independence: the fused kernels split work across worker threads, and the
 * result must not depend on how: outputs and gradients are bit-identical with 1, 2 and 3 threads.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseData, type SequenceCase } from './cases.js';
import { engineReady, engineThreads, fusedRecurrent, makeFusedBidirectional, makeFusedDense, setEngineThreads } from './fused-api.js';
import { autodiffGradients, projectionsFor } from './gradients.js';
import { Fixtures, KINDS, assertBitIdentical, buildWithWeights, makeMask, recurrentArgs, tensorOf, useCpuBackend, weightTensors } from './harness.js';

let original = 1;
beforeAll(async () => {
  await useCpuBackend();
  await engineReady();
  original = engineThreads();
});
afterAll(async () => {
  setEngineThreads(original);
  await engineReady();
});

async function withThreads<T>(n: number, f: () => T): Promise<T> {
  setEngineThreads(n);
  await engineReady();
  expect(engineThreads()).toBe(n);
  return f();
}

/** Everything a layer produces for a case, flattened to float32 arrays in a fixed order. */
function everything(kind: SequenceCase['kind'], c: SequenceCase): Array<[string, Float32Array]> {
  const { config, weights, input } = caseData(c);
  const layer = fusedRecurrent[kind](recurrentArgs(config, { returnSequences: true, returnState: true, useBias: c.useBias }));
  buildWithWeights(layer, [c.batch, c.time, c.features], weightTensors(weights, config));
  const x = tensorOf(input.x, [c.batch, c.time, c.features]);
  const mask = input.mask ? tensorOf(input.mask, [c.batch, c.time]) : null;
  const h0 = input.initialState ? input.initialState.map((s) => tensorOf(s, [c.batch, c.units])) : null;
  const kw: Record<string, unknown> = {};
  if (mask) kw['mask'] = mask;
  if (h0) kw['initialState'] = h0;
  const outputs = tf.tidy(() => (layer.apply(x, kw) as tf.Tensor[]).map((o) => o.dataSync() as Float32Array));
  const projections = projectionsFor(layer, x, kw, 5);
  const g = autodiffGradients(layer, x, mask, h0, projections);
  tf.dispose([x, ...(mask ? [mask] : []), ...(h0 ?? []), ...projections]);
  layer.dispose();
  const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);
  return [
    ...outputs.map((o, i): [string, Float32Array] => [`output ${i}`, o]),
    ['d/d inputs', f32(g.x)],
    ...g.initialState.map((s, i): [string, Float32Array] => [`d/d initial state ${i}`, f32(s)]),
    ['d/d kernel', f32(g.kernel)],
    ['d/d recurrent_kernel', f32(g.recurrentKernel)],
    ['d/d bias', f32(g.bias!)],
  ];
}

describe('results do not depend on the number of engine threads', () => {
  for (const kind of KINDS) {
    it(`${kind}: outputs and gradients bit-identical with 1, 2 and 3 threads`, async () => {
      // Large enough for the engine to split every step across threads (≥ 20·48·48 multiply-adds
      // per step even for SimpleRNN), a batch that 3 threads cannot share evenly and whose last
      // slice of rows (assembly/seq/slice.ts) is a short one; masked,
      // reversed, with an initial state.
      const c: SequenceCase = {
        name: `threads ${kind}`,
        kind,
        batch: 22,
        time: 10,
        features: 12,
        units: 48,
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        goBackwards: true,
        mask: 'holes',
        initialState: true,
        useBias: true,
        scale: 1,
      };
      const one = await withThreads(1, () => everything(kind, c));
      for (const n of [2, 3]) {
        const many = await withThreads(n, () => everything(kind, c));
        expect(many.map(([name]) => name)).toEqual(one.map(([name]) => name));
        many.forEach(([name, values], i) => assertBitIdentical(values, one[i]![1], `${kind} ${name}, ${n} threads vs 1`));
      }
    });
  }

  it('Bidirectional(LSTM) training step: identical weights after 3 Adam steps with 1 and 2 threads', async () => {
    const run = (): Float32Array[] => {
      const fx = new Fixtures(8);
      const layer = makeFusedBidirectional({ layer: fusedRecurrent.LSTM({ units: 24, returnSequences: true }), mergeMode: 'sum' });
      const [B, T, F] = [20, 8, 6];
      const shape = [B, T, F];
      tf.tidy(() => {
        layer.apply(tf.zeros(shape));
      });
      const w = layer.getWeights().map((t) => tensorOf(fx.uniform(t.size, -0.5, 0.5), t.shape));
      layer.setWeights(w);
      tf.dispose(w);
      const x = tensorOf(fx.uniform(B * T * F), shape);
      const mask = tensorOf(makeMask(fx, B, T, true), [B, T]);
      const target = tensorOf(fx.uniform(B * T * 24), [B, T, 24]);
      const optimizer = tf.train.adam(0.05);
      for (let s = 0; s < 3; s++) {
        optimizer.minimize(() => tf.mean(tf.square(tf.sub(layer.apply(x, { mask }) as tf.Tensor, target))) as tf.Scalar);
      }
      const out = layer.getWeights().map((t) => t.dataSync() as Float32Array);
      tf.dispose([x, mask, target]);
      optimizer.dispose();
      layer.dispose();
      return out;
    };
    const one = await withThreads(1, run);
    const two = await withThreads(2, run);
    two.forEach((w, i) => assertBitIdentical(w, one[i]!, `Bidirectional weight ${i} after training, 2 threads vs 1`));
  });

  it('fusedDense on a rank-3 input: outputs and gradients bit-identical with 1, 2 and 3 threads', async () => {
    const run = (): Float32Array[] => {
      const fx = new Fixtures(9);
      const [B, T, F, U] = [10, 13, 40, 72];
      const layer = makeFusedDense({ units: U, activation: 'tanh' });
      buildWithWeights(layer, [B, T, F], [tensorOf(fx.uniform(F * U, -0.3, 0.3), [F, U]), tensorOf(fx.uniform(U), [U])]);
      const x = tensorOf(fx.uniform(B * T * F), [B, T, F]);
      const projection = tensorOf(fx.uniform(B * T * U), [B, T, U]);
      const y = tf.tidy(() => (layer.apply(x) as tf.Tensor).dataSync() as Float32Array);
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const xVar = tf.variable(x);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar) as tf.Tensor, projection)) as tf.Scalar, [xVar, ...vars]);
      const out = [y, ...[xVar, ...vars].map((v) => grads[v.name]!.dataSync() as Float32Array)];
      tf.dispose([x, xVar, projection, value, ...Object.values(grads)]);
      layer.dispose();
      return out;
    };
    const one = await withThreads(1, run);
    for (const n of [2, 3]) {
      const many = await withThreads(n, run);
      ['output', 'd/d inputs', 'd/d kernel', 'd/d bias'].forEach((name, i) => assertBitIdentical(many[i]!, one[i]!, `Dense ${name}, ${n} threads vs 1`));
    }
  });
});
