/**
 * The fused layers read and write tensors through whatever tfjs backend is active; on the wasm
 * backend (wordloom's usual one without tfjs-node) they must give what tfjs's own layers give on
 * the cpu backend, forward and backward.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseData, sequenceCases } from './cases.js';
import { fusedRecurrent, makeFusedDense } from './fused-api.js';
import { autodiffGradients, projectionsFor, type GradientSet } from './gradients.js';
import { Fixtures, applyList, assertClose, buildWithWeights, recurrentArgs, tensorOf, tfjsRecurrent, toF64, useCpuBackend, weightTensors, type RecurrentFactory } from './harness.js';

beforeAll(useCpuBackend);
afterAll(async () => {
  await tf.setBackend('cpu');
});

const NAMES = ['LSTM initial state + goBackwards + padded mask', 'GRU mask with holes, sigmoid', 'SimpleRNN goBackwards + mask with holes', 'LSTM odd sizes b7 t11 f13 u17'];

interface Result {
  outputs: Float64Array[];
  grads: GradientSet;
}

function run(name: string, factory: Record<string, RecurrentFactory>): Result {
  const c = sequenceCases().find((k) => k.name === name)!;
  const { config, weights, input } = caseData(c);
  const shape = [c.batch, c.time, c.features];
  const layer = factory[c.kind]!(recurrentArgs(config, { returnSequences: true, returnState: true, useBias: c.useBias }));
  buildWithWeights(layer, shape, weightTensors(weights, config));
  const x = tensorOf(input.x, shape);
  const mask = input.mask ? tensorOf(input.mask, [c.batch, c.time]) : null;
  const h0 = input.initialState ? input.initialState.map((s) => tensorOf(s, [c.batch, c.units])) : null;
  const kw: Record<string, unknown> = {};
  if (mask) kw['mask'] = mask;
  if (h0) kw['initialState'] = h0;
  const outs = applyList(layer, x, kw);
  const outputs = outs.map(toF64);
  const projections = projectionsFor(layer, x, kw, 21);
  const grads = autodiffGradients(layer, x, mask, h0, projections);
  tf.dispose([...outs, x, ...(mask ? [mask] : []), ...(h0 ?? []), ...projections]);
  layer.dispose();
  return { outputs, grads };
}

describe('fused layers on the tfjs wasm backend', () => {
  it('equal tfjs layers on the cpu backend: outputs and gradients', async () => {
    expect(tf.getBackend()).toBe('cpu');
    const expected = NAMES.map((n) => run(n, tfjsRecurrent));
    const fx = new Fixtures(1);
    const dense = { kernel: fx.uniform(6 * 5), bias: fx.uniform(5), x: fx.uniform(2 * 3 * 6) };
    const denseOn = (make: (a: Record<string, unknown>) => tf.layers.Layer): Float64Array => {
      const l = make({ units: 5, activation: 'tanh' });
      const w = [tensorOf(dense.kernel, [6, 5]), tensorOf(dense.bias, [5])];
      buildWithWeights(l, [2, 3, 6], w);
      const y = tf.tidy(() => l.apply(tensorOf(dense.x, [2, 3, 6])) as tf.Tensor);
      const values = toF64(y);
      tf.dispose([y, ...w]);
      l.dispose();
      return values;
    };
    const denseExpected = denseOn((a) => tf.layers.dense(a as never));

    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      NAMES.forEach((name, i) => {
        const got = run(name, fusedRecurrent);
        const want = expected[i]!;
        expect(got.outputs.length).toBe(want.outputs.length);
        got.outputs.forEach((o, k) => assertClose(o, want.outputs[k]!, `wasm ${name}: output ${k}`, 1e-5, 1e-6));
        assertClose(got.grads.x, want.grads.x, `wasm ${name}: d/d inputs`, 1e-6, 1e-4);
        got.grads.initialState.forEach((g, k) => assertClose(g, want.grads.initialState[k]!, `wasm ${name}: d/d initial state ${k}`, 1e-6, 1e-4));
        assertClose(got.grads.kernel, want.grads.kernel, `wasm ${name}: d/d kernel`, 1e-6, 1e-4);
        assertClose(got.grads.recurrentKernel, want.grads.recurrentKernel, `wasm ${name}: d/d recurrent_kernel`, 1e-6, 1e-4);
        if (want.grads.bias) assertClose(got.grads.bias!, want.grads.bias, `wasm ${name}: d/d bias`, 1e-6, 1e-4);
      });
      assertClose(denseOn(makeFusedDense), denseExpected, 'wasm fusedDense', 1e-5, 1e-6);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
