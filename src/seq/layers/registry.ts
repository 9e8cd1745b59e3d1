/**
 * Which classes tfjs builds when it deserializes 'LSTM', 'GRU', 'SimpleRNN', 'Dense', 'Embedding' and 'Dot' (in
 * tf.loadLayersModel, and when Bidirectional copies the layer it wraps). The saved files are the
 * same either way: fused layers serialize under tfjs's own class names.
 */
import * as tf from '@tensorflow/tfjs';
import { FusedDense } from './fused-dense.js';
import { FusedDot } from './fused-dot.js';
import { FusedEmbedding } from './fused-embedding.js';
import { FusedGRU, FusedLSTM, FusedSimpleRNN } from './fused-recurrent-layers.js';
import { TfjsDense, TfjsDot, TfjsEmbedding, TfjsGRU, TfjsLSTM, TfjsSimpleRNN } from './tfjs-classes.js';

type Registrable = Parameters<typeof tf.serialization.SerializationMap.register>[0];

const FUSED = [FusedLSTM, FusedGRU, FusedSimpleRNN, FusedDense, FusedEmbedding, FusedDot] as unknown as Registrable[];
const TFJS = [TfjsLSTM, TfjsGRU, TfjsSimpleRNN, TfjsDense, TfjsEmbedding, TfjsDot] as unknown as Registrable[];

/** From now on, models loaded with tf.loadLayersModel (and Bidirectional copies) use the fused layers. */
export function registerFusedLayers(): void {
  for (const cls of FUSED) tf.serialization.SerializationMap.register(cls);
}

/** Restores tfjs's own classes. */
export function unregisterFusedLayers(): void {
  for (const cls of TFJS) tf.serialization.SerializationMap.register(cls);
}

export function fusedLayersRegistered(): boolean {
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [unknown, unknown]>;
  return map['LSTM']?.[0] === FusedLSTM;
}

/** Runs `build` with the fused classes registered, then restores what was registered before. */
export function withFusedLayers<T>(build: () => T): T {
  const was = fusedLayersRegistered();
  registerFusedLayers();
  try {
    return build();
  } finally {
    if (!was) unregisterFusedLayers();
  }
}
