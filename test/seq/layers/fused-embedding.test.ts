/**
 * fusedEmbedding is tfjs's Embedding with the lookup done as row copies and its gradient as a
 * segment sum: on the cpu backend its outputs and table gradients are bit-identical to tfjs's
 * gather and unsortedSegmentSum (repeated ids included), its masks, errors, config, weights and
 * serialized form are tfjs's own, and registerFusedLayers() decides which class loading builds.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// fused-api.ts does not export the embedding factory; it comes from the same module.
import { FusedEmbedding, fusedEmbedding } from '../../../src/seq/layers/index.js';
import { fusedRecurrent, registerFusedLayers, unregisterFusedLayers } from './fused-api.js';
import { Fixtures, assertBitIdentical, buildWithWeights, makeMask, useCpuBackend } from './harness.js';

beforeAll(useCpuBackend);
afterAll(unregisterFusedLayers);

const VOCAB = 11;
const DIM = 6;
type EmbeddingArgs = Parameters<typeof tf.layers.embedding>[0];

const tfjsEmbeddingClass = tf.layers.embedding({ inputDim: 1, outputDim: 1 }).constructor;

/** A tfjs Embedding and a fused one with the same args, built, holding the same seeded table. */
function pair(args: EmbeddingArgs, seed: number): { plain: tf.layers.Layer; fused: tf.layers.Layer } {
  const fx = new Fixtures(seed);
  const table = tf.tensor2d(Float32Array.from(fx.uniform(args.inputDim * args.outputDim, -1, 1)), [args.inputDim, args.outputDim]);
  const plain = tf.layers.embedding({ ...args });
  const fused = fusedEmbedding({ ...args }) as tf.layers.Layer;
  for (const layer of [plain, fused]) buildWithWeights(layer, [1, (args.inputLength as number | undefined) ?? 1], [table]);
  table.dispose();
  return { plain, fused };
}

/** Ids in [0, VOCAB) drawn from the first third of the vocabulary (so they repeat), 0 included. */
function ids(fx: Fixtures, shape: number[], dtype: 'int32' | 'float32' = 'int32'): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : i % 5 === 1 ? 2 : fx.int(0, Math.ceil(VOCAB / 3))));
  return tf.tensor(values, shape, dtype);
}

/** What model.save() hands a file:// handler, weights joined into one buffer. */
async function save(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = { ...a, weightData: tf.io.CompositeArrayBuffer.join(a.weightData) };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  if (saved === null) throw new Error('save handler was not called');
  return saved;
}

function f32(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** The first error `f` throws (its message), or a note that it threw nothing. */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error thrown)';
}

describe('fusedEmbedding: forward pass', () => {
  const shapes: number[][] = [[7], [3, 5], [2, 3, 4]];
  for (const shape of shapes) {
    for (const dtype of ['int32', 'float32'] as const) {
      it(`input of rank ${shape.length} [${shape}] (${dtype} ids): bit-identical to tf.layers.embedding, shape [...input, ${DIM}]`, () => {
        const fx = new Fixtures(shape.length * 10 + dtype.length);
        const { plain, fused } = pair({ inputDim: VOCAB, outputDim: DIM }, 1);
        const x = ids(fx, shape, dtype);
        const expected = plain.apply(x) as tf.Tensor;
        const actual = fused.apply(x) as tf.Tensor;
        expect(actual.shape, 'output shape').toEqual([...shape, DIM]);
        expect(actual.shape, 'output shape vs tfjs').toEqual(expected.shape);
        expect(actual.dtype).toBe('float32');
        assertBitIdentical(f32(actual), f32(expected), `embedding of [${shape}] ${dtype} ids`);
        tf.dispose([x, expected, actual]);
        plain.dispose();
        fused.dispose();
      });
    }
  }

  it('float ids that are not whole numbers are truncated the way tfjs casts them (2.9 -> 2, -0.5 -> 0)', () => {
    const { plain, fused } = pair({ inputDim: VOCAB, outputDim: DIM }, 2);
    const x = tf.tensor1d([2.9, -0.5, 0.999, 10.5]);
    const expected = plain.apply(x) as tf.Tensor;
    const actual = fused.apply(x) as tf.Tensor;
    assertBitIdentical(f32(actual), f32(expected), 'embedding of fractional float ids');
    tf.dispose([x, expected, actual]);
  });
});

describe('fusedEmbedding: gradient of the table', () => {
  /** d/d table of sum(layer(x) ⊙ P) for a fixed random projection P. */
  function tableGradient(layer: tf.layers.Layer, x: tf.Tensor, projection: tf.Tensor): Float32Array {
    const table = layer.trainableWeights[0]!.read() as tf.Variable;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, projection)) as tf.Scalar, [table]);
      value.dispose();
      return f32(grads[table.name]!);
    });
  }

  const shapes: number[][] = [[9], [4, 6], [2, 3, 5]];
  for (const shape of shapes) {
    it(`input [${shape}] with repeated ids: bit-identical to tfjs's gather gradient on cpu`, () => {
      const fx = new Fixtures(100 + shape.length);
      const { plain, fused } = pair({ inputDim: VOCAB, outputDim: DIM }, 3);
      const x = ids(fx, shape);
      const counts = new Map<number, number>();
      for (const id of f32(x.toFloat())) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect(Math.max(...counts.values()), 'some id repeats at least 3 times').toBeGreaterThanOrEqual(3);
      expect(counts.size, 'some rows of the table get no gradient').toBeLessThan(VOCAB);
      const projection = tf.tensor(Float32Array.from(fx.uniform(x.size * DIM, -1, 1)), [...shape, DIM]);
      const expected = tableGradient(plain, x, projection);
      const actual = tableGradient(fused, x, projection);
      expect(actual.length).toBe(VOCAB * DIM);
      assertBitIdentical(actual, expected, `d/d table for ids [${shape}]`);
      // Rows of ids that never occur are exactly zero.
      for (let v = 0; v < VOCAB; v++) {
        if (!counts.has(v)) expect(Array.from(actual.subarray(v * DIM, v * DIM + DIM)), `gradient row of unused id ${v}`).toEqual(new Array(DIM).fill(0));
      }
      tf.dispose([x, projection]);
    });
  }

  it('float ids: the same gradient as int32 ids', () => {
    const fx = new Fixtures(7);
    const { plain, fused } = pair({ inputDim: VOCAB, outputDim: DIM }, 4);
    const x = ids(fx, [5, 4], 'float32');
    const projection = tf.tensor(Float32Array.from(fx.uniform(x.size * DIM, -1, 1)), [5, 4, DIM]);
    assertBitIdentical(tableGradient(fused, x, projection), tableGradient(plain, x, projection), 'd/d table for float ids');
    tf.dispose([x, projection]);
  });
});

describe('fusedEmbedding: masks', () => {
  for (const shape of [[6], [3, 5], [2, 2, 4]]) {
    it(`maskZero: computeMask of [${shape}] equals tfjs's (dtype, shape, values); no mask without maskZero`, () => {
      const fx = new Fixtures(shape.length);
      const x = ids(fx, shape);
      for (const maskZero of [true, false]) {
        const { plain, fused } = pair({ inputDim: VOCAB, outputDim: DIM, maskZero }, 5);
        const expected = plain.computeMask(x) as tf.Tensor | null;
        const actual = fused.computeMask(x) as tf.Tensor | null;
        if (!maskZero) {
          expect(expected).toBeNull();
          expect(actual, 'mask without maskZero').toBeNull();
          continue;
        }
        expect(actual, 'mask with maskZero').not.toBeNull();
        expect(actual!.dtype).toBe(expected!.dtype);
        expect(actual!.shape).toEqual(expected!.shape);
        expect(Array.from(actual!.dataSync())).toEqual(Array.from(expected!.dataSync()));
        tf.dispose([actual!, expected!]);
      }
      x.dispose();
    });
  }

  it('in a model, the mask it passes on gives a fused LSTM the same outputs as behind tfjs\'s Embedding', () => {
    const fx = new Fixtures(12);
    const [B, T] = [5, 7];
    const mask = makeMask(fx, B, T, true);
    const x = tf.tensor2d(Int32Array.from(mask, (m) => (m ? fx.int(1, VOCAB) : 0)), [B, T], 'int32');
    const predictions: Float32Array[] = [];
    for (const make of [tf.layers.embedding, fusedEmbedding]) {
      const model = tf.sequential({ layers: [make({ inputDim: VOCAB, outputDim: DIM, maskZero: true, inputLength: T }), fusedRecurrent.LSTM({ units: 4, returnSequences: true })] });
      const wx = new Fixtures(13);
      model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from(wx.uniform(w.size, -0.5, 0.5)), w.shape)));
      predictions.push(tf.tidy(() => f32(model.predict(x) as tf.Tensor).slice()));
      model.dispose();
    }
    assertBitIdentical(predictions[1]!, predictions[0]!, 'masked LSTM outputs behind fused vs tfjs embedding');
    x.dispose();
  });
});

describe('fusedEmbedding: errors', () => {
  const cases: Array<[string, number[], 'int32' | 'float32', string]> = [
    ['an id equal to inputDim', [1, 10, 11, 3], 'int32', `GatherV2: the index value 11 is not in [0, ${VOCAB - 1}]`],
    ['a negative id', [4, -1, 2], 'int32', `GatherV2: the index value -1 is not in [0, ${VOCAB - 1}]`],
    ['a float id past the end', [0, 25], 'float32', `GatherV2: the index value 25 is not in [0, ${VOCAB - 1}]`],
    ['a negative float id', [-3, 0], 'float32', `GatherV2: the index value -3 is not in [0, ${VOCAB - 1}]`],
  ];
  for (const [what, values, dtype, message] of cases) {
    it(`${what}: tfjs's own gather message, exactly, and no tensor left behind`, () => {
      const { plain, fused } = pair({ inputDim: VOCAB, outputDim: DIM }, 6);
      const x = tf.tensor1d(values, dtype);
      expect(messageOf(() => plain.apply(x)), 'tfjs (the reference message)').toBe(message);
      const before = tf.memory().numTensors;
      expect(messageOf(() => fused.apply(x)), 'fusedEmbedding').toBe(message);
      expect(tf.memory().numTensors, 'tensors after the failed lookup').toBe(before);
      x.dispose();
    });
  }

  it("an input whose length disagrees with inputLength: tfjs's ValueError, exactly", () => {
    const { plain, fused } = pair({ inputDim: VOCAB, outputDim: DIM, inputLength: 5 }, 7);
    const x = tf.zeros([2, 7], 'int32');
    const message = '"inputLength" is 5, but received input shape has shape 2,7';
    expect(messageOf(() => plain.apply(x)), 'tfjs (the reference message)').toBe(message);
    expect(messageOf(() => fused.apply(x)), 'fusedEmbedding').toBe(message);
    x.dispose();
  });
});

describe('fusedEmbedding: identity with tfjs', () => {
  const args = (): EmbeddingArgs => ({
    inputDim: VOCAB,
    outputDim: DIM,
    maskZero: true,
    inputLength: 4,
    name: 'words',
    embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: 42 }),
  });

  it("getClassName 'Embedding', the same getConfig and the same weights (names, shapes, dtypes, values)", () => {
    const plain = tf.layers.embedding(args());
    const fused = fusedEmbedding(args()) as tf.layers.Layer;
    expect(fused).toBeInstanceOf(FusedEmbedding);
    expect(fused).toBeInstanceOf(tfjsEmbeddingClass);
    expect(fused.getClassName()).toBe('Embedding');
    expect((fused.constructor as unknown as { className: string }).className).toBe('Embedding');
    expect(fused.getConfig()).toEqual(plain.getConfig());
    for (const layer of [plain, fused]) tf.dispose(layer.apply(tf.zeros([1, 4])) as tf.Tensor);
    // Variable names carry a process-wide counter; everything else must match.
    const describeWeights = (l: tf.layers.Layer): unknown[] => l.weights.map((w) => ({ originalName: w.originalName, shape: w.shape, dtype: w.dtype, trainable: w.trainable }));
    expect(describeWeights(fused)).toEqual(describeWeights(plain));
    const [a, b] = [fused.getWeights(), plain.getWeights()];
    expect(a.length).toBe(1);
    assertBitIdentical(f32(a[0]!), f32(b[0]!), 'seeded initial table');
    plain.dispose();
    fused.dispose();
  });

  it('a model with it saves as a tfjs Embedding; registerFusedLayers() reloads it as FusedEmbedding, unregisterFusedLayers() as tfjs\'s', async () => {
    const T = 4;
    const build = (make: typeof fusedEmbedding): tf.Sequential => tf.sequential({ layers: [make(args()), tf.layers.globalAveragePooling1d({})] });
    const model = build(fusedEmbedding);
    const fx = new Fixtures(21);
    const x = ids(fx, [3, T]);
    const predict = (m: tf.LayersModel): Float32Array => tf.tidy(() => f32(m.predict(x) as tf.Tensor).slice());
    const expected = predict(model);

    const saved = await save(model);
    const layersOf = (a: tf.io.ModelArtifacts): Array<{ class_name: string; config: Record<string, unknown> }> =>
      (a.modelTopology as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }).config.layers;
    expect(layersOf(saved).map((l) => l.class_name)).toEqual(['Embedding', 'GlobalAveragePooling1D']);
    const plainModel = build(tf.layers.embedding as typeof fusedEmbedding);
    const plainSaved = await save(plainModel);
    expect(layersOf(saved)[0], 'saved Embedding vs the same model built with tf.layers.embedding').toEqual(layersOf(plainSaved)[0]);
    expect(saved.weightSpecs!.map((w) => `${w.name} [${w.shape}] ${w.dtype}`)).toEqual(['words/embeddings [11,6] float32']);
    expect(saved.weightSpecs, 'weight specs vs the tfjs model').toEqual(plainSaved.weightSpecs);
    expect(new Uint8Array(saved.weightData as ArrayBuffer), 'saved weight bytes vs the tfjs model (same seeded initializer)').toEqual(new Uint8Array(plainSaved.weightData as ArrayBuffer));
    plainModel.dispose();

    registerFusedLayers();
    let reloaded: tf.LayersModel;
    try {
      reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
      expect(reloaded.layers[0]!.constructor, 'Embedding built by deserialization while registered').toBe(FusedEmbedding);
      assertBitIdentical(predict(reloaded), expected, 'predictions of the model reloaded with fused layers');
      reloaded.dispose();
    } finally {
      unregisterFusedLayers();
    }
    reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
    expect(reloaded.layers[0]!.constructor, 'Embedding built by deserialization after unregisterFusedLayers').toBe(tfjsEmbeddingClass);
    assertBitIdentical(predict(reloaded), expected, 'predictions of the model reloaded with tfjs layers');
    reloaded.dispose();
    model.dispose();
    x.dispose();
  });
});
