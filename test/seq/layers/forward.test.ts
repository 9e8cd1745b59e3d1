/**
 * Forward equality: wordloom's fused layers against tfjs's own layers holding the same weights
 * (cpu backend), and against the float64 reference. Both sides are float32, so the bound is
 * 1e-5 absolute (plus 1e-6 relative for the unbounded relu/linear cells).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseData, largeCases, sequenceCases } from './cases.js';
import { engineReady, engineThreads, fusedClass, fusedRecurrent, makeFusedBidirectional, makeFusedDense, setEngineThreads, tfjsClass } from './fused-api.js';
import {
  Fixtures,
  KINDS,
  applyList,
  assertClose,
  assertTensorsClose,
  buildWithWeights,
  dropoutSemanticsProblems,
  encoderDecoder,
  encoderDecoderBatch,
  makeMask,
  recurrentArgs,
  tensorOf,
  tfjsRecurrent,
  toF64,
  useCpuBackend,
  weightTensors,
} from './harness.js';
import { gateCount, runSequence, type CellConfig, type CellKind } from './reference-cells.js';

beforeAll(useCpuBackend);

const ATOL = 1e-5;
const RTOL = 1e-6;

interface Pair {
  fused: tf.layers.Layer;
  reference: tf.layers.Layer;
}

/** A fused layer and tfjs's own layer with identical args and weights. */
function pair(kind: CellKind, config: CellConfig, options: Parameters<typeof recurrentArgs>[1], shape: number[], weights: tf.Tensor[]): Pair {
  const fused = fusedRecurrent[kind](recurrentArgs(config, options));
  const reference = tfjsRecurrent[kind](recurrentArgs(config, options));
  expect(fused.getClassName(), 'getClassName() of the fused layer').toBe(kind);
  buildWithWeights(fused, shape, weights);
  buildWithWeights(reference, shape, weights);
  return { fused, reference };
}

function expectSameOutputs(what: string, fused: tf.Tensor[], reference: tf.Tensor[]): void {
  expect(fused.length, `${what}: number of outputs`).toBe(reference.length);
  fused.forEach((f, i) => assertTensorsClose(f, reference[i]!, `${what}: output ${i}`, ATOL, RTOL));
}

describe('fused recurrent layers equal tfjs-layers forward', () => {
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
        for (const returnSequences of [true, false]) {
          for (const returnState of [true, false]) {
            const label = `${c.name} (returnSequences ${returnSequences}, returnState ${returnState})`;
            const { fused, reference } = pair(c.kind, config, { returnSequences, returnState, useBias: c.useBias }, shape, weightTensors(weights, config));
            const got = applyList(fused, x, kwargs);
            expectSameOutputs(label, got, applyList(reference, x, kwargs));
            assertClose(toF64(got[0]!), returnSequences ? ref.sequences : ref.last, `${label}: vs float64 reference`, ATOL, RTOL, got[0]!.shape);
            fused.dispose();
            reference.dispose();
          }
        }
      });
    });
  }

  for (const kind of ['GRU', 'LSTM'] as const) {
    it(`${kind} with recurrentActivation left unset uses tfjs's default (hardSigmoid)`, () => {
      const c = sequenceCases().find((k) => k.name === `${kind} b3 t7 f5 u9`)!;
      const { config, weights, input } = caseData(c, 1);
      const shape = [c.batch, c.time, c.features];
      tf.tidy(() => {
        const { fused, reference } = pair(kind, config, { returnSequences: true, defaultRecurrentActivation: true }, shape, weightTensors(weights, config));
        expect(fused.getConfig()['recurrentActivation']).toBe('hardSigmoid');
        const x = tensorOf(input.x, shape);
        expectSameOutputs(`${kind} default recurrentActivation`, applyList(fused, x), applyList(reference, x));
        assertClose(toF64(applyList(fused, x)[0]!), runSequence({ ...config, recurrentActivation: 'hardSigmoid' }, weights, input).sequences, 'vs reference with hardSigmoid', ATOL);
      });
    });
  }

  it('a layer called again with a different batch size and length still agrees', () => {
    const fx = new Fixtures(41);
    for (const kind of KINDS) {
      const config: CellConfig = { kind, units: 6, inputDim: 4, recurrentActivation: 'sigmoid' };
      const w = fx.weights(config);
      tf.tidy(() => {
        const { fused, reference } = pair(kind, config, { returnSequences: true }, [2, 5, 4], weightTensors(w, config));
        for (const [b, t] of [[2, 5], [1, 9], [6, 2], [3, 1]] as const) {
          const x = tensorOf(fx.uniform(b * t * 4), [b, t, 4]);
          expectSameOutputs(`${kind} batch ${b} time ${t}`, applyList(fused, x), applyList(reference, x));
        }
      });
    }
  });
});

describe('large sizes on 2 engine threads', () => {
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
      tf.tidy(() => {
        const x = tensorOf(input.x, shape);
        const kwargs = { mask: tensorOf(input.mask!, [c.batch, c.time]), initialState: input.initialState!.map((s) => tensorOf(s, [c.batch, c.units])) };
        const { fused, reference } = pair(c.kind, config, { returnSequences: true, returnState: true }, shape, weightTensors(weights, config));
        const got = applyList(fused, x, kwargs);
        expectSameOutputs(c.name, got, applyList(reference, x, kwargs));
        assertClose(toF64(got[0]!), runSequence(config, weights, input).sequences, `${c.name}: vs float64 reference`, ATOL, RTOL, got[0]!.shape);
      });
    });
  }

  it('fusedDense [9, 11, 270] -> 67 units', () => {
    const fx = new Fixtures(4242);
    const shape = [9, 11, 270];
    const weights = [tensorOf(fx.uniform(270 * 67, -0.1, 0.1), [270, 67]), tensorOf(fx.uniform(67), [67])];
    tf.tidy(() => {
      const fused = makeFusedDense({ units: 67 });
      const reference = tf.layers.dense({ units: 67 });
      buildWithWeights(fused, shape, weights);
      buildWithWeights(reference, shape, weights);
      const x = tensorOf(fx.uniform(9 * 11 * 270), shape);
      assertTensorsClose(fused.apply(x) as tf.Tensor, reference.apply(x) as tf.Tensor, 'large dense', ATOL, RTOL);
    });
    tf.dispose(weights);
  });
});

describe('fused layers keep tfjs config and weight layout', () => {
  for (const kind of KINDS) {
    it(`${kind}: getConfig(), weight names and shapes match tfjs`, () => {
      const args = {
        units: 7,
        returnSequences: true,
        goBackwards: true,
        dropout: 0.25,
        kernelInitializer: 'glorotUniform',
        ...(kind === 'LSTM' ? { unitForgetBias: true } : {}),
        ...(kind !== 'SimpleRNN' ? { recurrentActivation: 'sigmoid' } : {}),
      };
      const fused = fusedRecurrent[kind]({ ...args, name: `cfg_${kind}` });
      const reference = tfjsRecurrent[kind]({ ...args, name: `cfg_${kind}` });
      expect(fused).toBeInstanceOf(tfjsClass[kind]);
      expect(fused.getClassName()).toBe(kind);
      expect(JSON.parse(JSON.stringify(fused.getConfig()))).toEqual(JSON.parse(JSON.stringify(reference.getConfig())));
      tf.tidy(() => {
        fused.apply(tf.zeros([1, 2, 3]));
        reference.apply(tf.zeros([1, 2, 3]));
      });
      const describeWeights = (l: tf.layers.Layer): string[] => l.weights.map((w) => `${w.originalName.split('/').pop()} [${w.shape}] ${w.dtype} trainable=${w.trainable}`);
      expect(describeWeights(fused)).toEqual(describeWeights(reference));
      const G = gateCount(kind);
      expect(fused.weights.map((w) => w.shape)).toEqual([[3, G * 7], [7, G * 7], [G * 7]]);
      if (kind === 'LSTM') {
        // unitForgetBias initialises the f block of the bias to ones, the rest to zeros.
        const bias = fused.getWeights()[2]!.dataSync();
        expect(Array.from(bias.slice(7, 14))).toEqual(new Array(7).fill(1));
        expect(Array.from(bias.slice(0, 7))).toEqual(new Array(7).fill(0));
      }
      fused.dispose();
      reference.dispose();
    });
  }

  it('Dense: getConfig() and weights match tfjs', () => {
    const args = { units: 5, activation: 'relu', useBias: true, name: 'cfg_dense' };
    const fused = makeFusedDense({ ...args });
    const reference = tf.layers.dense({ ...args } as never);
    expect(fused).toBeInstanceOf(tfjsClass.Dense);
    expect(fused.getClassName()).toBe('Dense');
    expect(JSON.parse(JSON.stringify(fused.getConfig()))).toEqual(JSON.parse(JSON.stringify(reference.getConfig())));
    tf.tidy(() => {
      fused.apply(tf.zeros([2, 3]));
      reference.apply(tf.zeros([2, 3]));
    });
    expect(fused.weights.map((w) => `${w.originalName.split('/').pop()} [${w.shape}]`)).toEqual(reference.weights.map((w) => `${w.originalName.split('/').pop()} [${w.shape}]`));
    fused.dispose();
    reference.dispose();
  });

  it('the factories build their own classes (subclasses of tfjs classes), not tfjs classes', () => {
    for (const kind of [...KINDS, 'Dense'] as const) {
      expect(fusedClass(kind), `${kind} factory`).not.toBe(tfjsClass[kind]);
    }
  });
});

describe('stacked layers in a tf.sequential', () => {
  /** embedding(maskZero) -> rnn(returnSequences) -> rnn -> dense, both models with the same weights. */
  function stacked(fused: boolean, first: CellKind, second: CellKind, goBackwards: boolean): tf.Sequential {
    const rnn = fused ? fusedRecurrent : tfjsRecurrent;
    const dense = fused ? makeFusedDense : (a: Record<string, unknown>) => tf.layers.dense(a as never);
    return tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 11, outputDim: 6, maskZero: true, inputLength: 8 }),
        rnn[first]({ units: 9, returnSequences: true, recurrentActivation: 'sigmoid', goBackwards }),
        rnn[second]({ units: 5 }),
        dense({ units: 4, activation: 'softmax' }),
      ],
    });
  }

  /** Token ids with trailing padding, padding holes, and one sequence of padding only. */
  function tokens(fx: Fixtures, batch: number, time: number): tf.Tensor {
    const mask = makeMask(fx, batch, time, true);
    const ids = new Float32Array(batch * time);
    for (let i = 0; i < ids.length; i++) ids[i] = mask[i] ? fx.int(1, 11) : 0;
    return tf.tensor2d(ids, [batch, time]);
  }

  const combos: Array<[CellKind, CellKind, boolean]> = [
    ['LSTM', 'LSTM', false],
    ['GRU', 'LSTM', true],
    ['SimpleRNN', 'GRU', false],
    ['LSTM', 'SimpleRNN', true],
  ];
  for (const [first, second, back] of combos) {
    it(`embedding(maskZero) -> ${first}${back ? ' (goBackwards)' : ''} -> ${second} -> dense: same predictions`, () => {
      const fx = new Fixtures(7);
      const fusedModel = stacked(true, first, second, back);
      const refModel = stacked(false, first, second, back);
      refModel.setWeights(fusedModel.getWeights());
      tf.tidy(() => {
        const x = tokens(fx, 6, 8);
        assertTensorsClose(fusedModel.predict(x) as tf.Tensor, refModel.predict(x) as tf.Tensor, 'stacked predictions', ATOL);
      });
      fusedModel.dispose();
      refModel.dispose();
    });
  }

  it('two stacked fused LSTMs without embedding (inputShape), random weights', () => {
    const fx = new Fixtures(8);
    const build = (f: boolean): tf.Sequential => {
      const rnn = f ? fusedRecurrent : tfjsRecurrent;
      return tf.sequential({ layers: [rnn.LSTM({ units: 8, returnSequences: true, inputShape: [10, 3] }), rnn.LSTM({ units: 4, returnSequences: true })] });
    };
    const a = build(true);
    const b = build(false);
    const w = a.getWeights().map((t) => tf.tensor(Float32Array.from(fx.uniform(t.size, -0.8, 0.8)), t.shape));
    a.setWeights(w);
    b.setWeights(w);
    tf.tidy(() => {
      const x = tensorOf(fx.uniform(5 * 10 * 3, -2, 2), [5, 10, 3]);
      assertTensorsClose(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor, 'stacked LSTM', ATOL);
    });
    tf.dispose(w);
    a.dispose();
    b.dispose();
  });
});

describe('functional models', () => {
  for (const kind of KINDS) {
    it(`${kind} encoder (masked, goBackwards, returnState) -> decoder (initialState from the encoder) -> dense: same predictions`, () => {
      const fx = new Fixtures(60 + kind.length);
      const a = encoderDecoder(fusedRecurrent, makeFusedDense, kind).model;
      const b = encoderDecoder(tfjsRecurrent, (args) => tf.layers.dense(args as never), kind).model;
      const w = a.getWeights().map((t) => tensorOf(fx.uniform(t.size, -0.7, 0.7), t.shape));
      a.setWeights(w);
      b.setWeights(w);
      const inputs = encoderDecoderBatch(fx, 6);
      tf.tidy(() => assertTensorsClose(a.predict(inputs) as tf.Tensor, b.predict(inputs) as tf.Tensor, `${kind} encoder-decoder`, ATOL));
      tf.dispose([...w, ...inputs]);
      a.dispose();
      b.dispose();
    });
  }

  it('a mask given as a bool tensor, or as arbitrary non-zero floats, means the same as 0/1 (tfjs casts it to bool)', () => {
    const c = sequenceCases().find((k) => k.name === 'LSTM mask with holes, sigmoid')!;
    const { config, weights, input } = caseData(c, 3);
    const shape = [c.batch, c.time, c.features];
    tf.tidy(() => {
      const { fused, reference } = pair('LSTM', config, { returnSequences: true, returnState: true }, shape, weightTensors(weights, config));
      const x = tensorOf(input.x, shape);
      const mask01 = tensorOf(input.mask!, [c.batch, c.time]);
      const expected = applyList(reference, x, { mask: mask01 });
      expectSameOutputs('bool mask', applyList(fused, x, { mask: tf.cast(mask01, 'bool') }), expected);
      expectSameOutputs('mask of 0 and 2.5', applyList(fused, x, { mask: tf.mul(mask01, 2.5) }), expected);
    });
  });
});

describe('stateful layers carry state across calls like tfjs', () => {
  for (const kind of KINDS) {
    it(kind, () => {
      const fx = new Fixtures(12);
      const config: CellConfig = { kind, units: 5, inputDim: 3, recurrentActivation: 'sigmoid' };
      const options = { stateful: true, returnSequences: true, batchInputShape: [2, 4, 3] };
      const fusedModel = tf.sequential({ layers: [fusedRecurrent[kind](recurrentArgs(config, options))] });
      const refModel = tf.sequential({ layers: [tfjsRecurrent[kind](recurrentArgs(config, options))] });
      refModel.setWeights(fusedModel.getWeights());
      const chunks = [0, 1, 2].map(() => tensorOf(fx.uniform(2 * 4 * 3), [2, 4, 3]));
      for (const [i, x] of chunks.entries()) {
        tf.tidy(() => assertTensorsClose(fusedModel.predict(x) as tf.Tensor, refModel.predict(x) as tf.Tensor, `${kind} stateful chunk ${i}`, ATOL));
      }
      fusedModel.resetStates();
      refModel.resetStates();
      tf.tidy(() => assertTensorsClose(fusedModel.predict(chunks[0]!) as tf.Tensor, refModel.predict(chunks[0]!) as tf.Tensor, `${kind} after resetStates`, ATOL));
      tf.dispose(chunks);
      fusedModel.dispose();
      refModel.dispose();
    });
  }
});

describe('Bidirectional of fused layers equals tfjs Bidirectional', () => {
  const modes = ['concat', 'sum', 'ave', 'mul', null] as const;
  for (const kind of KINDS) {
    for (const mergeMode of modes) {
      for (const returnSequences of [true, false]) {
        it(`${kind} mergeMode ${mergeMode} returnSequences ${returnSequences}, masked`, () => {
          const fx = new Fixtures(kind.length * 10 + modes.indexOf(mergeMode) + (returnSequences ? 100 : 0));
          const config: CellConfig = { kind, units: 6, inputDim: 5, recurrentActivation: 'sigmoid' };
          const [B, T] = [4, 6];
          const weights = [...weightTensors(fx.weights(config), config), ...weightTensors(fx.weights(config), config)];
          tf.tidy(() => {
            const fused = makeFusedBidirectional({ layer: fusedRecurrent[kind](recurrentArgs(config, { returnSequences })), mergeMode });
            const reference = tf.layers.bidirectional({ layer: tfjsRecurrent[kind](recurrentArgs(config, { returnSequences })) as tf.RNN, mergeMode: mergeMode as never });
            expect(fused.getClassName()).toBe('Bidirectional');
            buildWithWeights(fused, [B, T, 5], weights);
            buildWithWeights(reference, [B, T, 5], weights);
            const x = tensorOf(fx.uniform(B * T * 5, -1.5, 1.5), [B, T, 5]);
            const mask = tensorOf(makeMask(fx, B, T, true), [B, T]);
            expectSameOutputs('bidirectional', applyList(fused, x, { mask }), applyList(reference, x, { mask }));
            expectSameOutputs('bidirectional unmasked', applyList(fused, x), applyList(reference, x));
          });
        });
      }
    }
    it(`${kind} Bidirectional with returnState and initialState`, () => {
      const fx = new Fixtures(300 + kind.length);
      const config: CellConfig = { kind, units: 4, inputDim: 3 };
      const [B, T] = [3, 5];
      const weights = [...weightTensors(fx.weights(config), config), ...weightTensors(fx.weights(config), config)];
      const nStates = kind === 'LSTM' ? 4 : 2;
      tf.tidy(() => {
        const fused = makeFusedBidirectional({ layer: fusedRecurrent[kind](recurrentArgs(config, { returnSequences: true, returnState: true })), mergeMode: 'concat' });
        const reference = tf.layers.bidirectional({ layer: tfjsRecurrent[kind](recurrentArgs(config, { returnSequences: true, returnState: true })) as tf.RNN, mergeMode: 'concat' });
        buildWithWeights(fused, [B, T, 3], weights);
        buildWithWeights(reference, [B, T, 3], weights);
        const x = tensorOf(fx.uniform(B * T * 3), [B, T, 3]);
        const initialState = Array.from({ length: nStates }, () => tensorOf(fx.uniform(B * 4), [B, 4]));
        const mask = tensorOf(makeMask(fx, B, T), [B, T]);
        const got = applyList(fused, x, { initialState, mask });
        expect(got.length).toBe(1 + nStates);
        expectSameOutputs('bidirectional returnState', got, applyList(reference, x, { initialState, mask }));
      });
    });
  }

  it('fusedBidirectional given tfjs\'s own LSTM still builds fused copies with the same result', () => {
    const fx = new Fixtures(77);
    const config: CellConfig = { kind: 'LSTM', units: 5, inputDim: 4 };
    const weights = [...weightTensors(fx.weights(config), config), ...weightTensors(fx.weights(config), config)];
    tf.tidy(() => {
      const fused = makeFusedBidirectional({ layer: tfjsRecurrent.LSTM(recurrentArgs(config, { returnSequences: true })), mergeMode: 'concat' });
      const reference = tf.layers.bidirectional({ layer: tfjsRecurrent.LSTM(recurrentArgs(config, { returnSequences: true })) as tf.RNN, mergeMode: 'concat' });
      buildWithWeights(fused, [2, 6, 4], weights);
      buildWithWeights(reference, [2, 6, 4], weights);
      const inner = fused as unknown as { forwardLayer: tf.layers.Layer; backwardLayer: tf.layers.Layer };
      expect(inner.forwardLayer.constructor, 'forward copy class').toBe(fusedClass('LSTM'));
      expect(inner.backwardLayer.constructor, 'backward copy class').toBe(fusedClass('LSTM'));
      const x = tensorOf(fx.uniform(2 * 6 * 4), [2, 6, 4]);
      expectSameOutputs('bidirectional from tfjs layer', applyList(fused, x), applyList(reference, x));
    });
  });

  it('Bidirectional in a model after embedding(maskZero) gives the same predictions', () => {
    const fx = new Fixtures(31);
    const build = (fused: boolean): tf.Sequential =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 9, outputDim: 4, maskZero: true, inputLength: 7 }),
          fused
            ? makeFusedBidirectional({ layer: fusedRecurrent.GRU({ units: 5, returnSequences: true }), mergeMode: 'ave' })
            : tf.layers.bidirectional({ layer: tf.layers.gru({ units: 5, returnSequences: true }) as tf.RNN, mergeMode: 'ave' }),
          fused ? fusedRecurrent.LSTM({ units: 3 }) : tf.layers.lstm({ units: 3 }),
        ],
      });
    const a = build(true);
    const b = build(false);
    b.setWeights(a.getWeights());
    tf.tidy(() => {
      const mask = makeMask(fx, 5, 7, true);
      const ids = tf.tensor2d(Float32Array.from(mask, (m) => (m ? fx.int(1, 9) : 0)), [5, 7]);
      assertTensorsClose(a.predict(ids) as tf.Tensor, b.predict(ids) as tf.Tensor, 'bidirectional model', ATOL);
    });
    a.dispose();
    b.dispose();
  });
});

describe('fusedDense equals tf.layers.dense', () => {
  const shapes = [[4, 6], [1, 6], [3, 5, 6], [2, 1, 6]];
  for (const shape of shapes) {
    for (const [activation, useBias] of [['linear', true], ['relu', true], ['tanh', false], ['softmax', true]] as const) {
      it(`input [${shape}] activation ${activation} useBias ${useBias}`, () => {
        const fx = new Fixtures(shape.length * 100 + shape[0]!);
        const weights = [tensorOf(fx.uniform(6 * 7), [6, 7]), ...(useBias ? [tensorOf(fx.uniform(7), [7])] : [])];
        tf.tidy(() => {
          const fused = makeFusedDense({ units: 7, activation, useBias });
          const reference = tf.layers.dense({ units: 7, activation, useBias });
          buildWithWeights(fused, shape, weights);
          buildWithWeights(reference, shape, weights);
          const x = tensorOf(fx.uniform(shape.reduce((a, b) => a * b, 1), -2, 2), shape);
          const got = fused.apply(x) as tf.Tensor;
          expect(got.shape).toEqual([...shape.slice(0, -1), 7]);
          assertTensorsClose(got, reference.apply(x) as tf.Tensor, `dense [${shape}] ${activation}`, ATOL, RTOL);
        });
        tf.dispose(weights);
      });
    }
  }
});

describe('dropout (input)', () => {
  for (const kind of KINDS) {
    it(`${kind}: dropout does nothing at inference, like tfjs`, () => {
      const c = sequenceCases().find((k) => k.name === `${kind} padded mask`)!;
      const { config, weights, input } = caseData(c, 5);
      const shape = [c.batch, c.time, c.features];
      tf.tidy(() => {
        const { fused, reference } = pair(kind, config, { returnSequences: true, dropout: 0.5 }, shape, weightTensors(weights, config));
        const x = tensorOf(input.x, shape);
        const mask = tensorOf(input.mask!, [c.batch, c.time]);
        expectSameOutputs(`${kind} dropout, training false`, applyList(fused, x, { mask, training: false }), applyList(reference, x, { mask, training: false }));
        expectSameOutputs(`${kind} dropout, no training flag`, applyList(fused, x, { mask }), applyList(reference, x, { mask }));
      });
    });
  }

  it('SimpleRNN training: one input mask per sequence, shared by every step, scaled by 1/(1 - rate) (tfjs semantics)', () => {
    expect(dropoutSemanticsProblems(fusedRecurrent.SimpleRNN)).toEqual([]);
  });
});

describe('unsupported configurations fall back to tfjs and still agree', () => {
  for (const kind of KINDS) {
    it(`${kind} with recurrentDropout and a softsign activation`, () => {
      const c = sequenceCases().find((k) => k.name === `${kind} goBackwards + mask with holes`)!;
      const { config, weights, input } = caseData(c, 9);
      const shape = [c.batch, c.time, c.features];
      tf.tidy(() => {
        const args = { ...recurrentArgs(config, { returnSequences: true }), recurrentDropout: 0.3, activation: 'softsign' };
        const fused = fusedRecurrent[kind]({ ...args });
        const reference = tfjsRecurrent[kind]({ ...args });
        buildWithWeights(fused, shape, weightTensors(weights, config));
        buildWithWeights(reference, shape, weightTensors(weights, config));
        const x = tensorOf(input.x, shape);
        const mask = tensorOf(input.mask!, [c.batch, c.time]);
        expectSameOutputs(`${kind} fallback`, applyList(fused, x, { mask }), applyList(reference, x, { mask }));
      });
    });
  }
});

describe('supported configurations run the whole sequence as one op (not tfjs step by step)', () => {
  /** Number of tfjs kernels one forward (and backward) call runs, for sequences of `time` steps. */
  async function kernelCount(make: () => tf.layers.Layer, time: number, kwargsFor: (b: number, t: number) => Record<string, unknown>, backward: boolean): Promise<number> {
    const [B, F] = [3, 4];
    const layer = make();
    tf.tidy(() => {
      layer.apply(tf.zeros([B, time, F]), kwargsFor(B, time));
    });
    const x = tf.ones([B, time, F]);
    const kw = kwargsFor(B, time);
    const info = await tf.profile(() => {
      tf.tidy(() => {
        const run = (): tf.Scalar => tf.addN(applyList(layer, x, kw).map((o) => tf.sum(o))) as tf.Scalar;
        if (backward) tf.variableGrads(run, layer.trainableWeights.map((w) => w.read() as tf.Variable));
        else run();
      });
    });
    tf.dispose([x, ...Object.values(kw).flat().filter((v): v is tf.Tensor => v instanceof tf.Tensor)]);
    layer.dispose();
    return info.kernels.length;
  }

  const masked = (b: number, t: number): Record<string, unknown> => ({ mask: tf.ones([b, t]) });
  for (const kind of KINDS) {
    const states = kind === 'LSTM' ? 2 : 1;
    const variants: Array<[string, Record<string, unknown>, (b: number, t: number) => Record<string, unknown>]> = [
      ['plain', { returnSequences: true }, () => ({})],
      ['masked, goBackwards, returnState', { returnSequences: false, returnState: true, goBackwards: true }, masked],
      ['initialState', { returnSequences: true }, (b) => ({ initialState: Array.from({ length: states }, () => tf.zeros([b, 5])) })],
      ['dropout, training', { returnSequences: true, dropout: 0.3 }, () => ({ training: true })],
      ['relu activation, hardSigmoid gates, no bias', { returnSequences: true, activation: 'relu', recurrentActivation: 'hardSigmoid', useBias: false }, () => ({})],
    ];
    for (const [label, extra, kwargsFor] of variants) {
      for (const backward of [false, true]) {
        it(`${kind} ${label}: ${backward ? 'forward + backward' : 'forward'} kernel count does not grow with the sequence length`, async () => {
          const make = (): tf.layers.Layer => fusedRecurrent[kind]({ units: 5, recurrentActivation: 'sigmoid', ...extra });
          const short = await kernelCount(make, 3, kwargsFor, backward);
          const long = await kernelCount(make, 24, kwargsFor, backward);
          expect(long, `tfjs kernels for 24 steps vs ${short} for 3 steps: the layer fell back to tfjs's per-step loop`).toBe(short);
        });
      }
    }
  }

  it('(the same measurement sees tfjs\'s per-step loop: tfjs\'s own LSTM runs more kernels for longer sequences)', async () => {
    const make = (): tf.layers.Layer => tf.layers.lstm({ units: 5, returnSequences: true });
    expect(await kernelCount(make, 24, () => ({}), false)).toBeGreaterThan(await kernelCount(make, 3, () => ({}), false));
  });

  it('Bidirectional(LSTM) of fused layers: kernel count does not grow with the sequence length', async () => {
    const make = (): tf.layers.Layer => makeFusedBidirectional({ layer: fusedRecurrent.LSTM({ units: 5, returnSequences: true }), mergeMode: 'concat' });
    expect(await kernelCount(make, 24, masked, true)).toBe(await kernelCount(make, 3, masked, true));
  });
});
