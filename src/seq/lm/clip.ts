import * as tf from '@tensorflow/tfjs';

/**
 * Gradient clipping by global norm (PyTorch's clip_grad_norm_): when the norm of all gradients
 * taken together exceeds maxNorm, every gradient is scaled by maxNorm / (norm + 1e-6). Returns
 * the norm before clipping (NaN or Infinity when a gradient is) and the gradients to apply; the
 * input gradients are disposed when replaced. maxNorm 0 only measures.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { norm: number; grads: tf.NamedTensorMap } {
  const names = Object.keys(grads);
  const norm = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))).dataSync()[0]!);
  if (!(maxNorm > 0) || !(norm > maxNorm) || !Number.isFinite(norm)) return { norm, grads };
  const scale = maxNorm / (norm + 1e-6);
  const clipped: tf.NamedTensorMap = {};
  for (const n of names) {
    clipped[n] = tf.mul(grads[n]!, scale);
    grads[n]!.dispose();
  }
  return { norm, grads: clipped };
}
