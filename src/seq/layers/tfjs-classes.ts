/**
 * tfjs's own layer classes, taken from its serialization registry (the classes themselves are not
 * exported by @tensorflow/tfjs). Fused subclasses extend them, so configs, weights and
 * serialization stay exactly tfjs's. Read once, before wordloom registers its own classes under
 * the same names.
 */
import * as tf from '@tensorflow/tfjs';

type LayerArgs<F extends (args: never) => unknown> = Parameters<F>[0];
export type LSTMArgs = LayerArgs<typeof tf.layers.lstm>;
export type GRUArgs = LayerArgs<typeof tf.layers.gru>;
export type SimpleRNNArgs = LayerArgs<typeof tf.layers.simpleRNN>;
export type DenseArgs = LayerArgs<typeof tf.layers.dense>;
export type EmbeddingArgs = LayerArgs<typeof tf.layers.embedding>;
export type BidirectionalArgs = LayerArgs<typeof tf.layers.bidirectional>;
export type DotArgs = LayerArgs<typeof tf.layers.dot>;

type LayerClass<A, L> = (new (args: A) => L) & { className: string };

/** The marker wordloom's fused classes carry, pointing at the tfjs class they extend. */
export const TFJS_BASE = Symbol.for('wordloom.tfjsBase');

function registered<A, L>(className: string): LayerClass<A, L> {
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [unknown, unknown]>;
  const entry = map[className];
  if (entry === undefined) throw new Error(`tfjs has no registered layer class ${className}`);
  const cls = entry[0] as LayerClass<A, L> & { [TFJS_BASE]?: LayerClass<A, L> };
  return cls[TFJS_BASE] ?? cls;
}

export const TfjsLSTM = registered<LSTMArgs, ReturnType<typeof tf.layers.lstm>>('LSTM');
export const TfjsGRU = registered<GRUArgs, ReturnType<typeof tf.layers.gru>>('GRU');
export const TfjsSimpleRNN = registered<SimpleRNNArgs, ReturnType<typeof tf.layers.simpleRNN>>('SimpleRNN');
export const TfjsDense = registered<DenseArgs, ReturnType<typeof tf.layers.dense>>('Dense');
export const TfjsEmbedding = registered<EmbeddingArgs, ReturnType<typeof tf.layers.embedding>>('Embedding');
export const TfjsDot = registered<DotArgs, ReturnType<typeof tf.layers.dot>>('Dot');
