/**
 * Max and mean pooling over time that skip padding, each one op with its own gradient. Written with
 * tfjs ops (a masked max, then `equal` against the broadcast maximum for the gradient; a product
 * with the broadcast mask for the mean) max pooling took 30% of a BiLSTM classifier's training
 * step on wasm, whose broadcasting binary ops compute indices per element; here each is a pass or
 * two over the sequence.
 */
import * as tf from '@tensorflow/tfjs';
import { runFusedOp } from './fused-op.js';
import { readFloats, tensorOf } from './tensor-io.js';

/**
 * out[b, c] = the largest x[b, t, c] over the steps t with mask[b, t] !== 0, and argmax[b, c] that
 * t (the first one on a tie); a row without a real step gets 0 and argmax -1.
 */
export function maskedMaxOverTime(
  x: Float32Array, mask: ArrayLike<number>, batch: number, time: number, channels: number, out: Float32Array, argmax: Int32Array,
): void {
  out.fill(0, 0, batch * channels);
  argmax.fill(-1, 0, batch * channels);
  for (let b = 0; b < batch; b++) {
    const o = b * channels;
    for (let t = 0; t < time; t++) {
      if (mask[b * time + t] === 0) continue;
      const row = (b * time + t) * channels;
      for (let c = 0; c < channels; c++) {
        const v = x[row + c]!;
        if (argmax[o + c]! < 0 || v > out[o + c]!) {
          out[o + c] = v;
          argmax[o + c] = t;
        }
      }
    }
  }
}

/** dx = the upstream gradient dy [batch, channels] routed to each maximum's step; 0 elsewhere. */
export function maxOverTimeGradient(dy: Float32Array, argmax: Int32Array, batch: number, time: number, channels: number, dx: Float32Array): void {
  dx.fill(0, 0, batch * time * channels);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const t = argmax[b * channels + c]!;
      if (t >= 0) dx[(b * time + t) * channels + c] = dy[b * channels + c]!;
    }
  }
}

/** x [batch, time, channels], mask [batch, time] (1 for a real step, 0 for padding) -> [batch, channels]; differentiable in x. */
export function maskedMaxPool(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  const [batch, time, channels] = x.shape;
  const steps = mask.dataSync();
  let argmax = new Int32Array(0);
  const [pooled] = runFusedOp('MaskedMaxOverTime', {
    inputs: { x },
    forward: () => {
      const out = new Float32Array(batch * channels);
      argmax = new Int32Array(batch * channels);
      maskedMaxOverTime(readFloats(x), steps, batch, time, channels, out, argmax);
      return [tensorOf(out, [batch, channels])];
    },
    backward: ([dy]) => {
      const dx = new Float32Array(batch * time * channels);
      maxOverTimeGradient(readFloats(dy!), argmax, batch, time, channels, dx);
      return { x: tensorOf(dx, [batch, time, channels]) };
    },
  });
  return pooled as tf.Tensor2D;
}

/** out[b, c] = the mean of x[b, t, c] over the steps t with mask[b, t] !== 0 (0 for a row without one); returns the steps per row. */
export function maskedMeanOverTime(x: Float32Array, mask: ArrayLike<number>, batch: number, time: number, channels: number, out: Float32Array): Int32Array {
  const steps = new Int32Array(batch);
  out.fill(0, 0, batch * channels);
  for (let b = 0; b < batch; b++) {
    const o = b * channels;
    for (let t = 0; t < time; t++) {
      if (mask[b * time + t] === 0) continue;
      steps[b]!++;
      const row = (b * time + t) * channels;
      for (let c = 0; c < channels; c++) out[o + c]! += x[row + c]!;
    }
    if (steps[b]! > 1) for (let c = 0; c < channels; c++) out[o + c]! /= steps[b]!;
  }
  return steps;
}

/** dx[b, t, c] = dy[b, c] / steps[b] at the real steps, 0 at padding. */
export function meanOverTimeGradient(dy: Float32Array, mask: ArrayLike<number>, steps: Int32Array, batch: number, time: number, channels: number, dx: Float32Array): void {
  dx.fill(0, 0, batch * time * channels);
  for (let b = 0; b < batch; b++) {
    if (steps[b] === 0) continue;
    const scale = 1 / steps[b]!;
    for (let t = 0; t < time; t++) {
      if (mask[b * time + t] === 0) continue;
      const row = (b * time + t) * channels;
      for (let c = 0; c < channels; c++) dx[row + c] = dy[b * channels + c]! * scale;
    }
  }
}

/** x [batch, time, channels], mask [batch, time] (1 for a real step, 0 for padding) -> the mean over the real steps [batch, channels]; differentiable in x. */
export function maskedMeanPool(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  const [batch, time, channels] = x.shape;
  const real = mask.dataSync();
  let steps: Int32Array = new Int32Array(0);
  const [pooled] = runFusedOp('MaskedMeanOverTime', {
    inputs: { x },
    forward: () => {
      const out = new Float32Array(batch * channels);
      steps = maskedMeanOverTime(readFloats(x), real, batch, time, channels, out);
      return [tensorOf(out, [batch, channels])];
    },
    backward: ([dy]) => {
      const dx = new Float32Array(batch * time * channels);
      meanOverTimeGradient(readFloats(dy!), real, steps, batch, time, channels, dx);
      return { x: tensorOf(dx, [batch, time, channels]) };
    },
  });
  return pooled as tf.Tensor2D;
}
