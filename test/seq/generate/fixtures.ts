/**
 * Small language models of the LM trainer's shape (Embedding -> recurrent layers with
 * returnSequences, optional Dropout -> Dense logits) with seeded weights, and vocabularies for
 * them, for the generation tests.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../seeded-random.js';
import { Vocabulary } from '../../../src/text/vocabulary.js';
import type { RecurrentKind } from '../../../src/seq/generate/index.js';

export interface ModelSpec {
  kind: RecurrentKind;
  vocab: number;
  embedding?: number;
  units?: number;
  layers?: number;
  /** Rate of a Dropout layer after every recurrent layer (0: none). */
  dropout?: number;
  /** Recurrent cells' own input dropout (tfjs's `dropout` argument). */
  cellDropout?: number;
  seed?: number;
  /** Dense activation (default linear: logits). */
  activation?: 'linear' | 'softmax';
  /** Weight scale (recurrent weights get half of it). */
  scale?: number;
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
}

export function buildModel(spec: ModelSpec): tf.Sequential {
  const { kind, vocab, embedding = 5, units = 7, layers = 1, dropout = 0, cellDropout = 0, seed = 1, activation = 'linear', scale = 1 } = spec;
  const model = tf.sequential({ name: `lm_${kind.toLowerCase()}` });
  model.add(tf.layers.embedding({ inputDim: vocab, outputDim: embedding, batchInputShape: [null, null] }));
  for (let l = 0; l < layers; l++) {
    const args: Record<string, unknown> = {
      units,
      returnSequences: true,
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
      dropout: cellDropout,
    };
    if (kind !== 'SimpleRNN') args['recurrentActivation'] = spec.recurrentActivation ?? (l % 2 === 0 ? 'sigmoid' : 'hardSigmoid');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const a = args as any;
    model.add(kind === 'LSTM' ? tf.layers.lstm(a) : kind === 'GRU' ? tf.layers.gru(a) : tf.layers.simpleRNN(a));
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  }
  model.add(tf.layers.dense({ units: vocab, activation, kernelInitializer: 'zeros' }));
  setSeededWeights(model, seed, scale);
  return model;
}

/** Every weight uniform in ±scale (recurrent kernels ±scale/2), from a seed. */
export function setSeededWeights(model: tf.LayersModel, seed: number, scale = 1): void {
  const next = seededRandom(seed);
  const weights = model.weights.map((w) => {
    const limit = w.name.includes('recurrent') ? scale / 2 : scale;
    const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, () => (2 * next() - 1) * limit);
    return tf.tensor(values, w.shape as number[]);
  });
  model.setWeights(weights);
  tf.dispose(weights);
}

/** Sets entries of the Dense bias (e.g. a huge logit for one token). */
export function setOutputBias(model: tf.LayersModel, values: Record<number, number>): void {
  const dense = model.layers[model.layers.length - 1]!;
  const [kernel, bias] = dense.getWeights();
  const b = Float32Array.from(bias!.dataSync());
  for (const [id, v] of Object.entries(values)) b[Number(id)] = v;
  const nb = tf.tensor1d(b);
  dense.setWeights([kernel!, nb]);
  nb.dispose();
}

/** A character vocabulary: the specials, then these characters (ids 4, 5, ...). */
export function charVocabulary(chars: string): Vocabulary {
  const list = Array.from(chars);
  return Vocabulary.fromList(list, list.map(() => 1));
}

/** A word vocabulary: the specials, then these words. */
export function wordVocabulary(words: string[]): Vocabulary {
  return Vocabulary.fromList(words, words.map(() => 1));
}

/** Saves to memory and loads back with plain tf.loadLayersModel (what a browser does with model.json). */
export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}

/** Logits of the whole model on ids [batch, time] (predict: inference mode), as nested arrays [b][t][v]. */
export function fullLogits(model: tf.LayersModel, ids: number[][]): Float32Array[][] {
  const out = tf.tidy(() => model.predict(tf.tensor2d(ids, [ids.length, ids[0]!.length], 'int32')) as tf.Tensor);
  const [B, T, V] = out.shape as [number, number, number];
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => data.slice((b * T + t) * V, (b * T + t + 1) * V)));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
