/**
 * Softmax cross-entropy with integer labels on the kernel threads: each row's loss and, when
 * asked, the gradient (softmax - onehot) * scale, without a one-hot matrix or the half-dozen
 * elementwise tfjs ops over [rows, classes] that tfjs's own loss costs. The gradient stays in the
 * kernels' memory (a tape) until the backward pass reads it.
 */
import { TASK } from './params.js';
import { threadPool } from './thread-pool.js';
import type { TapeBlock } from './arena.js';

const FIELDS = 8; // assembly/seq/softmax-xent.ts: rows, classes, logits, labels, losses, grad, scale, work counter

export interface SoftmaxGradientTape {
  readonly block: TapeBlock;
  readonly size: number;
}

/**
 * Per-row losses (a view, valid until the next engine call) and, when `gradientScale` is given,
 * a tape holding the gradient of sum(losses) * gradientScale.
 */
export function softmaxCrossEntropy(
  logits: Float32Array, labels: Int32Array, rows: number, classes: number, gradientScale: number | null,
): { losses: Float32Array; tape: SoftmaxGradientTape | null } {
  const pool = threadPool();
  const { arena } = pool;
  let tape: SoftmaxGradientTape | null = null;
  if (gradientScale !== null) {
    const owner = {};
    tape = Object.assign(owner, { block: arena.allocTape(rows * classes * 4, owner), size: rows * classes });
  }
  arena.reset();
  const logitsAt = arena.put(logits);
  const labelsAt = arena.alloc(rows * 4);
  new Int32Array(pool.memory.buffer, labelsAt, rows).set(labels);
  const lossesAt = arena.alloc(rows * 4);
  runSoftmaxCrossEntropy(rows, classes, logitsAt, labelsAt, lossesAt, tape?.block.start ?? 0, gradientScale ?? 0);
  return { losses: arena.view(lossesAt, rows), tape };
}

/** Runs the kernel on buffers already in the kernels' memory (byte offsets; gradAt 0: no gradient). */
export function runSoftmaxCrossEntropy(rows: number, classes: number, logitsAt: number, labelsAt: number, lossesAt: number, gradAt: number, gradientScale: number): void {
  const pool = threadPool();
  const params = pool.arena.alloc(FIELDS * 4);
  new Int32Array(pool.memory.buffer, params, FIELDS).set([rows, classes, logitsAt, labelsAt, lossesAt, gradAt, 0, 0]);
  new Float32Array(pool.memory.buffer, params, FIELDS)[6] = gradientScale;
  pool.run(TASK.softmaxCrossEntropy, params, rows * classes < 65536 ? 1 : Infinity);
}

/** The gradient a tape holds (a view, valid until the next engine call); the tape is freed. */
export function takeSoftmaxGradient(tape: SoftmaxGradientTape): Float32Array {
  if (!tape.block.live) throw new Error('sparseSoftmaxCrossEntropy was asked for the gradient of the same forward pass twice');
  tape.block.free();
  return threadPool().arena.view(tape.block.start, tape.size);
}

/**
 * log(sum(exp(row))) of each row of `logits` [rows, classes], on the kernel threads: decoding needs
 * it for every hypothesis at every step, and over a word vocabulary a JavaScript loop of Math.exp
 * was most of the decoding time. The loss kernel gives lse - logits[row][0] for label 0.
 */
export function rowLogSumExps(logits: Float32Array, rows: number, classes: number): Float64Array {
  const { losses } = softmaxCrossEntropy(logits, new Int32Array(rows), rows, classes, null);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = losses[r]! + logits[r * classes]!;
  return out;
}
