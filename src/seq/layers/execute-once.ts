/**
 * Running a functional tfjs model with fused layers: tfjs's own executor is wrong for them (see
 * executeOnce).
 */
import * as tf from '@tensorflow/tfjs';

interface SymbolicInternals {
  id: number;
  sourceLayer: tf.layers.Layer;
  nodeIndex: number;
}
interface NodeInternals {
  inputTensors: SymbolicInternals[];
  outputTensors: SymbolicInternals[];
  callArgs?: Record<string, unknown>;
}

/**
 * Runs a functional model on concrete tensors, calling every layer ONCE. Not model.execute: tfjs's
 * executor walks the graph by output tensor, so a layer with several outputs (a recurrent layer
 * returning its sequence and its states) runs once per output, three times for an LSTM, and the
 * fused forward passes whose outputs are then dropped keep their backward tapes until garbage
 * collection (the kernel arena grew by ~10 MB a training step). Not the model's own call() either:
 * it hands a recurrent layer the symbolic initial states it was built with. Masks flow as in
 * tfjs's executor (Embedding maskZero -> the recurrent layers).
 */
export function executeOnce(model: tf.LayersModel, inputs: tf.Tensor[], training: boolean): tf.Tensor[] {
  if (inputs.length !== model.inputs.length) throw new Error(`${model.name} takes ${model.inputs.length} inputs, got ${inputs.length}`);
  return tf.tidy(() => {
    const values = new Map<number, tf.Tensor>();
    const masks = new Map<number, tf.Tensor | null>();
    (model.inputs as unknown as SymbolicInternals[]).forEach((s, i) => values.set(s.id, inputs[i]!));
    const visit = (s: SymbolicInternals): tf.Tensor => {
      const known = values.get(s.id);
      if (known !== undefined) return known;
      const layer = s.sourceLayer;
      const node = (layer as unknown as { inboundNodes: NodeInternals[] }).inboundNodes[s.nodeIndex]!;
      const ins = node.inputTensors.map(visit);
      const inMasks = node.inputTensors.map((t) => masks.get(t.id) ?? null);
      const kwargs: Record<string, unknown> = { ...(node.callArgs ?? {}), training };
      delete kwargs['initialState']; // the states are among the inputs
      delete kwargs['mask'];
      if (inMasks[0] !== null) kwargs['mask'] = inMasks[0];
      const outs = layer.apply(ins.length === 1 ? ins[0]! : ins, kwargs);
      const list = Array.isArray(outs) ? (outs as tf.Tensor[]) : [outs as tf.Tensor];
      const outMask = layer.supportsMasking ? layer.computeMask(ins.length === 1 ? ins[0]! : ins, ins.length === 1 ? inMasks[0]! : (inMasks as tf.Tensor[])) : null;
      node.outputTensors.forEach((o, i) => {
        values.set(o.id, list[i]!);
        masks.set(o.id, Array.isArray(outMask) ? (outMask[i] ?? null) : outMask);
      });
      return values.get(s.id)!;
    };
    return (model.outputs as unknown as SymbolicInternals[]).map(visit);
  });
}
