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
