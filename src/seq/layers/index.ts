import * as tf from '@tensorflow/tfjs';
import { FusedDense } from './fused-dense.js';
import { FusedDot } from './fused-dot.js';
import { FusedEmbedding } from './fused-embedding.js';
import { FusedGRU, FusedLSTM, FusedSimpleRNN } from './fused-recurrent-layers.js';
import { withFusedLayers } from './registry.js';
import type { BidirectionalArgs, DenseArgs, DotArgs, EmbeddingArgs, GRUArgs, LSTMArgs, SimpleRNNArgs } from './tfjs-classes.js';

export { FusedDense, FusedDot, FusedEmbedding, FusedGRU, FusedLSTM, FusedSimpleRNN };
export { registerFusedLayers, unregisterFusedLayers, fusedLayersRegistered, withFusedLayers } from './registry.js';
export { executeOnce } from './execute-once.js';
export type { BidirectionalArgs, DenseArgs, DotArgs, EmbeddingArgs, GRUArgs, LSTMArgs, SimpleRNNArgs };

/** Takes exactly tf.layers.lstm's arguments; saved as a plain tfjs 'LSTM'. */
export function fusedLSTM(args: LSTMArgs): ReturnType<typeof tf.layers.lstm> {
  return new FusedLSTM(args);
}

/** Takes exactly tf.layers.gru's arguments; saved as a plain tfjs 'GRU'. */
export function fusedGRU(args: GRUArgs): ReturnType<typeof tf.layers.gru> {
  return new FusedGRU(args);
}

/** Takes exactly tf.layers.simpleRNN's arguments; saved as a plain tfjs 'SimpleRNN'. */
export function fusedSimpleRNN(args: SimpleRNNArgs): ReturnType<typeof tf.layers.simpleRNN> {
  return new FusedSimpleRNN(args);
}

/** Takes exactly tf.layers.dense's arguments; saved as a plain tfjs 'Dense'. */
export function fusedDense(args: DenseArgs): ReturnType<typeof tf.layers.dense> {
  return new FusedDense(args);
}

/** Takes exactly tf.layers.embedding's arguments; saved as a plain tfjs 'Embedding'. */
export function fusedEmbedding(args: EmbeddingArgs): ReturnType<typeof tf.layers.embedding> {
  return new FusedEmbedding(args);
}

/** Takes exactly tf.layers.dot's arguments; saved as a plain tfjs 'Dot'. */
export function fusedDot(args: DotArgs): ReturnType<typeof tf.layers.dot> {
  return new FusedDot(args);
}

/** tf.layers.bidirectional whose forward and backward copies of `args.layer` are fused layers. */
export function fusedBidirectional(args: BidirectionalArgs): ReturnType<typeof tf.layers.bidirectional> {
  return withFusedLayers(() => tf.layers.bidirectional(args));
}
