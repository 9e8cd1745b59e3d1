/**
 * The stepping wrapper against the whole model run on the whole sequence: the logits after every
 * position agree within 1e-5, for LSTM, GRU and SimpleRNN, one and two layers, with and without
 * Dropout layers (and cells with their own dropout), one token at a time or a prefix at once,
 * several sequences in a batch, and on a model saved and loaded with plain tf.loadLayersModel.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecurrentStepper, type RecurrentKind } from '../../../src/seq/generate/index.js';
import { WordloomError } from '../../../src/errors.js';
import { seededRandom } from '../../seeded-random.js';
import { useCpuBackend } from '../layers/harness.js';
import { buildModel, fullLogits, maxAbsDiff, roundTrip } from './fixtures.js';

beforeAll(useCpuBackend);

const TOL = 1e-5;
const V = 13;

function randomIds(seed: number, batch: number, time: number): number[][] {
  const next = seededRandom(seed);
  return Array.from({ length: batch }, () => Array.from({ length: time }, () => 1 + Math.floor(next() * (V - 1))));
}

/** Steps every sequence token by token and returns the worst |difference| to the full model over all positions. */
function stepwiseDifference(model: tf.LayersModel, ids: number[][]): number {
  const full = fullLogits(model, ids);
  const stepper = RecurrentStepper.fromModel(model, ids.length);
  let worst = 0;
  try {
    for (let t = 0; t < ids[0]!.length; t++) {
      const logits = stepper.step(ids.map((row) => row[t]!));
      const data = logits.dataSync() as Float32Array;
      logits.dispose();
      for (let b = 0; b < ids.length; b++) worst = Math.max(worst, maxAbsDiff(data.subarray(b * V, (b + 1) * V), full[b]![t]!));
    }
  } finally {
    stepper.dispose();
  }
  return worst;
}

const KINDS: RecurrentKind[] = ['LSTM', 'GRU', 'SimpleRNN'];
const CASES = KINDS.flatMap((kind) => [
  { kind, layers: 1, dropout: 0 },
  { kind, layers: 2, dropout: 0 },
  { kind, layers: 2, dropout: 0.3 },
]);

describe.each(CASES)('$kind, $layers layer(s), Dropout $dropout', ({ kind, layers, dropout }) => {
  it('one token at a time gives the full model\'s logits at every position', () => {
    const model = buildModel({ kind, vocab: V, layers, dropout, seed: 11 + layers });
    const ids = randomIds(5, 3, 17);
    const before = tf.memory().numTensors;
    const worst = stepwiseDifference(model, ids);
    expect(worst).toBeLessThan(TOL);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a prefix fed at once, then single tokens, give the same logits as the full model', () => {
    const model = buildModel({ kind, vocab: V, layers, dropout, seed: 21 });
    const ids = randomIds(6, 2, 12);
    const full = fullLogits(model, ids);
    const stepper = RecurrentStepper.fromModel(model, 2);
    const k = 7;
    const primed = stepper.feed(ids.flatMap((row) => row.slice(0, k)), k);
    const p = primed.dataSync() as Float32Array;
    primed.dispose();
    for (let b = 0; b < 2; b++) expect(maxAbsDiff(p.subarray(b * V, (b + 1) * V), full[b]![k - 1]!)).toBeLessThan(TOL);
    for (let t = k; t < 12; t++) {
      const logits = stepper.step(ids.map((row) => row[t]!));
      const d = logits.dataSync() as Float32Array;
      logits.dispose();
      for (let b = 0; b < 2; b++) expect(maxAbsDiff(d.subarray(b * V, (b + 1) * V), full[b]![t]!)).toBeLessThan(TOL);
    }
    stepper.dispose();
    model.dispose();
  });
});

describe('RecurrentStepper', () => {
  it('works on a model saved and loaded back with plain tf.loadLayersModel', async () => {
    const original = buildModel({ kind: 'LSTM', vocab: V, layers: 2, dropout: 0.2, seed: 4 });
    const loaded = await roundTrip(original);
    const ids = randomIds(9, 2, 10);
    expect(stepwiseDifference(loaded, ids)).toBeLessThan(TOL);
    // And equals the original's logits.
    const a = fullLogits(original, ids);
    const b = fullLogits(loaded, ids);
    expect(maxAbsDiff(a[1]![9]!, b[1]![9]!)).toBe(0);
    original.dispose();
    loaded.dispose();
  });

  it('cells with their own input dropout (inactive at inference) step like the model, and their masks are not leaked', () => {
    for (const kind of KINDS) {
      const model = buildModel({ kind, vocab: V, layers: 2, cellDropout: 0.4, seed: 8 });
      const ids = randomIds(3, 2, 9);
      fullLogits(model, ids); // leaves the layers' own (kept) dropout masks behind, as tfjs does
      const before = tf.memory().numTensors;
      expect(stepwiseDifference(model, ids)).toBeLessThan(TOL);
      expect(tf.memory().numTensors).toBe(before);
      // The model itself still runs after the stepper borrowed its cells.
      expect(fullLogits(model, ids)[0]![0]!.length).toBe(V);
      model.dispose();
    }
  });

  it('reports its layout', () => {
    const model = buildModel({ kind: 'GRU', vocab: V, embedding: 4, units: 6, layers: 2, dropout: 0.1 });
    const stepper = RecurrentStepper.fromModel(model);
    expect(stepper.layout).toEqual({
      vocabSize: V,
      inputDim: V,
      embeddingDim: 4,
      recurrent: [
        { name: model.layers[1]!.name, kind: 'GRU', units: 6 },
        { name: model.layers[3]!.name, kind: 'GRU', units: 6 },
      ],
      droppedSoftmax: false,
    });
    expect(stepper.batchSize).toBe(1);
    stepper.dispose();
    model.dispose();
  });

  it('a softmax output layer is read as logits: their softmax is the model\'s output (stepping inside tf.tidy keeps the states)', () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, activation: 'softmax', seed: 3 });
    const ids = randomIds(2, 1, 6);
    const probs = fullLogits(model, ids)[0]!;
    const stepper = RecurrentStepper.fromModel(model);
    expect(stepper.layout.droppedSoftmax).toBe(true);
    for (let t = 0; t < 6; t++) {
      const p = tf.tidy(() => tf.softmax(stepper.step([ids[0]![t]!])).dataSync() as Float32Array);
      expect(maxAbsDiff(p, probs[t]!)).toBeLessThan(1e-6);
    }
    stepper.dispose();
    model.dispose();
  });

  it('expand() copies one sequence\'s states to a batch; reset() returns to zero states', () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, layers: 2, seed: 6 });
    const stepper = RecurrentStepper.fromModel(model);
    tf.dispose(stepper.feed([4, 5, 6], 3));
    stepper.expand(3);
    expect(stepper.batchSize).toBe(3);
    const logits = stepper.step([7, 7, 7]);
    const d = logits.dataSync() as Float32Array;
    logits.dispose();
    const full = fullLogits(model, [[4, 5, 6, 7]])[0]![3]!;
    for (let b = 0; b < 3; b++) expect(maxAbsDiff(d.subarray(b * V, (b + 1) * V), full)).toBeLessThan(TOL);
    stepper.reset(1);
    const again = stepper.step([4]);
    expect(maxAbsDiff(again.dataSync() as Float32Array, fullLogits(model, [[4]])[0]![0]!)).toBeLessThan(TOL);
    again.dispose();
    const states = stepper.getStates();
    expect(states.map((s) => s.length)).toEqual([2, 2]);
    tf.dispose(states.flat());
    stepper.dispose();
    expect(stepper.isDisposed).toBe(true);
    expect(() => stepper.step([4])).toThrow(/disposed/);
    model.dispose();
  });

  it('rejects ids outside the embedding and wrongly sized input', () => {
    const model = buildModel({ kind: 'SimpleRNN', vocab: V });
    const stepper = RecurrentStepper.fromModel(model, 2);
    expect(() => stepper.step([1])).toThrow(/expected 2 × 1 ids/);
    expect(() => stepper.step([1, V])).toThrow(/outside the model's embedding/);
    expect(() => stepper.step([1, 2.5])).toThrow(/outside the model's embedding/);
    stepper.dispose();
    model.dispose();
  });

  it('refuses models it cannot step, with one line naming the layer', () => {
    const cases: [string, () => tf.LayersModel, RegExp][] = [
      ['no embedding', () => tf.sequential({ layers: [tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [null, 3] }), tf.layers.dense({ units: 5 })] }), /layer 1 .* is not an Embedding/],
      ['backwards', () => tf.sequential({ layers: [
        tf.layers.embedding({ inputDim: 5, outputDim: 3, batchInputShape: [null, null] }),
        tf.layers.gru({ units: 4, returnSequences: true, goBackwards: true }),
        tf.layers.dense({ units: 5 }),
      ] }), /runs backwards/],
      ['bidirectional', () => tf.sequential({ layers: [
        tf.layers.embedding({ inputDim: 5, outputDim: 3, batchInputShape: [null, null] }),
        tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnSequences: true }) as unknown as tf.RNN }),
        tf.layers.dense({ units: 5 }),
      ] }), /layer 2 .*Bidirectional.* is not an LSTM, GRU, SimpleRNN, Dropout or Dense layer: a bidirectional layer reads the future/],
      ['relu output', () => tf.sequential({ layers: [
        tf.layers.embedding({ inputDim: 5, outputDim: 3, batchInputShape: [null, null] }),
        tf.layers.simpleRNN({ units: 4, returnSequences: true }),
        tf.layers.dense({ units: 5, activation: 'relu' }),
      ] }), /activation relu/],
      ['no recurrent layer', () => tf.sequential({ layers: [
        tf.layers.embedding({ inputDim: 5, outputDim: 3, batchInputShape: [null, null] }),
        tf.layers.dense({ units: 5 }),
      ] }), /comes before any recurrent layer/],
      ['no output layer', () => tf.sequential({ layers: [
        tf.layers.embedding({ inputDim: 5, outputDim: 3, batchInputShape: [null, null] }),
        tf.layers.lstm({ units: 4, returnSequences: true }),
      ] }), /no Dense output layer/],
    ];
    for (const [what, make, pattern] of cases) {
      const model = make();
      let error: unknown;
      try {
        RecurrentStepper.fromModel(model).dispose();
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(WordloomError);
      expect((error as WordloomError).code, what).toBe('EFORMAT');
      expect((error as Error).message, what).toMatch(pattern);
      expect((error as Error).message, what).not.toContain('\n');
      model.dispose();
    }
  });

  it('cost is linear in the output length: step 300 runs the same kernels on the same shapes as step 2', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, layers: 2, dropout: 0.1 });
    const stepper = RecurrentStepper.fromModel(model);
    const profileStep = async (id: number) => {
      const info = await tf.profile(() => stepper.step([id]));
      tf.dispose(info.result as tf.Tensor);
      return info.kernels.map((k) => `${k.name}:${k.inputShapes.map((sh) => sh?.join('x')).join(',')}`);
    };
    tf.dispose(stepper.step([4]));
    const early = await profileStep(5);
    for (let i = 0; i < 297; i++) tf.dispose(stepper.step([4 + (i % 9)]));
    const late = await profileStep(6);
    expect(late).toEqual(early);
    expect(early.length).toBeGreaterThan(0);
    stepper.dispose();
    model.dispose();
  });
});
