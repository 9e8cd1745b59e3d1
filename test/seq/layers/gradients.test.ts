/**
 * Gradients of the fused layers: against tfjs autodiff through tfjs's own layers (same weights,
 * both float32: ~1e-4 relative), and against central differences of the float64 reference
 * (1e-3 relative on a sample of entries), with masks, goBackwards and initial states.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseData, largeCases, sequenceCases, type SequenceCase } from './cases.js';
import { engineReady, engineThreads, fusedRecurrent, makeFusedBidirectional, makeFusedDense, setEngineThreads } from './fused-api.js';
import { autodiffGradients, checkAgainstFiniteDifferences, projectionsFor, type GradientSet } from './gradients.js';
import { Fixtures, KINDS, assertClose, buildWithWeights, encoderDecoder, encoderDecoderBatch, makeMask, recurrentArgs, tensorOf, tfjsRecurrent, toF64, useCpuBackend, weightTensors } from './harness.js';
import type { CellKind } from './reference-cells.js';

beforeAll(useCpuBackend);

/** float32 gradients summed over batch × time in different orders: 1e-4 of the largest entry. */
const RTOL = 1e-4;
const ATOL = 1e-6;

function compareGradientSets(label: string, fused: GradientSet, reference: GradientSet): void {
  assertClose(fused.x, reference.x, `${label}: d/d inputs`, ATOL, RTOL);
  expect(fused.initialState.length, `${label}: initial-state gradients`).toBe(reference.initialState.length);
  fused.initialState.forEach((g, i) => assertClose(g, reference.initialState[i]!, `${label}: d/d initial state ${i}`, ATOL, RTOL));
  assertClose(fused.kernel, reference.kernel, `${label}: d/d kernel`, ATOL, RTOL);
  assertClose(fused.recurrentKernel, reference.recurrentKernel, `${label}: d/d recurrent_kernel`, ATOL, RTOL);
  expect(fused.bias === null, `${label}: bias gradient present`).toBe(reference.bias === null);
  if (fused.bias && reference.bias) assertClose(fused.bias, reference.bias, `${label}: d/d bias`, ATOL, RTOL);
}

interface Setup {
  x: tf.Tensor;
  mask: tf.Tensor | null;
  initialState: tf.Tensor[] | null;
  kwargs: Record<string, unknown>;
  dispose(): void;
}

function setupFor(c: SequenceCase, input: ReturnType<typeof caseData>['input']): Setup {
  const x = tensorOf(input.x, [c.batch, c.time, c.features]);
  const mask = input.mask ? tensorOf(input.mask, [c.batch, c.time]) : null;
  const initialState = input.initialState ? input.initialState.map((s) => tensorOf(s, [c.batch, c.units])) : null;
  const kwargs: Record<string, unknown> = {};
  if (mask) kwargs['mask'] = mask;
  if (initialState) kwargs['initialState'] = initialState;
  return { x, mask, initialState, kwargs, dispose: () => tf.dispose([x, ...(mask ? [mask] : []), ...(initialState ?? [])]) };
}

describe('fused gradients equal tfjs autodiff through tfjs layers', () => {
  // tfjs 4.22 cannot differentiate its own RNN over a single time step (Unpack_grad hands stack()
  // one tensor instead of a list); those cases are covered by the finite-difference check below.
  for (const c of sequenceCases().filter((k) => k.time > 1)) {
    const variants: Array<[boolean, boolean]> = [[true, true]];
    if (c.goBackwards) variants.push([false, false], [true, false]);
    it(c.name, () => {
      const { config, weights, input } = caseData(c);
      const shape = [c.batch, c.time, c.features];
      const s = setupFor(c, input);
      for (const [returnSequences, returnState] of variants) {
        const label = `${c.name} (returnSequences ${returnSequences}, returnState ${returnState})`;
        const options = { returnSequences, returnState, useBias: c.useBias };
        const fused = fusedRecurrent[c.kind](recurrentArgs(config, options));
        const reference = tfjsRecurrent[c.kind](recurrentArgs(config, options));
        buildWithWeights(fused, shape, weightTensors(weights, config));
        buildWithWeights(reference, shape, weightTensors(weights, config));
        const projections = projectionsFor(reference, s.x, s.kwargs, 7);
        compareGradientSets(label, autodiffGradients(fused, s.x, s.mask, s.initialState, projections), autodiffGradients(reference, s.x, s.mask, s.initialState, projections));
        tf.dispose(projections);
        fused.dispose();
        reference.dispose();
      }
      s.dispose();
    });
  }
});

describe('large sizes on 2 engine threads: gradients equal tfjs autodiff', () => {
  let original = 1;
  beforeAll(async () => {
    original = engineThreads();
    setEngineThreads(2);
    await engineReady();
  });
  afterAll(() => setEngineThreads(original));

  for (const c of largeCases()) {
    it(c.name, () => {
      const { config, weights, input } = caseData(c);
      const shape = [c.batch, c.time, c.features];
      const s = setupFor(c, input);
      const options = { returnSequences: true, returnState: true };
      const fused = fusedRecurrent[c.kind](recurrentArgs(config, options));
      const reference = tfjsRecurrent[c.kind](recurrentArgs(config, options));
      buildWithWeights(fused, shape, weightTensors(weights, config));
      buildWithWeights(reference, shape, weightTensors(weights, config));
      const projections = projectionsFor(reference, s.x, s.kwargs, 13);
      compareGradientSets(c.name, autodiffGradients(fused, s.x, s.mask, s.initialState, projections), autodiffGradients(reference, s.x, s.mask, s.initialState, projections));
      tf.dispose(projections);
      fused.dispose();
      reference.dispose();
      s.dispose();
    });
  }
});

describe('fused gradients agree with central differences of the float64 reference', () => {
  const names: Array<[string, boolean, boolean]> = [];
  for (const kind of KINDS) {
    names.push(
      [`${kind} mask with holes, sigmoid`, true, true],
      [`${kind} goBackwards + mask with holes`, true, true],
      [`${kind} initial state + goBackwards + padded mask`, true, true],
      [`${kind} initial state + goBackwards + padded mask`, false, false],
      [`${kind} no bias + mask`, false, true],
      [`${kind} odd sizes b7 t11 f13 u17`, true, false],
      [`${kind} pre-padded mask + goBackwards`, true, false],
      [`${kind} batch 1 time 1`, true, true],
      [`${kind} batch 5 time 1`, false, false],
    );
  }
  for (const [name, returnSequences, returnState] of names) {
    it(`${name} (returnSequences ${returnSequences}, returnState ${returnState})`, () => {
      const c = sequenceCases().find((k) => k.name === name)!;
      const { config, weights, input } = caseData(c);
      const fused = fusedRecurrent[c.kind](recurrentArgs(config, { returnSequences, returnState, useBias: c.useBias }));
      buildWithWeights(fused, [c.batch, c.time, c.features], weightTensors(weights, config));
      const s = setupFor(c, input);
      const projections = projectionsFor(fused, s.x, s.kwargs, 11);
      const grads = autodiffGradients(fused, s.x, s.mask, s.initialState, projections);
      checkAgainstFiniteDifferences(grads, config, weights, input, { returnSequences, returnState }, projections.map(toF64), {
        samples: 8,
        seed: 5,
        rtol: 1e-3,
        label: `fused ${name}`,
      });
      tf.dispose(projections);
      s.dispose();
      fused.dispose();
    });
  }
});

/** Gradients of sum(f(x) ⊙ P) w.r.t. x and every trainable weight (in trainableWeights order). */
function allGradients(weightsOf: tf.layers.Layer | tf.LayersModel, f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, projection: tf.Tensor): { x: Float64Array | null; weights: Float64Array[]; names: string[] } {
  const varList = weightsOf.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(f(x), projection)) as tf.Scalar, varList);
  const weights = varList.map((v) => {
    const g = grads[v.name];
    if (!g) throw new Error(`no gradient for ${v.name}`);
    return toF64(g);
  });
  // 'forward/kernel', 'backward/bias', or for plain layers '<layer kind>/kernel' (no uid suffixes).
  const names = weightsOf.trainableWeights.map((w) => {
    const parts = w.originalName.split('/');
    const owner = parts.find((p) => p.startsWith('forward_') || p.startsWith('backward_'));
    return `${owner ? owner.split('_')[0] : (parts[parts.length - 2] ?? '').split('_')[0]}/${parts[parts.length - 1]}`;
  });
  let dx: Float64Array | null = null;
  if (x.dtype === 'float32') {
    const [g] = tf.grads((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), projection)))([x]);
    dx = toF64(g!);
    g!.dispose();
  }
  tf.dispose([value, ...Object.values(grads)]);
  return { x: dx, weights, names };
}

describe('gradients through wrappers and models', () => {
  for (const kind of KINDS) {
    it(`Bidirectional(${kind}) concat, masked: gradients equal tfjs`, () => {
      const fx = new Fixtures(500 + kind.length);
      const config = { kind, units: 5, inputDim: 4, recurrentActivation: 'sigmoid' as const };
      const [B, T] = [4, 6];
      const weights = [...weightTensors(fx.weights(config), config), ...weightTensors(fx.weights(config), config)];
      const fused = makeFusedBidirectional({ layer: fusedRecurrent[kind](recurrentArgs(config, { returnSequences: true })), mergeMode: 'concat' });
      const reference = tf.layers.bidirectional({ layer: tfjsRecurrent[kind](recurrentArgs(config, { returnSequences: true })) as tf.RNN, mergeMode: 'concat' });
      buildWithWeights(fused, [B, T, 4], weights);
      buildWithWeights(reference, [B, T, 4], weights);
      const x = tensorOf(fx.uniform(B * T * 4), [B, T, 4]);
      const mask = tensorOf(makeMask(fx, B, T, true), [B, T]);
      const projection = tensorOf(fx.uniform(B * T * 10), [B, T, 10]);
      const a = allGradients(fused, (xx) => fused.apply(xx, { mask }) as tf.Tensor, x, projection);
      const b = allGradients(reference, (xx) => reference.apply(xx, { mask }) as tf.Tensor, x, projection);
      expect(a.names).toEqual(b.names);
      assertClose(a.x!, b.x!, 'Bidirectional d/d inputs', ATOL, RTOL);
      a.weights.forEach((g, i) => assertClose(g, b.weights[i]!, `Bidirectional d/d ${b.names[i]}`, ATOL, RTOL));
      tf.dispose([...weights, x, mask, projection]);
      fused.dispose();
      reference.dispose();
    });
  }

  it('fusedDense on rank-3 input: gradients equal tfjs', () => {
    const fx = new Fixtures(600);
    const weights = [tensorOf(fx.uniform(6 * 4), [6, 4]), tensorOf(fx.uniform(4), [4])];
    const fused = makeFusedDense({ units: 4, activation: 'tanh' });
    const reference = tf.layers.dense({ units: 4, activation: 'tanh' });
    buildWithWeights(fused, [3, 5, 6], weights);
    buildWithWeights(reference, [3, 5, 6], weights);
    const x = tensorOf(fx.uniform(3 * 5 * 6), [3, 5, 6]);
    const projection = tensorOf(fx.uniform(3 * 5 * 4), [3, 5, 4]);
    const a = allGradients(fused, (xx) => fused.apply(xx) as tf.Tensor, x, projection);
    const b = allGradients(reference, (xx) => reference.apply(xx) as tf.Tensor, x, projection);
    assertClose(a.x!, b.x!, 'Dense d/d inputs', ATOL, RTOL);
    a.weights.forEach((g, i) => assertClose(g, b.weights[i]!, `Dense d/d weight ${i}`, ATOL, RTOL));
    tf.dispose([...weights, x, projection]);
    fused.dispose();
    reference.dispose();
  });

  for (const kind of KINDS) {
    it(`${kind} encoder -> decoder (initialState from the encoder's returned states): every weight gradient equals tfjs`, () => {
      const fx = new Fixtures(800 + kind.length);
      const a = encoderDecoder(fusedRecurrent, makeFusedDense, kind).model;
      const b = encoderDecoder(tfjsRecurrent, (args) => tf.layers.dense(args as never), kind).model;
      const w = a.getWeights().map((t) => tensorOf(fx.uniform(t.size, -0.7, 0.7), t.shape));
      a.setWeights(w);
      b.setWeights(w);
      const inputs = encoderDecoderBatch(fx, 6);
      const projection = tensorOf(fx.uniform(6 * 5 * 9), [6, 5, 9]);
      const lossOf = (m: tf.LayersModel) => (): tf.Scalar => tf.sum(tf.mul(m.apply(inputs) as tf.Tensor, projection)) as tf.Scalar;
      const gradsOf = (m: tf.LayersModel): Float64Array[] => {
        const vars = m.trainableWeights.map((v) => v.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(lossOf(m), vars);
        const out = vars.map((v) => toF64(grads[v.name]!));
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      };
      const ga = gradsOf(a);
      const gb = gradsOf(b);
      const names = b.trainableWeights.map((v) => v.originalName);
      expect(ga.length).toBe(gb.length);
      ga.forEach((g, i) => assertClose(g, gb[i]!, `${kind} encoder-decoder d/d ${names[i]}`, ATOL, RTOL));
      tf.dispose([...w, ...inputs, projection]);
      a.dispose();
      b.dispose();
    });
  }

  for (const kind of KINDS) {
    it(`${kind}: one layer applied to two sequences (different lengths) in one loss: gradients equal tfjs`, () => {
      const fx = new Fixtures(900 + kind.length);
      const config = { kind, units: 6, inputDim: 4, recurrentActivation: 'sigmoid' as const };
      const w = fx.weights(config);
      const fused = fusedRecurrent[kind](recurrentArgs(config, { returnSequences: true }));
      const reference = tfjsRecurrent[kind](recurrentArgs(config, { returnSequences: true }));
      buildWithWeights(fused, [3, 5, 4], weightTensors(w, config));
      buildWithWeights(reference, [3, 5, 4], weightTensors(w, config));
      const x1 = tensorOf(fx.uniform(3 * 5 * 4), [3, 5, 4]);
      const x2 = tensorOf(fx.uniform(2 * 8 * 4), [2, 8, 4]);
      const m2 = tensorOf(makeMask(fx, 2, 8, true), [2, 8]);
      const p1 = tensorOf(fx.uniform(3 * 5 * 6), [3, 5, 6]);
      const p2 = tensorOf(fx.uniform(2 * 8 * 6), [2, 8, 6]);
      const gradsOf = (layer: tf.layers.Layer): Float64Array[] => {
        const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(
          () => tf.add(tf.sum(tf.mul(layer.apply(x1) as tf.Tensor, p1)), tf.sum(tf.mul(layer.apply(x2, { mask: m2 }) as tf.Tensor, p2))) as tf.Scalar,
          vars,
        );
        const out = vars.map((v) => toF64(grads[v.name]!));
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      };
      const a = gradsOf(fused);
      const b = gradsOf(reference);
      a.forEach((g, i) => assertClose(g, b[i]!, `${kind} shared layer d/d weight ${i}`, ATOL, RTOL));
      tf.dispose([x1, x2, m2, p1, p2]);
      fused.dispose();
      reference.dispose();
    });

    it(`${kind}: stateful training (SGD on consecutive chunks) matches tfjs`, async () => {
      const fx = new Fixtures(950 + kind.length);
      const config = { kind, units: 5, inputDim: 3, recurrentActivation: 'sigmoid' as const };
      const options = { stateful: true, returnSequences: true, batchInputShape: [2, 4, 3] };
      const build = (rnn: typeof fusedRecurrent): tf.Sequential => {
        const m = tf.sequential({ layers: [rnn[kind](recurrentArgs(config, options))] });
        m.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
        return m;
      };
      const a = build(fusedRecurrent);
      const b = build(tfjsRecurrent);
      const w = a.getWeights().map((t) => tensorOf(fx.uniform(t.size, -0.6, 0.6), t.shape));
      a.setWeights(w);
      b.setWeights(w);
      for (let step = 0; step < 4; step++) {
        const x = tensorOf(fx.uniform(2 * 4 * 3), [2, 4, 3]);
        const y = tensorOf(fx.uniform(2 * 4 * 5, -0.5, 0.5), [2, 4, 5]);
        const [la, lb] = [Number(await a.trainOnBatch(x, y)), Number(await b.trainOnBatch(x, y))];
        expect(Math.abs(la - lb), `step ${step} loss ${la} vs tfjs ${lb}`).toBeLessThan(1e-5);
        tf.dispose([x, y]);
      }
      const wa = a.getWeights().map(toF64);
      const wb = b.getWeights().map(toF64);
      wa.forEach((v, i) => assertClose(v, wb[i]!, `${kind} stateful weight ${i} after 4 SGD steps`, 1e-5, 1e-4));
      tf.dispose(w);
      a.dispose();
      b.dispose();
    });
  }

  const stacks: Array<[CellKind, CellKind]> = [
    ['LSTM', 'GRU'],
    ['SimpleRNN', 'LSTM'],
  ];
  for (const [first, second] of stacks) {
    it(`embedding(maskZero) -> ${first} (goBackwards) -> ${second} -> dense: every weight gradient equals tfjs`, () => {
      const fx = new Fixtures(700);
      const build = (fused: boolean): tf.Sequential => {
        const rnn = fused ? fusedRecurrent : tfjsRecurrent;
        return tf.sequential({
          layers: [
            tf.layers.embedding({ inputDim: 10, outputDim: 5, maskZero: true, inputLength: 7 }),
            rnn[first]({ units: 8, returnSequences: true, goBackwards: true }),
            rnn[second]({ units: 6, recurrentActivation: 'sigmoid' }),
            fused ? makeFusedDense({ units: 3 }) : tf.layers.dense({ units: 3 }),
          ],
        });
      };
      const a = build(true);
      const b = build(false);
      const w = a.getWeights().map((t) => tensorOf(fx.uniform(t.size, -0.6, 0.6), t.shape));
      a.setWeights(w);
      b.setWeights(w);
      const mask = makeMask(fx, 6, 7, true);
      const ids = tf.tensor2d(Int32Array.from(mask, (m) => (m ? fx.int(1, 10) : 0)), [6, 7], 'int32');
      const projection = tensorOf(fx.uniform(6 * 3), [6, 3]);
      const ga = allGradients(a, (xx) => a.apply(xx) as tf.Tensor, ids, projection);
      const gb = allGradients(b, (xx) => b.apply(xx) as tf.Tensor, ids, projection);
      expect(ga.weights.length).toBe(gb.weights.length);
      ga.weights.forEach((g, i) => assertClose(g, gb.weights[i]!, `model d/d ${gb.names[i]}`, ATOL, RTOL));
      // The embedding rows of padding (id 0) get no gradient through a masked recurrent layer.
      const emb = ga.weights[0]!;
      expect(Array.from(emb.subarray(0, 5), Math.abs), 'embedding row 0 gradient').toEqual([0, 0, 0, 0, 0]);
      tf.dispose([...w, ids, projection]);
      a.dispose();
      b.dispose();
    });
  }
});
