/**
 * tfjs's SimpleRNN, GRU and LSTM (same configs, weights, gate orders and serialized class names),
 * computed by wordloom's fused kernels; a configuration the kernels do not cover runs tfjs's own
 * step-by-step code.
 */
import type * as tf from '@tensorflow/tfjs';
import type { CellKind } from '../engine/index.js';
import { fusedRecurrentCall, type CallKwargs, type RecurrentLayerInternals } from './fused-recurrent.js';
import { TFJS_BASE, TfjsGRU, TfjsLSTM, TfjsSimpleRNN } from './tfjs-classes.js';

type RecurrentBase = abstract new (...args: any[]) => {
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
};

function fused<B extends RecurrentBase>(Base: B, kind: CellKind) {
  abstract class Fused extends Base {
    static readonly [TFJS_BASE] = Base;

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
      return fusedRecurrentCall(this as unknown as RecurrentLayerInternals, kind, inputs, kwargs) ?? super.call(inputs, kwargs ?? {});
    }
  }
  return Fused as unknown as B;
}

/** tfjs's LSTM (gates i, f, c, o) on the fused kernels. */
export const FusedLSTM = fused(TfjsLSTM, 'lstm');
/** tfjs's GRU (gates z, r, h; the reset gate applied before the candidate's recurrent product) on the fused kernels. */
export const FusedGRU = fused(TfjsGRU, 'gru');
/** tfjs's SimpleRNN on the fused kernels. */
export const FusedSimpleRNN = fused(TfjsSimpleRNN, 'rnn');
