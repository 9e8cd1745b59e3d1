/**
 * One tfjs op with several outputs and a hand-written gradient, computed outside tfjs.
 *
 * tfjs's public `customGrad` allows one output only; a recurrent layer has up to three (the
 * sequence, h and c) that each receive gradients. `customGrad` itself is built on the engine's
 * `runKernelFunc`, which takes any number of outputs; it is internal to tfjs-core 4.x, so it is
 * reached here, in one place, through a narrow typed view.
 */
import * as tf from '@tensorflow/tfjs';

type GradientMap = Record<string, () => tf.Tensor>;

interface EngineInternals {
  isTapeOn(): boolean;
  runKernelFunc(params: {
    forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor | tf.Tensor[];
    backwardsFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => GradientMap;
    inputs: Record<string, tf.Tensor>;
  }): tf.Tensor | tf.Tensor[];
}

export interface FusedOp {
  /** Named inputs that receive gradients. */
  inputs: Record<string, tf.Tensor>;
  /**
   * Computes the outputs; `keepForBackward` says whether a gradient can be asked for. Tensors the
   * backward pass reads (an input, say: the caller may dispose it before then) go to `save`.
   */
  forward(keepForBackward: boolean, save: (tensors: tf.Tensor[]) => void): tf.Tensor[];
  /** One gradient per input name, given one upstream gradient per output (zeros where unused) and what forward saved. */
  backward(dys: tf.Tensor[], saved: tf.Tensor[]): Record<string, tf.Tensor>;
}

export function runFusedOp(name: string, op: FusedOp): tf.Tensor[] {
  const engine = tf.engine() as unknown as EngineInternals;
  const keep = engine.isTapeOn();
  // The engine names the tape node after the active scope; a scope of our own keeps a registered
  // gradient of some other op from being picked up by name.
  return tf.tidy(name, () => {
    const out = engine.runKernelFunc({
      forwardFunc: (_backend, save) => op.forward(keep, save),
      backwardsFunc: (dy, saved) => {
        const grads = op.backward(Array.isArray(dy) ? dy : [dy], saved);
        const map: GradientMap = {};
        for (const key of Object.keys(op.inputs)) {
          const g = grads[key];
          if (g === undefined) throw new Error(`fused op ${name} gave no gradient for ${key}`);
          map[key] = () => g;
        }
        return map;
      },
      inputs: op.inputs,
    });
    return Array.isArray(out) ? out : [out];
  });
}
