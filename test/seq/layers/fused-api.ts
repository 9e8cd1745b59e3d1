/**
 * The one place the tests import wordloom's fused layers from (the layer factories from
 * src/seq/layers, the thread controls from src/seq/engine), and the classes they are compared with.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedBidirectional, fusedDense, fusedGRU, fusedLSTM, fusedSimpleRNN, registerFusedLayers, unregisterFusedLayers } from '../../../src/seq/layers/index.js';
import { engineReady, engineThreads, setEngineThreads } from '../../../src/seq/engine/index.js';
import type { RecurrentFactory } from './harness.js';
import type { CellKind } from './reference-cells.js';

export { fusedBidirectional, fusedDense, fusedGRU, fusedLSTM, fusedSimpleRNN, registerFusedLayers, unregisterFusedLayers, engineReady, engineThreads, setEngineThreads };

export const fusedRecurrent: Record<CellKind, RecurrentFactory> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  SimpleRNN: (args) => fusedSimpleRNN(args as any) as unknown as tf.layers.Layer,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  GRU: (args) => fusedGRU(args as any) as unknown as tf.layers.Layer,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  LSTM: (args) => fusedLSTM(args as any) as unknown as tf.layers.Layer,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function makeFusedDense(args: Record<string, unknown>): tf.layers.Layer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return fusedDense(args as any) as unknown as tf.layers.Layer;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function makeFusedBidirectional(args: Record<string, unknown>): tf.layers.Layer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return fusedBidirectional(args as any) as unknown as tf.layers.Layer;
}

/** tfjs's own classes (tf.layers.* always constructs these, whatever is registered). */
export const tfjsClass = {
  SimpleRNN: tf.layers.simpleRNN({ units: 1 }).constructor,
  GRU: tf.layers.gru({ units: 1 }).constructor,
  LSTM: tf.layers.lstm({ units: 1 }).constructor,
  Dense: tf.layers.dense({ units: 1 }).constructor,
  Bidirectional: tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 1 }) as tf.RNN }).constructor,
} as const;

/** The fused classes, as the factories build them. */
export function fusedClass(name: CellKind | 'Dense'): unknown {
  if (name === 'Dense') return makeFusedDense({ units: 1 }).constructor;
  return fusedRecurrent[name]({ units: 1 }).constructor;
}
