/**
 * An output layer and its loss in one pass on the kernel threads: logits = x W + b, then softmax
 * cross-entropy against integer labels, and back. Over a word vocabulary the logits and their
 * gradient are the largest arrays of a training step ([rows, vocabulary]); computed as a dense
 * layer followed by a loss they crossed between tfjs's memory and the kernels' four times a step,
 * and those copies kept the second kernel thread idle. Here they never leave the kernels' memory.
 *
 * The per-row weights of the loss (a mask, 1/tokens) are only known in the backward pass, as the
 * upstream gradient; they are applied without touching the [rows, vocabulary] gradient:
 * dX = diag(w) (G W^T), dW = (diag(w) x)^T G, db = w^T G, with G = softmax - onehot.
 */
import { TASK } from './params.js';
import { threadPool } from './thread-pool.js';
import { denseThreads, packedTransposeBytes, runDenseBackward, writeDenseParams, type DenseGradients, type DenseShape } from './dense-kernel.js';
import { runSoftmaxCrossEntropy } from './softmax-kernel.js';
import { aligned, type TapeBlock } from './arena.js';

/** x, the kernel and G = softmax - onehot, kept in the kernels' memory for the backward pass. */
export interface DenseSoftmaxTape {
  readonly block: TapeBlock;
  readonly x: number;
  readonly kernel: number;
  readonly grad: number;
  readonly hasBias: boolean;
}

/**
 * Per-row losses -log softmax(x W + b)[label] (a view, valid until the next engine call) and,
 * when `keepForBackward`, the tape for denseSoftmaxBackward.
 */
export function denseSoftmaxCrossEntropy(
  shape: DenseShape, x: Float32Array, kernel: Float32Array, bias: Float32Array | null, labels: Int32Array, keepForBackward: boolean,
): { losses: Float32Array; tape: DenseSoftmaxTape | null } {
  const pool = threadPool();
  const { arena } = pool;
  const { rows, inputs, outputs } = shape;
  const xBytes = aligned(rows * inputs * 4);
  const kernelBytes = aligned(inputs * outputs * 4);
  let tape: DenseSoftmaxTape | null = null;
  let xAt: number;
  let kernelAt: number;
  if (keepForBackward) {
    const owner = {};
    const block = arena.allocTape(xBytes + kernelBytes + rows * outputs * 4, owner);
    tape = Object.assign(owner, { block, x: block.start, kernel: block.start + xBytes, grad: block.start + xBytes + kernelBytes, hasBias: bias !== null });
    xAt = tape.x;
    kernelAt = tape.kernel;
    arena.reset();
  } else {
    arena.reset();
    xAt = arena.alloc(xBytes);
    kernelAt = arena.alloc(kernelBytes);
  }
  const logitsAt = runLogits(shape, x, xAt, kernel, kernelAt, bias);
  const labelsAt = arena.alloc(rows * 4);
  new Int32Array(pool.memory.buffer, labelsAt, rows).set(labels);
  const lossesAt = arena.alloc(rows * 4);
  runSoftmaxCrossEntropy(rows, outputs, logitsAt, labelsAt, lossesAt, tape?.grad ?? 0, 1);
  return { losses: arena.view(lossesAt, rows), tape };
}

/** The gradients of sum(rowWeights * losses) for the forward pass that made `tape`, which is freed. */
export function denseSoftmaxBackward(shape: DenseShape, tape: DenseSoftmaxTape, rowWeights: Float32Array): DenseGradients {
  if (!tape.block.live) throw new Error('a fused output layer and loss was asked for the gradient of the same forward pass twice');
  const pool = threadPool();
  const { arena } = pool;
  const { rows, inputs, outputs } = shape;
  arena.reset();
  const x = arena.view(tape.x, rows * inputs);
  for (let r = 0; r < rows; r++) {
    const w = rowWeights[r]!;
    for (let i = r * inputs; i < (r + 1) * inputs; i++) x[i]! *= w;
  }
  const kernelT = arena.alloc(packedTransposeBytes(shape));
  const dX = arena.alloc(rows * inputs * 4);
  const dKernel = arena.alloc(inputs * outputs * 4);
  runDenseBackward(writeDenseParams({ rows, inputs, outputs, x: tape.x, kernel: tape.kernel, dY: tape.grad, kernelT, dX, dKernel, dBias: 0 }), shape);
  const dXView = arena.view(dX, rows * inputs);
  for (let r = 0; r < rows; r++) {
    const w = rowWeights[r]!;
    for (let i = r * inputs; i < (r + 1) * inputs; i++) dXView[i]! *= w;
  }
  let dBias: Float32Array | null = null;
  if (tape.hasBias) {
    // db = w^T G: a one-row dense product with G as the kernel.
    const weightsAt = arena.put(rowWeights);
    const dBiasAt = arena.alloc(outputs * 4);
    const biasShape = { rows: 1, inputs: rows, outputs };
    pool.run(TASK.denseForward, writeDenseParams({ rows: 1, inputs: rows, outputs, x: weightsAt, kernel: tape.grad, bias: 0, y: dBiasAt }), denseThreads(biasShape));
    dBias = arena.view(dBiasAt, outputs);
  }
  tape.block.free();
  return { dX: dXView, dKernel: arena.view(dKernel, inputs * outputs), dBias };
}

/**
 * An output layer's most probable class per row and its log-probability: logits = x W + b, then
 * each row's first maximum and -log(sum(exp(logits - max))), all on the kernel threads. Greedy
 * decoding needs no more of a [rows, vocabulary] logits matrix, which here never leaves the
 * kernels' memory. Views, valid until the next engine call.
 */
export function denseRowBest(shape: DenseShape, x: Float32Array, kernel: Float32Array, bias: Float32Array | null): { best: Int32Array; logProbs: Float32Array } {
  const pool = threadPool();
  const { arena } = pool;
  const { rows, inputs, outputs } = shape;
  arena.reset();
  const logitsAt = runLogits(shape, x, arena.alloc(rows * inputs * 4), kernel, arena.alloc(inputs * outputs * 4), bias);
  const bestAt = arena.alloc(rows * 4);
  const logProbsAt = arena.alloc(rows * 4);
  const params = arena.alloc(ROW_BEST_FIELDS * 4);
  new Int32Array(pool.memory.buffer, params, ROW_BEST_FIELDS).set([rows, outputs, logitsAt, bestAt, logProbsAt, 0]);
  pool.run(TASK.rowBest, params, rows * outputs < 65536 ? 1 : Infinity);
  return { best: new Int32Array(pool.memory.buffer, bestAt, rows), logProbs: arena.view(logProbsAt, rows) };
}

const ROW_BEST_FIELDS = 6; // assembly/seq/softmax-xent.ts: rows, classes, logits, best, log-probabilities, work counter

/** Copies x and the kernel to xAt and kernelAt and the bias to scratch, and computes the logits into new scratch; returns their offset. */
function runLogits(shape: DenseShape, x: Float32Array, xAt: number, kernel: Float32Array, kernelAt: number, bias: Float32Array | null): number {
  const pool = threadPool();
  const { arena } = pool;
  const { rows, inputs, outputs } = shape;
  arena.view(xAt, rows * inputs).set(x);
  arena.view(kernelAt, inputs * outputs).set(kernel);
  const biasAt = bias !== null ? arena.put(bias) : 0;
  const logitsAt = arena.alloc(rows * outputs * 4);
  pool.run(TASK.denseForward, writeDenseParams({ rows, inputs, outputs, x: xAt, kernel: kernelAt, bias: biasAt, y: logitsAt }), denseThreads(shape));
  return logitsAt;
}
