/**
 * tfjs's Dense (same config, weights and serialized class name) with its products on wordloom's
 * kernel threads: the output layer over a vocabulary is a large share of a language model's step,
 * and tfjs's wasm backend runs its transposed gradient products as scalar loops.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward, denseForward, type DenseTape } from '../engine/index.js';
import { runFusedOp } from './fused-op.js';
import { floatTensor, readFloats, tensorOf } from './tensor-io.js';
import { TFJS_BASE, TfjsDense } from './tfjs-classes.js';
import type { CallKwargs } from './fused-recurrent.js';

interface DenseInternals {
  units: number;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  invokeCallHook(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): void;
}

export class FusedDense extends TfjsDense {
  static readonly [TFJS_BASE] = TfjsDense;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
    const layer = this as unknown as DenseInternals;
    return tf.tidy(() => {
      layer.invokeCallHook(inputs, kwargs);
      const x = floatTensor(Array.isArray(inputs) ? inputs[0]! : inputs);
      const inputDim = x.shape[x.rank - 1]!;
      const rows = x.size / inputDim;
      const units = layer.units;
      const outShape = [...x.shape.slice(0, -1), units];
      // The op takes and gives tensors in their own shapes: a reshape under the gradient tape
      // would copy its input (tfjs saves it for the reshape's gradient).
      const opInputs: Record<string, tf.Tensor> = { x, kernel: layer.kernel.read() };
      if (layer.bias !== null) opInputs['bias'] = layer.bias.read();
      const shape = { rows, inputs: inputDim, outputs: units };
      let tape: DenseTape | null = null;
      const [y] = runFusedOp('FusedDense', {
        inputs: opInputs,
        forward: (keepForBackward) => {
          const bias = opInputs['bias'] ? readFloats(opInputs['bias']) : null;
          const result = denseForward(shape, readFloats(x), readFloats(opInputs['kernel']!), bias, keepForBackward);
          tape = result.tape;
          return [tensorOf(result.y, outShape)];
        },
        backward: ([dy]) => {
          const g = denseBackward(shape, tape!, readFloats(dy!));
          const grads: Record<string, tf.Tensor> = {
            x: tensorOf(g.dX, x.shape),
            kernel: tensorOf(g.dKernel, [inputDim, units]),
          };
          if (g.dBias !== null) grads['bias'] = tensorOf(g.dBias, [units]);
          return grads;
        },
      });
      return layer.activation !== null ? layer.activation.apply(y!) : y!;
    });
  }
}
