/**
 * Saved fused models are plain tfjs models: model.json names tfjs's standard classes with
 * tfjs's config and weight layout, and a separate Node process that imports nothing but
 * @tensorflow/tfjs loads them with tf.loadLayersModel and predicts what the fused model predicts.
 * registerFusedLayers()/unregisterFusedLayers() decide which classes deserialization builds.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedClass, fusedRecurrent, makeFusedBidirectional, makeFusedDense, registerFusedLayers, tfjsClass, unregisterFusedLayers } from './fused-api.js';
import { Fixtures, assertClose, makeMask, useCpuBackend } from './harness.js';
import { predictWithPlainTfjs } from '../plain-tfjs.js';

const VOCAB = 12;
const TIME = 9;
const CLASSES = 3;

interface Saved {
  artifacts: tf.io.ModelArtifacts;
  modelJSON: { modelTopology: { class_name: string; config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }; weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }> };
  weightData: ArrayBuffer;
}

/** model.save() through a handler that keeps what a file:// save would write. */
async function save(model: tf.LayersModel): Promise<Saved> {
  let saved: Saved | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      saved = { artifacts: { ...artifacts, weightData }, modelJSON: JSON.parse(JSON.stringify(modelJSON)), weightData };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!saved) throw new Error('save handler was not called');
  return saved;
}

function writeModel(dir: string, s: Saved): void {
  writeFileSync(join(dir, 'model.json'), JSON.stringify(s.modelJSON));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(s.weightData));
}

/** Token ids: trailing padding, holes, one all-padding row. */
function tokenIds(fx: Fixtures, batch: number): { values: number[]; shape: [number, number] } {
  const mask = makeMask(fx, batch, TIME, true);
  return { values: Array.from(mask, (m) => (m ? fx.int(1, VOCAB) : 0)), shape: [batch, TIME] };
}

function lstmModel(fused: boolean): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: VOCAB, outputDim: 6, maskZero: true, inputLength: TIME }),
      fused ? fusedRecurrent.LSTM({ units: 10, goBackwards: true }) : tf.layers.lstm({ units: 10, goBackwards: true }),
      fused ? makeFusedDense({ units: CLASSES, activation: 'softmax' }) : tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
}

function bidirectionalModel(fused: boolean): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: VOCAB, outputDim: 5, maskZero: true, inputLength: TIME }),
      fused
        ? makeFusedBidirectional({ layer: fusedRecurrent.GRU({ units: 7, returnSequences: true }), mergeMode: 'concat' })
        : tf.layers.bidirectional({ layer: tf.layers.gru({ units: 7, returnSequences: true }) as tf.RNN, mergeMode: 'concat' }),
      fused ? makeFusedDense({ units: CLASSES, activation: 'softmax' }) : tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
}

/** Deterministic weights (tfjs's initialisers draw from Math.random). */
function seedWeights(model: tf.LayersModel, fx: Fixtures): void {
  const w = model.getWeights().map((t) => tf.tensor(Float32Array.from(fx.uniform(t.size, -0.5, 0.5)), t.shape));
  model.setWeights(w);
  tf.dispose(w);
}

async function trainFewSteps(model: tf.LayersModel, fx: Fixtures, steps: number, sequenceOutput: boolean): Promise<number[]> {
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  const ids = tokenIds(fx, 16);
  const labels = ids.values.map((v) => v % CLASSES);
  const x = tf.tensor2d(ids.values, ids.shape, 'int32');
  const y = sequenceOutput ? tf.oneHot(tf.tensor2d(labels, ids.shape, 'int32'), CLASSES) : tf.oneHot(tf.tensor1d(labels.filter((_, i) => i % TIME === 0), 'int32'), CLASSES);
  for (let s = 0; s < steps; s++) losses.push(Number(await model.trainOnBatch(x, y)));
  tf.dispose([x, y]);
  return losses;
}

describe('save and load', () => {
  let dir = '';
  const fx = new Fixtures(2024);
  let lstm: tf.Sequential;
  let bidi: tf.Sequential;
  let savedLstm: Saved;
  let savedBidi: Saved;
  let input: { values: number[]; shape: [number, number] };
  let lstmPredictions: Float32Array;
  let bidiPredictions: Float32Array;

  beforeAll(async () => {
    await useCpuBackend();
    dir = mkdtempSync(join(tmpdir(), 'wordloom-fused-save-'));
    lstm = lstmModel(true);
    seedWeights(lstm, fx);
    const lstmLosses = await trainFewSteps(lstm, fx, 6, false);
    expect(lstmLosses[lstmLosses.length - 1]!, `training loss ${lstmLosses.join(', ')}`).toBeLessThan(lstmLosses[0]!);
    bidi = bidirectionalModel(true);
    seedWeights(bidi, fx);
    await trainFewSteps(bidi, fx, 4, true);
    input = tokenIds(fx, 7);
    lstmPredictions = tf.tidy(() => (lstm.predict(tf.tensor2d(input.values, input.shape, 'int32')) as tf.Tensor).dataSync() as Float32Array);
    bidiPredictions = tf.tidy(() => (bidi.predict(tf.tensor2d(input.values, input.shape, 'int32')) as tf.Tensor).dataSync() as Float32Array);
    savedLstm = await save(lstm);
    savedBidi = await save(bidi);
    for (const [name, s] of [['lstm', savedLstm], ['bidirectional', savedBidi]] as const) {
      mkdirSync(join(dir, name));
      writeModel(join(dir, name), s);
    }
  });

  afterAll(() => {
    unregisterFusedLayers();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("model.json names tfjs's standard classes", () => {
    expect(savedLstm.modelJSON.modelTopology.config.layers.map((l) => l.class_name)).toEqual(['Embedding', 'LSTM', 'Dense']);
    const bidiLayers = savedBidi.modelJSON.modelTopology.config.layers;
    expect(bidiLayers.map((l) => l.class_name)).toEqual(['Embedding', 'Bidirectional', 'Dense']);
    expect((bidiLayers[1]!.config['layer'] as { class_name: string }).class_name).toBe('GRU');
  });

  it('layer configs and weight specs are exactly those of the same model built from tfjs layers', async () => {
    for (const [fused, plain] of [
      [savedLstm, await save(lstmModel(false))],
      [savedBidi, await save(bidirectionalModel(false))],
    ] as const) {
      const strip = (s: Saved): unknown[] =>
        s.modelJSON.modelTopology.config.layers.map((l) => {
          const { name: _name, layer, ...rest } = l.config as Record<string, unknown> & { layer?: { config: Record<string, unknown> } };
          void _name;
          if (layer) {
            const { name: _inner, ...innerRest } = layer.config;
            void _inner;
            return { class_name: l.class_name, ...rest, layer: { ...layer, config: innerRest } };
          }
          return { class_name: l.class_name, ...rest };
        });
      expect(strip(fused)).toEqual(strip(plain));
      const specs = (s: Saved): string[] => s.modelJSON.weightsManifest[0]!.weights.map((w) => `${w.name.split('/').slice(-1)[0]} [${w.shape}] ${w.dtype}`);
      expect(specs(fused)).toEqual(specs(plain));
    }
  });

  it('a Node process with only @tensorflow/tfjs loads both models and predicts the same', () => {
    const plain = predictWithPlainTfjs({ lstm: join(dir, 'lstm'), bidirectional: join(dir, 'bidirectional') }, [input]);
    const result = Object.fromEntries(Object.entries(plain).map(([name, r]) => [name, { classes: r.classes, ...r.results[0]! }]));
    expect(result['lstm']!.classes).toEqual(['Embedding', 'LSTM', 'Dense']);
    expect(result['lstm']!.shape).toEqual([7, CLASSES]);
    assertClose(result['lstm']!.values, lstmPredictions, 'LSTM model: plain tfjs vs fused predictions', 1e-5);
    expect(result['bidirectional']!.classes).toEqual(['Embedding', 'Bidirectional', 'Dense']);
    expect(result['bidirectional']!.shape).toEqual([7, TIME, CLASSES]);
    assertClose(result['bidirectional']!.values, bidiPredictions, 'Bidirectional model: plain tfjs vs fused predictions', 1e-5);
  });

  it('registerFusedLayers() makes loadLayersModel build fused layers; unregisterFusedLayers() restores tfjs', async () => {
    const predict = (m: tf.LayersModel): Float32Array => tf.tidy(() => (m.predict(tf.tensor2d(input.values, input.shape, 'int32')) as tf.Tensor).dataSync() as Float32Array);
    type Wrapped = { forwardLayer: tf.layers.Layer; backwardLayer: tf.layers.Layer };
    registerFusedLayers();
    try {
      const a = await tf.loadLayersModel(tf.io.fromMemory(savedLstm.artifacts));
      expect(a.layers[1]!.constructor, 'LSTM built by deserialization').toBe(fusedClass('LSTM'));
      expect(a.layers[2]!.constructor, 'Dense built by deserialization').toBe(fusedClass('Dense'));
      assertClose(predict(a), lstmPredictions, 'reloaded fused LSTM model', 1e-5);
      const b = await tf.loadLayersModel(tf.io.fromMemory(savedBidi.artifacts));
      expect((b.layers[1] as unknown as Wrapped).forwardLayer.constructor, 'Bidirectional forward copy').toBe(fusedClass('GRU'));
      expect((b.layers[1] as unknown as Wrapped).backwardLayer.constructor, 'Bidirectional backward copy').toBe(fusedClass('GRU'));
      assertClose(predict(b), bidiPredictions, 'reloaded fused Bidirectional model', 1e-5);
      // tfjs's own Bidirectional, built while fused layers are registered, fuses its copies too.
      const wrapped = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2 }) as tf.RNN }) as unknown as Wrapped;
      expect(wrapped.forwardLayer.constructor).toBe(fusedClass('LSTM'));
      a.dispose();
      b.dispose();
    } finally {
      unregisterFusedLayers();
    }
    const c = await tf.loadLayersModel(tf.io.fromMemory(savedLstm.artifacts));
    expect(c.layers[1]!.constructor, 'LSTM after unregisterFusedLayers').toBe(tfjsClass.LSTM);
    expect(c.layers[2]!.constructor, 'Dense after unregisterFusedLayers').toBe(tfjsClass.Dense);
    assertClose(predict(c), lstmPredictions, 'reloaded tfjs LSTM model', 1e-5);
    const d = await tf.loadLayersModel(tf.io.fromMemory(savedBidi.artifacts));
    expect((d.layers[1] as unknown as Wrapped).forwardLayer.constructor).toBe(tfjsClass.GRU);
    c.dispose();
    d.dispose();
  });
});
