/**
 * Gradient plumbing shared by the reference check and the fused-layer gradient tests: the
 * gradients of a fixed scalar loss, sum_i sum(output_i ⊙ P_i), taken by tfjs autodiff through a
 * layer, and the same loss evaluated on the float64 reference for central differences.
 */
import * as tf from '@tensorflow/tfjs';
import { centralDifference, runSequence, type CellConfig, type CellWeights, type SequenceInput } from './reference-cells.js';
import { Fixtures, applyList, maxAbs, toF64 } from './harness.js';

export interface GradientSet {
  x: Float64Array;
  initialState: Float64Array[];
  kernel: Float64Array;
  recurrentKernel: Float64Array;
  bias: Float64Array | null;
}

export type GradientName = 'x' | 'h0' | 'c0' | 'kernel' | 'recurrentKernel' | 'bias';

/** Fixed random projections, one per layer output, shaped like the outputs. */
export function projectionsFor(layer: tf.layers.Layer, x: tf.Tensor, kwargs: Record<string, unknown>, seed: number): tf.Tensor[] {
  const fx = new Fixtures(seed);
  return tf.tidy(() => applyList(layer, x, kwargs).map((o) => tf.tensor(Float32Array.from(fx.uniform(o.size, -1, 1)), o.shape)));
}

function lossOf(outputs: tf.Tensor[], projections: tf.Tensor[]): tf.Scalar {
  if (outputs.length !== projections.length) throw new Error(`layer returned ${outputs.length} outputs, expected ${projections.length}`);
  let total: tf.Tensor = tf.scalar(0);
  outputs.forEach((o, i) => {
    total = tf.add(total, tf.sum(tf.mul(o, projections[i]!)));
  });
  return total as tf.Scalar;
}

/** The variable behind a layer weight, found by its tfjs name ('kernel', 'recurrent_kernel', 'bias'). */
export function layerVariable(layer: tf.layers.Layer, suffix: 'kernel' | 'recurrent_kernel' | 'bias'): tf.Variable | null {
  const found = layer.trainableWeights.filter((w) => w.originalName.split('/').pop() === suffix);
  if (found.length > 1) throw new Error(`${layer.name} has ${found.length} trainable weights named ${suffix}`);
  return found.length === 0 ? null : (found[0]!.read() as tf.Variable);
}

/**
 * Gradients of sum_i sum(layer(x)_i ⊙ P_i) with respect to x, the initial states (if given),
 * kernel, recurrent kernel and bias, by tfjs autodiff through `layer`.
 */
export function autodiffGradients(layer: tf.layers.Layer, x: tf.Tensor, mask: tf.Tensor | null, initialState: tf.Tensor[] | null, projections: tf.Tensor[]): GradientSet {
  const kwargsFor = (states: tf.Tensor[] | null): Record<string, unknown> => {
    const kw: Record<string, unknown> = {};
    if (mask) kw['mask'] = mask;
    if (states) kw['initialState'] = states;
    return kw;
  };
  const kernel = layerVariable(layer, 'kernel');
  const recurrent = layerVariable(layer, 'recurrent_kernel');
  const bias = layerVariable(layer, 'bias');
  if (!kernel || !recurrent) throw new Error(`${layer.name} has no kernel/recurrent_kernel among its trainable weights: ${layer.trainableWeights.map((w) => w.originalName).join(', ')}`);
  // One backward pass for everything: the inputs and initial states become (temporary) variables.
  const xVar = tf.variable(x);
  const stateVars = (initialState ?? []).map((s) => tf.variable(s));
  const varList = [xVar, ...stateVars, kernel, recurrent, ...(bias ? [bias] : [])];
  const { grads, value } = tf.variableGrads(() => lossOf(applyList(layer, xVar, kwargsFor(initialState ? stateVars : null)), projections), varList);
  const need = (v: tf.Variable): Float64Array => {
    const g = grads[v.name];
    if (!g) throw new Error(`no gradient for ${v.name}`);
    return toF64(g);
  };
  const out: GradientSet = {
    x: need(xVar),
    initialState: stateVars.map(need),
    kernel: need(kernel),
    recurrentKernel: need(recurrent),
    bias: bias ? need(bias) : null,
  };
  tf.dispose([xVar, ...stateVars, ...Object.values(grads), value]);
  return out;
}

export interface ReferenceOutputs {
  returnSequences: boolean;
  returnState: boolean;
}

/** The same loss on the float64 reference. Projections are given as float64 arrays. */
export function referenceLoss(config: CellConfig, weights: CellWeights, input: SequenceInput, outputs: ReferenceOutputs, projections: Float64Array[]): number {
  const r = runSequence(config, weights, input);
  const list = [outputs.returnSequences ? r.sequences : r.last, ...(outputs.returnState ? r.states : [])];
  if (list.length !== projections.length) throw new Error(`reference has ${list.length} outputs, projections ${projections.length}`);
  let total = 0;
  list.forEach((o, i) => {
    const p = projections[i]!;
    for (let j = 0; j < o.length; j++) total += o[j]! * p[j]!;
  });
  return total;
}

/** Picks up to `count` distinct indices below n (all of them if n ≤ count). */
export function sampleIndices(fx: Fixtures, n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(fx.int(0, n));
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Compares a float32 gradient with central differences of the float64 reference loss, on a
 * sample of entries of each parameter. Tolerance: |g − fd| ≤ rtol · max(|fd|, 1% of the largest
 * sampled |fd| of that parameter) — relative, with a floor for entries near zero.
 */
export function checkAgainstFiniteDifferences(
  gradients: GradientSet,
  config: CellConfig,
  weights: CellWeights,
  input: SequenceInput,
  outputs: ReferenceOutputs,
  projections: Float64Array[],
  options: { samples: number; seed: number; rtol: number; label: string },
): void {
  const fx = new Fixtures(options.seed);
  const loss = (): number => referenceLoss(config, weights, input, outputs, projections);
  const targets: Array<[string, Float64Array, Float64Array]> = [
    ['x', input.x, gradients.x],
    ['kernel', weights.kernel, gradients.kernel],
    ['recurrent_kernel', weights.recurrentKernel, gradients.recurrentKernel],
  ];
  if (weights.bias) {
    if (!gradients.bias) throw new Error(`${options.label}: no bias gradient`);
    targets.push(['bias', weights.bias, gradients.bias]);
  }
  (input.initialState ?? []).forEach((s, i) => targets.push([i === 0 ? 'initial h' : 'initial c', s, gradients.initialState[i]!]));
  const failures: string[] = [];
  for (const [name, param, grad] of targets) {
    if (grad.length !== param.length) throw new Error(`${options.label}: ${name} gradient has ${grad.length} values, parameter ${param.length}`);
    const idx = sampleIndices(fx, param.length, options.samples);
    const fd = idx.map((i) => centralDifference(param, i, loss));
    const floor = 0.01 * maxAbs(fd);
    idx.forEach((i, k) => {
      const diff = Math.abs(grad[i]! - fd[k]!);
      const bound = options.rtol * Math.max(Math.abs(fd[k]!), floor) + 1e-9;
      if (!(diff <= bound)) failures.push(`${name}[${i}]: gradient ${grad[i]} vs finite difference ${fd[k]} (|diff| ${diff.toExponential(2)} > ${bound.toExponential(2)})`);
    });
  }
  if (failures.length > 0) throw new Error(`${options.label}: ${failures.length} gradient entries disagree with float64 central differences:\n  ${failures.slice(0, 8).join('\n  ')}`);
}
