/**
 * Softmax cross-entropy with integer labels on the kernel threads: each row's loss and, when
 * asked, the gradient (softmax - onehot) * scale, without a one-hot matrix or the half-dozen
 * elementwise tfjs ops over [rows, classes] that tfjs's own loss costs.
 */
import { TASK } from './params.js';
import { threadPool } from './thread-pool.js';

const FIELDS = 7; // assembly/seq/softmax-xent.ts: rows, classes, logits, labels, losses, grad, scale

export interface SoftmaxCrossEntropyResult {
  losses: Float32Array;
  gradient: Float32Array | null;
}

export function softmaxCrossEntropy(
  logits: Float32Array, labels: Int32Array, rows: number, classes: number, gradientScale: number | null,
): SoftmaxCrossEntropyResult {
  const pool = threadPool();
  const { arena } = pool;
  arena.reset();
  const logitsAt = arena.put(logits);
  const labelsAt = arena.alloc(rows * 4);
  new Int32Array(pool.memory.buffer, labelsAt, rows).set(labels);
  const lossesAt = arena.alloc(rows * 4);
  const gradAt = gradientScale !== null ? arena.alloc(rows * classes * 4) : 0;
  const params = arena.alloc(FIELDS * 4);
  const words = new Int32Array(pool.memory.buffer, params, FIELDS);
  words.set([rows, classes, logitsAt, labelsAt, lossesAt, gradAt]);
  new Float32Array(pool.memory.buffer, params, FIELDS)[6] = gradientScale ?? 0;
  pool.run(TASK.softmaxCrossEntropy, params, rows * classes < 65536 ? 1 : Infinity);
  return { losses: arena.take(lossesAt, rows), gradient: gradAt !== 0 ? arena.take(gradAt, rows * classes) : null };
}
