/**
 * A batch of matrix products on the kernel threads, C[b] = op(A[b]) op(B[b]): what tfjs's Dot
 * layer computes for attention (scores = queries keys^T, context = weights values). tfjs's wasm
 * matMul runs a scalar loop whenever an operand is transposed, as in every gradient of these.
 * The result is a view into the kernels' memory, valid until the next engine call.
 */
import { TASK } from './params.js';
import { threadPool } from './thread-pool.js';

const FIELDS = 10; // assembly/seq/batch-matmul.ts
/**
 * Below this many multiply-adds (about half a millisecond on one thread) the products run on one
 * thread: a task that short gains little from a second one and loses much when that thread's core
 * is busy with another process (measured on a loaded machine: the attention products of a batch
 * of 128 took 2-3x longer on two threads than on one).
 */
const MIN_PARALLEL_WORK = 8 * 1024 * 1024;

export interface BatchMatMulShape {
  batch: number;
  /** Rows of each result. */
  m: number;
  /** The summed dimension. */
  k: number;
  /** Columns of each result. */
  n: number;
  /** A[b] is stored [k, m] (used transposed) instead of [m, k]. */
  transposeA: boolean;
  /** B[b] is stored [n, k] (used transposed) instead of [k, n]. */
  transposeB: boolean;
}

export function batchMatMul(a: Float32Array, b: Float32Array, s: BatchMatMulShape): Float32Array {
  const { batch, m, k, n } = s;
  if (a.length !== batch * m * k || b.length !== batch * k * n) {
    throw new RangeError(`batchMatMul: operands of ${a.length} and ${b.length} values do not fit [${batch}, ${m}, ${k}] x [${batch}, ${k}, ${n}]`);
  }
  if (s.transposeA && s.transposeB) throw new RangeError('batchMatMul: at most one operand can be transposed');
  const pool = threadPool();
  const { arena } = pool;
  arena.reset();
  const aAt = arena.put(a);
  const bAt = arena.put(b);
  const cAt = arena.alloc(batch * m * n * 4);
  const threads = Math.min(batch * m * k * n < MIN_PARALLEL_WORK ? 1 : batch, pool.activeThreads);
  const params = arena.alloc(FIELDS * 4);
  new Int32Array(pool.memory.buffer, params, FIELDS).set([batch, m, k, n, aAt, bAt, cAt, s.transposeA ? 1 : 0, s.transposeB ? 1 : 0, 0]);
  pool.run(TASK.batchMatMul, params, threads);
  return arena.view(cAt, batch * m * n);
}
