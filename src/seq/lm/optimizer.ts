/**
 * The optimizers a language model trains with, their learning rate changed in place (decay on
 * plateau), and their whole state as plain arrays for checkpoints: the slots of
 * optimizer.getWeights() and, for Adam, the running powers of beta1 and beta2, which
 * setWeights() would recompute as powers (rounding differently from the running product, so a
 * resumed run would drift from an uninterrupted one in the last bits).
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from './options.js';
import { FusedAdam } from '../optimizers/fused-adam.js';

export function createOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return new FusedAdam(lr, 0.9, 0.999, 1e-8);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.99, 0, 1e-8);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'sgd':
      return tf.train.momentum(lr, 0.9);
  }
}

interface LearningRateInternals {
  learningRate: number;
  setLearningRate?: (lr: number) => void;
}

export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as LearningRateInternals;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

export interface SavedArray {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  values: Float32Array | Int32Array;
}

export interface OptimizerState {
  slots: SavedArray[];
  /** Adam's running beta powers, null for the others. */
  betaPowers: [number, number] | null;
}

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

export async function saveOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const slots = weights.map(({ name, tensor }) => ({
    name,
    dtype: tensor.dtype === 'int32' ? ('int32' as const) : ('float32' as const),
    shape: tensor.shape.slice(),
    values: tensor.dtype === 'int32' ? Int32Array.from(tensor.dataSync()) : Float32Array.from(tensor.dataSync()),
  }));
  // getWeights made a new tensor for the iteration count; the slots themselves are the optimizer's.
  const a = optimizer as unknown as AdamInternals;
  for (const w of weights) if (w.name === 'iter') w.tensor.dispose();
  const betaPowers: [number, number] | null = a.accBeta1 && a.accBeta2 ? [a.accBeta1.dataSync()[0]!, a.accBeta2.dataSync()[0]!] : null;
  return { slots, betaPowers };
}

export async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const named = state.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, s.dtype) }));
  await optimizer.setWeights(named);
  // setWeights made variables of the slot tensors (copies); the iteration scalar was read.
  tf.dispose(named.map((n) => n.tensor));
  const a = optimizer as unknown as AdamInternals;
  if (state.betaPowers && a.accBeta1 && a.accBeta2) {
    const [b1, b2] = state.betaPowers;
    tf.tidy(() => {
      a.accBeta1!.assign(tf.scalar(b1));
      a.accBeta2!.assign(tf.scalar(b2));
    });
  }
}
