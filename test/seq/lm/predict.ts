/** A language model's logits for integer inputs, as a flat array (the tests compare them). */
import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from '../../../src/seq/lm/index.js';

export function predict(lm: LanguageModel, x: { shape: number[]; values: number[] }): Float32Array {
  return tf.tidy(() => (lm.model.predict(tf.tensor2d(x.values, x.shape as [number, number], 'int32')) as tf.Tensor).dataSync() as Float32Array);
}
