/**
 * Softmax cross-entropy between integer class labels and logits, as one tfjs op with its own
 * gradient (PyTorch's CrossEntropyLoss, TensorFlow's sparse_softmax_cross_entropy_with_logits):
 * tfjs's own loss needs one-hot labels, a matrix as large as the logits, and over a 10,000-word
 * vocabulary its elementwise ops cost more than the recurrent layers.
 */
import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy, takeSoftmaxGradient, type SoftmaxGradientTape } from '../engine/index.js';
import { runFusedOp } from '../layers/fused-op.js';
import { readFloats, tensorOf } from '../layers/tensor-io.js';

export type LossReduction = 'mean' | 'sum' | 'none';

/**
 * labels: integers of any shape S (int32 or float holding integers); logits: shape [...S, classes].
 * Returns the mean (default) or sum over all positions, or the loss at each position (shape S).
 */
export function sparseSoftmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor, reduction: LossReduction = 'mean'): tf.Tensor {
  const classes = logits.shape[logits.rank - 1]!;
  const rows = logits.size / classes;
  const ids = labelIds('sparseSoftmaxCrossEntropy', labels, logits, 'logits', classes);
  return tf.tidy(() => lossOp(ids, logits, rows, labels.shape, reduction));
}

/**
 * The labels as int32 ids, checked: shaped as `input` without its last dimension, each an integer
 * in [0, classes). Errors name the op and the position.
 */
export function labelIds(op: string, labels: tf.Tensor, input: tf.Tensor, inputName: string, classes: number): Int32Array {
  const rows = input.size / input.shape[input.rank - 1]!;
  if (labels.size !== rows || labels.rank !== input.rank - 1 || labels.shape.some((d, i) => d !== input.shape[i])) {
    throw new Error(`${op}: labels of shape [${labels.shape.join(', ')}] must have the shape of ${inputName} [${input.shape.join(', ')}] without its last dimension`);
  }
  const values = labels.dataSync() as ArrayLike<number>;
  const ids = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const id = values[r]!;
    ids[r] = id;
    if (!(id >= 0 && id < classes)) throw new Error(`${op}: label ${id} at position ${r} is outside [0, ${classes})`);
    if (!Number.isInteger(id)) throw new Error(`${op}: label ${id} at position ${r} is not an integer`);
  }
  return ids;
}

/** `logits` keeps its shape (a reshape under the gradient tape would copy it); rows x classes values. */
function lossOp(ids: Int32Array, logits: tf.Tensor, rows: number, labelShape: number[], reduction: LossReduction): tf.Tensor {
  const classes = logits.shape[logits.rank - 1]!;
  const scale = reduction === 'mean' ? 1 / rows : 1;
  let tape: SoftmaxGradientTape | null = null;
  const [out] = runFusedOp('SparseSoftmaxCrossEntropy', {
    inputs: { logits },
    forward(keepForBackward) {
      const result = softmaxCrossEntropy(readFloats(logits), ids, rows, classes, keepForBackward ? scale : null);
      tape = result.tape;
      if (reduction === 'none') return [tensorOf(result.losses, labelShape)];
      let total = 0;
      for (const l of result.losses) total += l;
      return [tf.scalar(total * scale)];
    },
    backward([dy]) {
      const g = tensorOf(takeSoftmaxGradient(tape!), logits.shape);
      // The kernel already applied the mean's 1/rows; dy is 1 when the loss is the objective.
      if (reduction === 'none') return { logits: tf.mul(g, tf.expandDims(dy!, -1)) };
      return { logits: dy!.dataSync()[0] === 1 ? g : tf.mul(g, dy!) };
    },
  });
  return out!;
}
