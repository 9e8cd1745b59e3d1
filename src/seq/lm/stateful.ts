/**
 * Running a language model with its recurrent state carried from one call to the next, on plain
 * tfjs (this file imports nothing else, so it also runs in a browser): training carries the state
 * across windows, evaluation across a long text, generation across single tokens.
 *
 * A saved model has recurrent layers that return only their output sequence; here each call
 * temporarily asks the layer for its final states too (tfjs's RNN reads `returnState` when called)
 * and gives it the previous states as `initialState`, so no stateful layer, and none of the
 * states tfjs would keep for a stateful one, is involved.
 */
import * as tf from '@tensorflow/tfjs';

/** Per recurrent layer, in order: [h] for GRU and SimpleRNN, [h, c] for LSTM; each [batch, units]. */
export type LayerStates = tf.Tensor[][];

const RECURRENT_CLASSES = new Set(['LSTM', 'GRU', 'SimpleRNN']);

export function isRecurrentLayer(layer: tf.layers.Layer): boolean {
  return RECURRENT_CLASSES.has(layer.getClassName());
}

interface RecurrentFields {
  returnState: boolean;
  returnSequences: boolean;
}

/**
 * Applies a recurrent layer to x [batch, time, features] starting from `state` (null: zeros) and
 * returns its output (the sequence when the layer has returnSequences, else the last output) and
 * its final state.
 */
export function applyRecurrentWithState(
  layer: tf.layers.Layer,
  x: tf.Tensor,
  state: tf.Tensor[] | null,
  training = false,
): { output: tf.Tensor; state: tf.Tensor[] } {
  const fields = layer as unknown as RecurrentFields;
  const returnState = fields.returnState;
  fields.returnState = true;
  try {
    const kwargs: Record<string, unknown> = { training };
    if (state !== null) kwargs['initialState'] = state;
    const out = layer.apply(x, kwargs) as tf.Tensor[];
    return { output: out[0]!, state: out.slice(1) };
  } finally {
    fields.returnState = returnState;
  }
}

/**
 * Runs a language model (Embedding, recurrent layers with returnSequences, optional Dropout,
 * Dense producing logits; any model wordloom saves, loaded with plain tf.loadLayersModel) on
 * ids [batch, time] from `states` (null: zero states). Returns logits [batch, time, vocabulary]
 * and the states after the last step, to pass to the next call. The caller disposes both.
 */
export function runLanguageModel(model: tf.LayersModel, ids: tf.Tensor, states: LayerStates | null): { logits: tf.Tensor; states: LayerStates } {
  return tf.tidy(() => {
    let x: tf.Tensor = ids;
    const next: LayerStates = [];
    for (const layer of model.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      if (isRecurrentLayer(layer)) {
        const r = applyRecurrentWithState(layer, x, states?.[next.length] ?? null);
        x = r.output;
        next.push(r.state);
      } else {
        x = layer.apply(x, { training: false }) as tf.Tensor;
      }
    }
    return { logits: x, states: next };
  });
}

/** Disposes every tensor of a LayerStates (null is fine). */
export function disposeStates(states: LayerStates | null): void {
  if (states !== null) for (const s of states) tf.dispose(s);
}
