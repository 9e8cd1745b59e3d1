/**
 * The output layer of a model with tied weights: logits = x E^T + b, where E is the embedding
 * table [vocabulary, dim] (Press & Wolf 2017). The product runs on the engine's dense kernels
 * (as fusedDense does) with E^T as the kernel, so the gradient reaches the table through the
 * transpose and the table learns from both of its uses.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward, denseForward, type DenseTape } from '../engine/index.js';
import { runFusedOp } from '../layers/fused-op.js';
import { readFloats, tensorOf } from '../layers/tensor-io.js';

/** x [..., dim], table [vocabulary, dim], bias [vocabulary] -> logits [..., vocabulary]. */
export function tiedLogits(x: tf.Tensor, table: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const [vocabulary, dim] = table.shape as [number, number];
    const rows = x.size / dim;
    const x2 = x.reshape([rows, dim]);
    const kernel = tf.transpose(table);
    const inputs: Record<string, tf.Tensor> = { x: x2, kernel };
    if (bias !== null) inputs['bias'] = bias;
    const shape = { rows, inputs: dim, outputs: vocabulary };
    let tape: DenseTape | null = null;
    const [y] = runFusedOp('TiedDense', {
      inputs,
      forward: (keepForBackward) => {
        const result = denseForward(shape, readFloats(x2), readFloats(kernel), bias !== null ? readFloats(bias) : null, keepForBackward);
        tape = result.tape;
        return [tensorOf(result.y, [rows, vocabulary])];
      },
      backward: ([dy]) => {
        const g = denseBackward(shape, tape!, readFloats(dy!));
        const grads: Record<string, tf.Tensor> = {
          x: tensorOf(g.dX, [rows, dim]),
          kernel: tensorOf(g.dKernel, [dim, vocabulary]),
        };
        if (g.dBias !== null) grads['bias'] = tensorOf(g.dBias, [vocabulary]);
        return grads;
      },
    });
    return y!.reshape([...x.shape.slice(0, -1), vocabulary]);
  });
}
