/**
 * The output layer and the training loss as one tfjs op: sparseSoftmaxCrossEntropy(labels,
 * dense(x)) with the Dense layer's own kernel and bias variables, so the [rows, vocabulary] logits
 * and their gradient stay in the kernels' memory (src/seq/engine/dense-softmax-kernel.ts). Gradients
 * reach x and the layer's variables as through the two ops; the saved model keeps its plain Dense.
 */
import * as tf from '@tensorflow/tfjs';
import { denseRowBest as fusedRowBest, denseSoftmaxBackward, denseSoftmaxCrossEntropy as fusedForward, type DenseSoftmaxTape } from '../engine/index.js';
import { runFusedOp } from '../layers/fused-op.js';
import { floatTensor, readFloats, tensorOf } from '../layers/tensor-io.js';
import { labelIds, type LossReduction } from './sparse-softmax-cross-entropy.js';

/** What the op reads of a tfjs Dense layer (fused or not): its size, activation and variables. */
interface DenseLayerInternals {
  units: number;
  kernel: { read(): tf.Tensor } | null;
  bias: { read(): tf.Tensor } | null;
  getConfig(): { activation?: unknown };
}

/**
 * x: [...S, inputs]; `output`: a linear Dense layer (already built) with `classes` units; labels:
 * integers of shape S. Returns the mean (default) or sum over all positions, or the loss at each
 * position (shape S), equal to sparseSoftmaxCrossEntropy(labels, output.apply(x), reduction).
 */
export function denseSoftmaxCrossEntropy(x: tf.Tensor, output: tf.layers.Layer, labels: tf.Tensor, reduction: LossReduction = 'mean'): tf.Tensor {
  const layer = linearDense('denseSoftmaxCrossEntropy', output);
  const inputs = x.shape[x.rank - 1]!;
  const rows = x.size / inputs;
  const classes = layer.units;
  const ids = labelIds('denseSoftmaxCrossEntropy', labels, x, 'x', classes);
  return tf.tidy(() => {
    const xf = floatTensor(x);
    const opInputs: Record<string, tf.Tensor> = { x: xf, kernel: layer.kernel!.read() };
    if (layer.bias !== null) opInputs['bias'] = layer.bias.read();
    const shape = { rows, inputs, outputs: classes };
    const scale = reduction === 'mean' ? 1 / rows : 1;
    let tape: DenseSoftmaxTape | null = null;
    const [out] = runFusedOp('DenseSoftmaxCrossEntropy', {
      inputs: opInputs,
      forward(keepForBackward) {
        const bias = opInputs['bias'] ? readFloats(opInputs['bias']) : null;
        const result = fusedForward(shape, readFloats(xf), readFloats(opInputs['kernel']!), bias, ids, keepForBackward);
        tape = result.tape;
        if (reduction === 'none') return [tensorOf(result.losses, labels.shape)];
        let total = 0;
        for (const l of result.losses) total += l;
        return [tf.scalar(total * scale)];
      },
      backward([dy]) {
        const upstream = dy!.dataSync() as Float32Array;
        const weights = reduction === 'none' ? Float32Array.from(upstream) : new Float32Array(rows).fill(upstream[0]! * scale);
        const g = denseSoftmaxBackward(shape, tape!, weights);
        const grads: Record<string, tf.Tensor> = { x: tensorOf(g.dX, xf.shape), kernel: tensorOf(g.dKernel, [inputs, classes]) };
        if (g.dBias !== null) grads['bias'] = tensorOf(g.dBias, [classes]);
        return grads;
      },
    });
    return out!;
  });
}

/**
 * Each row's most probable class under `output` (a linear Dense layer, already built) and its
 * log-probability, for x [rows, inputs]: greedy decoding's argmax and log-softmax, computed next to
 * the layer's products so the [rows, classes] logits never become a tensor. Copies, not views.
 */
export function denseRowBest(x: tf.Tensor, output: tf.layers.Layer): { best: Int32Array; logProbs: Float32Array } {
  const layer = linearDense('denseRowBest', output);
  const inputs = x.shape[x.rank - 1]!;
  const kernel = layer.kernel!.read();
  const bias = layer.bias?.read() ?? null;
  // views into tfjs's heap, copied into the kernels' memory before any tfjs op
  const found = fusedRowBest({ rows: x.size / inputs, inputs, outputs: layer.units }, readFloats(x), readFloats(kernel), bias === null ? null : readFloats(bias));
  return { best: found.best.slice(), logProbs: found.logProbs.slice() };
}

/** `output`'s internals, checked to be a built Dense layer without an activation. */
function linearDense(op: string, output: tf.layers.Layer): DenseLayerInternals {
  const layer = output as unknown as DenseLayerInternals;
  if (layer.kernel === null || layer.kernel === undefined) throw new Error(`${op}: layer ${output.name} is not a built Dense layer`);
  const activation = layer.getConfig().activation;
  if (activation !== undefined && activation !== 'linear') throw new Error(`${op}: layer ${output.name} has activation ${String(activation)}; the logits layer must be linear`);
  return layer;
}
