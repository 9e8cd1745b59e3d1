/**
 * A model's weights as plain arrays (for checkpoints and the best weights kept in memory) and back.
 */
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import type { SavedArray } from '../lm/optimizer.js';

export function savedArray(name: string, t: tf.Tensor): SavedArray {
  return t.dtype === 'int32'
    ? { name, dtype: 'int32', shape: t.shape.slice(), values: Int32Array.from(t.dataSync()) }
    : { name, dtype: 'float32', shape: t.shape.slice(), values: Float32Array.from(t.dataSync()) };
}

export function getWeights(model: tf.LayersModel): SavedArray[] {
  return model.weights.map((w) => savedArray(w.originalName, w.read()));
}

export function setWeights(model: tf.LayersModel, saved: SavedArray[], source: string): void {
  const weights = model.weights;
  if (saved.length !== weights.length || saved.some((s, i) => s.shape.join() !== weights[i]!.shape.join())) {
    throw new WordloomError('EFORMAT', `${source}: the saved weights do not fit the model`);
  }
  const tensors = saved.map((s) => tf.tensor(s.values, s.shape, s.dtype));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** The weights of several models trained together (a forward and a backward model, an encoder and a decoder), one after the other. */
export function getModelsWeights(models: readonly tf.LayersModel[]): SavedArray[] {
  return models.flatMap(getWeights);
}

/** Sets the weights getModelsWeights gave back into the same models. */
export function setModelsWeights(models: readonly tf.LayersModel[], saved: SavedArray[], source: string): void {
  const counts = models.map((m) => m.weights.length);
  if (saved.length !== counts.reduce((a, b) => a + b, 0)) throw new WordloomError('EFORMAT', `${source}: the saved weights do not fit the model`);
  let from = 0;
  models.forEach((m, k) => {
    setWeights(m, saved.slice(from, from + counts[k]!), source);
    from += counts[k]!;
  });
}
