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
  const scale = clipScale(norm, maxNorm);
  if (scale === 1) return { norm, grads };
  const clipped: tf.NamedTensorMap = {};
  for (const n of names) {
    clipped[n] = tf.mul(grads[n]!, scale);
    grads[n]!.dispose();
  }
  return { norm, grads: clipped };
}

/** The factor clipping by `maxNorm` applies to gradients of global norm `norm`: 1 when within it (or when off, or not finite). */
export function clipScale(norm: number, maxNorm: number): number {
  if (!(maxNorm > 0) || !(norm > maxNorm) || !Number.isFinite(norm)) return 1;
  return maxNorm / (norm + 1e-6);
}
