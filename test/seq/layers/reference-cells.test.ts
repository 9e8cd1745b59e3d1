/**
 * Proves the float64 reference right before anything is measured against it: it must agree
 * with tfjs's own SimpleRNN/GRU/LSTM/Dense (cpu backend, float32) on every case of the matrix,
 * and central differences of its loss must agree with tfjs's autodiff gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseData, sequenceCases } from './cases.js';
import { autodiffGradients, checkAgainstFiniteDifferences, projectionsFor } from './gradients.js';
import { Fixtures, applyList, dropoutSemanticsProblems, useCpuBackend, assertClose, buildWithWeights, recurrentArgs, tensorOf, tfjsRecurrent, toF64, weightTensors } from './harness.js';
import { activate, runDense, runSequence } from './reference-cells.js';

beforeAll(useCpuBackend);

/** float32 vs float64 over ≤ 13 steps of bounded cells: a few ulps of float32 per step. */
const FORWARD_TOL = 1e-5;

describe('reference cells agree with tfjs-layers (cpu backend)', () => {
  for (const c of sequenceCases()) {
    it(c.name, () => {
      const { config, weights, input } = caseData(c);
      const shape = [c.batch, c.time, c.features];
      tf.tidy(() => {
        const x = tensorOf(input.x, shape);
        const kwargs: Record<string, unknown> = {};
        if (input.mask) kwargs['mask'] = tensorOf(input.mask, [c.batch, c.time]);
        if (input.initialState) kwargs['initialState'] = input.initialState.map((s) => tensorOf(s, [c.batch, c.units]));
        const ref = runSequence(config, weights, input);

        const seqLayer = tfjsRecurrent[c.kind](recurrentArgs(config, { returnSequences: true, returnState: true, useBias: c.useBias }));
        buildWithWeights(seqLayer, shape, weightTensors(weights, config));
        const [seq, ...states] = applyList(seqLayer, x, kwargs);
        expect(seq!.shape).toEqual([c.batch, c.time, c.units]);
        assertClose(toF64(seq!), ref.sequences, `${c.name}: sequences`, FORWARD_TOL, FORWARD_TOL, seq!.shape);
        expect(states.length).toBe(ref.states.length);
        states.forEach((s, i) => assertClose(toF64(s), ref.states[i]!, `${c.name}: state ${i}`, FORWARD_TOL, FORWARD_TOL, s.shape));

        const lastLayer = tfjsRecurrent[c.kind](recurrentArgs(config, { useBias: c.useBias }));
        buildWithWeights(lastLayer, shape, weightTensors(weights, config));
        const [last] = applyList(lastLayer, x, kwargs);
        expect(last!.shape).toEqual([c.batch, c.units]);
        assertClose(toF64(last!), ref.last, `${c.name}: last output`, FORWARD_TOL, FORWARD_TOL, last!.shape);
        seqLayer.dispose();
        lastLayer.dispose();
      });
    });
  }

  it('masked steps carry h; a fully masked sequence outputs its initial state at every step', () => {
    const c = sequenceCases().find((k) => k.name === 'LSTM initial state + goBackwards + padded mask')!;
    const { input } = caseData(c);
    const ref = runSequence(caseData(c).config, caseData(c).weights, input);
    const b = c.batch - 1; // the entirely masked sequence
    const h0 = input.initialState![0]!.subarray(b * c.units, (b + 1) * c.units);
    for (let k = 0; k < c.time; k++) expect(Array.from(ref.sequences.subarray((b * c.time + k) * c.units, (b * c.time + k + 1) * c.units))).toEqual(Array.from(h0));
    expect(Array.from(ref.states[1]!.subarray(b * c.units, (b + 1) * c.units))).toEqual(Array.from(input.initialState![1]!.subarray(b * c.units, (b + 1) * c.units)));
  });

  it('hardSigmoid is clip(0.2x + 0.5, 0, 1), as tfjs computes it', () => {
    const xs = [-4, -2.5, -1, 0, 0.3, 2.5, 3.7];
    const t = tf.tidy(() => (tf.layers.activation({ activation: 'hardSigmoid' }).apply(tf.tensor1d(xs)) as tf.Tensor).dataSync());
    xs.forEach((v, i) => expect(t[i]).toBeCloseTo(activate('hardSigmoid', v), 6));
  });

  it('tfjs input dropout: one mask per sequence for all steps, scaled by 1/(1 - rate) (what the fused layers must match)', () => {
    expect(dropoutSemanticsProblems(tfjsRecurrent.SimpleRNN)).toEqual([]);
  });

  it('dense reference agrees with tf.layers.dense on rank-2 and rank-3 inputs', () => {
    const fx = new Fixtures(5);
    for (const shape of [[4, 6], [3, 5, 6]]) {
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const x = fx.uniform(rows * 6);
      const kernel = fx.uniform(6 * 7);
      const bias = fx.uniform(7);
      tf.tidy(() => {
        const layer = tf.layers.dense({ units: 7, activation: 'tanh' });
        buildWithWeights(layer, shape, [tensorOf(kernel, [6, 7]), tensorOf(bias, [7])]);
        const y = layer.apply(tensorOf(x, shape)) as tf.Tensor;
        expect(y.shape).toEqual([...shape.slice(0, -1), 7]);
        assertClose(toF64(y), runDense(x, rows, 6, kernel, bias, 7, 'tanh'), `dense rank ${shape.length}`, 1e-6, 1e-6);
        layer.dispose();
      });
    }
  });
});

describe('central differences of the reference agree with tfjs autodiff (validates the gradient check)', () => {
  const names = [
    'LSTM mask with holes, sigmoid',
    'GRU initial state + goBackwards + padded mask',
    'SimpleRNN goBackwards + mask with holes',
    'LSTM initial state',
    'GRU no bias + mask',
  ];
  for (const name of names) {
    it(name, () => {
      const c = sequenceCases().find((k) => k.name === name)!;
      const { config, weights, input } = caseData(c);
      const shape = [c.batch, c.time, c.features];
      const layer = tfjsRecurrent[c.kind](recurrentArgs(config, { returnSequences: true, returnState: true, useBias: c.useBias }));
      buildWithWeights(layer, shape, weightTensors(weights, config));
      const x = tensorOf(input.x, shape);
      const mask = input.mask ? tensorOf(input.mask, [c.batch, c.time]) : null;
      const h0 = input.initialState ? input.initialState.map((s) => tensorOf(s, [c.batch, c.units])) : null;
      const kw: Record<string, unknown> = {};
      if (mask) kw['mask'] = mask;
      if (h0) kw['initialState'] = h0;
      const projections = projectionsFor(layer, x, kw, 99);
      const grads = autodiffGradients(layer, x, mask, h0, projections);
      checkAgainstFiniteDifferences(grads, config, weights, input, { returnSequences: true, returnState: true }, projections.map(toF64), {
        samples: 10,
        seed: 3,
        rtol: 1e-3,
        label: `tfjs ${name}`,
      });
      tf.dispose([x, ...(mask ? [mask] : []), ...(h0 ?? []), ...projections]);
      layer.dispose();
    });
  }
});
