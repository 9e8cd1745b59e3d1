/**
 * The call() of the fused SimpleRNN, GRU and LSTM layers: tfjs's RNN.call semantics (masks,
 * goBackwards, initial and stateful states, returnSequences, returnState, input dropout) with the
 * whole sequence computed by the engine's kernels as one op whose gradient is the fused backward
 * pass. Returns null for a configuration the kernels do not cover, and the layer then falls back
 * to tfjs's own step-by-step implementation.
 */
import * as tf from '@tensorflow/tfjs';
import { recurrentBackward, recurrentForward, isFusedActivation, type CellKind, type RecurrentConfig, type RecurrentTape } from '../engine/index.js';
import { runFusedOp } from './fused-op.js';
import { floatTensor, readFloats, tensorOf } from './tensor-io.js';

interface Activation {
  getClassName(): string;
}
interface Variable {
  read(): tf.Tensor;
}

/** The parts of tfjs's RNN layers and cells used here (private in tfjs's typings). */
export interface RecurrentLayerInternals {
  cell: {
    units: number;
    activation: Activation;
    recurrentActivation?: Activation;
    useBias: boolean;
    kernel: Variable;
    recurrentKernel: Variable;
    bias: Variable | null;
    dropout: number;
    recurrentDropout: number;
  };
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  states_: tf.Tensor[] | null;
  resetStates(states?: tf.Tensor | tf.Tensor[], training?: boolean): void;
}

export type CallKwargs = Record<string, unknown> | undefined;

/** Why the fused path does not apply to this layer, or null when it does. */
export function unsupportedReason(layer: RecurrentLayerInternals, kind: CellKind, training: boolean): string | null {
  const act = layer.cell.activation.getClassName();
  if (!isFusedActivation(act)) return `activation ${act}`;
  if (kind !== 'rnn') {
    const rec = layer.cell.recurrentActivation!.getClassName();
    if (!isFusedActivation(rec)) return `recurrentActivation ${rec}`;
  }
  if (training && layer.cell.recurrentDropout > 0 && layer.cell.recurrentDropout < 1) return 'recurrentDropout';
  return null;
}

export function fusedRecurrentCall(
  layer: RecurrentLayerInternals, kind: CellKind, inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs,
): tf.Tensor | tf.Tensor[] | null {
  const training = kwargs?.['training'] === true;
  if (unsupportedReason(layer, kind, training) !== null) return null;
  return tf.tidy(() => {
    let x = floatTensor(Array.isArray(inputs) ? inputs[0]! : inputs);
    if (x.rank !== 3) throw new Error(`a recurrent layer expects input of shape [batch, time, features], got [${x.shape.join(', ')}]`);
    const [batch, time, features] = x.shape as [number, number, number];
    const cell = layer.cell;
    const units = cell.units;
    let initial = (kwargs?.['initialState'] as tf.Tensor[] | undefined) ?? null;
    if (initial === null && layer.stateful) initial = layer.states_;
    const stateCount = kind === 'lstm' ? 2 : 1;
    if (initial !== null && initial.length !== stateCount) {
      throw new Error(`RNN Layer has ${stateCount} state(s) but was passed ${initial.length} initial state(s).`);
    }
    if (training && cell.dropout > 0 && cell.dropout < 1) {
      // tfjs's cells draw one input mask per call and use it at every step.
      const keep = tf.dropout(tf.ones([batch, 1, features]), cell.dropout);
      x = tf.mul(x, keep);
    }
    let maskTensor = (kwargs?.['mask'] as tf.Tensor | undefined) ?? null;
    // tfjs 4.22's graph executor reuses one kwargs object across layers, so a layer whose input has
    // no mask can receive the previous layer's: a mask that does not fit [batch, time] can only be
    // such a stale one. (One that happens to fit cannot be told apart; tfjs's own layers apply it.)
    if (maskTensor !== null && (maskTensor.size !== batch * time || maskTensor.shape[0] !== batch)) maskTensor = null;
    // A copy (dataSync), not a view: tfjs ops run between here and the engine call.
    const mask = maskTensor !== null ? Float32Array.from(tf.cast(tf.cast(maskTensor, 'bool'), 'float32').dataSync()) : null;

    const cfg: RecurrentConfig = {
      kind, batch, time, features, units,
      activation: layer.cell.activation.getClassName() as RecurrentConfig['activation'],
      recurrentActivation: (kind === 'rnn' ? 'linear' : layer.cell.recurrentActivation!.getClassName()) as RecurrentConfig['recurrentActivation'],
      goBackwards: layer.goBackwards,
    };
    const opInputs: Record<string, tf.Tensor> = {
      x,
      kernel: cell.kernel.read(),
      recurrentKernel: cell.recurrentKernel.read(),
    };
    if (cell.useBias && cell.bias !== null) opInputs['bias'] = cell.bias.read();
    if (initial !== null) {
      opInputs['h0'] = initial[0]!;
      if (kind === 'lstm') opInputs['c0'] = initial[1]!;
    }
    const maskValues = mask;
    const returnSequences = layer.returnSequences;
    let tape: RecurrentTape | null = null;
    const outputs = runFusedOp(`Fused${kind.toUpperCase()}`, {
      inputs: opInputs,
      forward(keepForBackward) {
        // Read every input right before the engine copies it in: on wasm these are views into
        // tfjs's memory, which its next op may move.
        const result = recurrentForward(cfg, {
          x: readFloats(opInputs['x']!),
          kernel: readFloats(opInputs['kernel']!),
          recurrentKernel: readFloats(opInputs['recurrentKernel']!),
          bias: opInputs['bias'] ? readFloats(opInputs['bias']) : null,
          h0: opInputs['h0'] ? readFloats(opInputs['h0']) : null,
          c0: opInputs['c0'] ? readFloats(opInputs['c0']) : null,
          mask: maskValues,
          returnSequences,
          keepForBackward,
        });
        tape = result.tape;
        const outs: tf.Tensor[] = [];
        if (returnSequences) outs.push(tensorOf(result.y!, [batch, time, units]));
        outs.push(tensorOf(result.hT, [batch, units]));
        if (kind === 'lstm') outs.push(tensorOf(result.cT!, [batch, units]));
        return outs;
      },
      backward(dys) {
        let k = 0;
        const dY = returnSequences ? readFloats(dys[k++]!) : null;
        const dhT = readFloats(dys[k++]!);
        const dcT = kind === 'lstm' ? readFloats(dys[k++]!) : null;
        const g = recurrentBackward(cfg, tape!, { dY, dhT, dcT });
        const grads: Record<string, tf.Tensor> = {
          x: tensorOf(g.dX, [batch, time, features]),
          kernel: tensorOf(g.dKernel, opInputs['kernel']!.shape),
          recurrentKernel: tensorOf(g.dRecurrentKernel, opInputs['recurrentKernel']!.shape),
        };
        if (g.dBias !== null && opInputs['bias']) grads['bias'] = tensorOf(g.dBias, opInputs['bias'].shape);
        if (opInputs['h0']) grads['h0'] = tensorOf(g.dh0, [batch, units]);
        if (opInputs['c0']) grads['c0'] = tensorOf(g.dc0!, [batch, units]);
        return grads;
      },
    });
    const sequence = returnSequences ? outputs[0]! : null;
    const states = outputs.slice(returnSequences ? 1 : 0);
    if (layer.stateful) layer.resetStates(states, training);
    const output = sequence ?? states[0]!;
    return layer.returnState ? [output, ...states] : output;
  });
}
