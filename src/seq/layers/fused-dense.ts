/**
 * tfjs's Dense (same config, weights and serialized class name) with its products on wordloom's
 * kernel threads: the output layer over a vocabulary is a large share of a language model's step,
 * and tfjs's wasm backend runs its transposed gradient products as scalar loops.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward, denseForward } from '../engine/index.js';
import { floats, runFusedOp } from './fused-op.js';
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
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs).toFloat();
      const inputDim = x.shape[x.rank - 1]!;
      const rows = x.size / inputDim;
      const units = layer.units;
      const x2 = x.reshape([rows, inputDim]);
      const opInputs: Record<string, tf.Tensor> = { x: x2, kernel: layer.kernel.read() };
      if (layer.bias !== null) opInputs['bias'] = layer.bias.read();
      const xData = floats(x2);
      const kernel = floats(opInputs['kernel']!);
      const bias = opInputs['bias'] ? floats(opInputs['bias']) : null;
      const [y] = runFusedOp('FusedDense', {
        inputs: opInputs,
        forward: () => [tf.tensor2d(denseForward(xData, kernel, bias, rows, inputDim, units), [rows, units])],
        backward: ([dy]) => {
          const g = denseBackward(xData, kernel, floats(dy!), bias !== null, rows, inputDim, units);
          const grads: Record<string, tf.Tensor> = {
            x: tf.tensor2d(g.dX, [rows, inputDim]),
            kernel: tf.tensor2d(g.dKernel, [inputDim, units]),
          };
          if (g.dBias !== null) grads['bias'] = tf.tensor1d(g.dBias);
          return grads;
        },
      });
      const out = y!.reshape([...x.shape.slice(0, -1), units]);
      return layer.activation !== null ? layer.activation.apply(out) : out;
    });
  }
}
