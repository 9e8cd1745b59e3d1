/**
 * tfjs's Embedding (same config, weights, masking and serialized class name) with the lookup and
 * its gradient done as row copies and a segment sum: tfjs's wasm gather checks every index
 * through a closure and costs more than the recurrent layer it feeds on small models.
 */
import * as tf from '@tensorflow/tfjs';
import { segmentSumFloat32 } from '../backend/unsorted-segment-sum.js';
import { runFusedOp } from './fused-op.js';
import { readFloats } from './tensor-io.js';
import { TFJS_BASE, TfjsEmbedding } from './tfjs-classes.js';
import type { CallKwargs } from './fused-recurrent.js';

interface EmbeddingInternals {
  inputDim: number;
  outputDim: number;
  embeddings: { read(): tf.Tensor };
  invokeCallHook(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): void;
  /** Also checks the input's length against inputLength, with tfjs's own error. */
  computeOutputShape(inputShape: number[]): number[];
}

export class FusedEmbedding extends TfjsEmbedding {
  static readonly [TFJS_BASE] = TfjsEmbedding;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
    const layer = this as unknown as EmbeddingInternals;
    return tf.tidy(() => {
      layer.invokeCallHook(inputs, kwargs);
      const input = Array.isArray(inputs) ? inputs[0]! : inputs;
      const ids = Int32Array.from(input.dataSync() as ArrayLike<number>);
      const { inputDim: V, outputDim: E } = layer;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (!(id >= 0 && id < V)) throw new Error(`GatherV2: the index value ${id} is not in [0, ${V - 1}]`);
      }
      const table = layer.embeddings.read();
      // Given in its final shape: a reshape under the gradient tape would copy it.
      const outShape = layer.computeOutputShape(input.shape) as number[];
      const [rows] = runFusedOp('FusedEmbedding', {
        inputs: { table },
        forward: () => {
          const values = readFloats(table);
          const out = new Float32Array(ids.length * E);
          // Element by element: a subarray per row would allocate one object per token.
          for (let i = 0, o = 0; i < ids.length; i++) {
            for (let e = 0, from = ids[i]! * E; e < E; e++) out[o++] = values[from + e]!;
          }
          return [tf.tensor(out, outShape)];
        },
        backward: ([dy]) => {
          const grad = new Float32Array(V * E);
          segmentSumFloat32(readFloats(dy!), ids, E, V, grad);
          return { table: tf.tensor2d(grad, [V, E]) };
        },
      });
      return rows!;
    });
  }
}
