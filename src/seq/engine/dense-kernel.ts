/**
 * A dense layer's forward and backward products on the kernel threads: y = x W + b, and
 * dx = dy W^T, dW = x^T dy, db = column sums of dy. tfjs's wasm matMul falls back to a scalar
 * loop whenever an operand is transposed, as in both gradient products, which makes the output
 * layer over a vocabulary the slowest part of a training step without this.
 */
import { DENSE_FIELDS as D, DENSE_FIELD_COUNT, TASK } from './params.js';
import { threadPool } from './thread-pool.js';

/** Below this many multiply-adds one thread is faster than waking another. */
const MIN_PARALLEL_WORK = 64 * 1024;

function writeParams(values: Partial<Record<keyof typeof D, number>>): number {
  const pool = threadPool();
  const at = pool.arena.alloc(DENSE_FIELD_COUNT * 4);
  const words = new Int32Array(pool.memory.buffer, at, DENSE_FIELD_COUNT).fill(0);
  for (const [name, value] of Object.entries(values)) words[D[name as keyof typeof D]] = value!;
  return at;
}

/** y[rows, outputs] = x[rows, inputs] kernel[inputs, outputs] + bias */
export function denseForward(x: Float32Array, kernel: Float32Array, bias: Float32Array | null, rows: number, inputs: number, outputs: number): Float32Array {
  const pool = threadPool();
  const { arena } = pool;
  arena.reset();
  const xAt = arena.put(x);
  const kAt = arena.put(kernel);
  const bAt = bias !== null ? arena.put(bias) : 0;
  const yAt = arena.alloc(rows * outputs * 4);
  const params = writeParams({ rows, inputs, outputs, x: xAt, kernel: kAt, bias: bAt, y: yAt });
  pool.run(TASK.denseForward, params, rows * inputs * outputs < MIN_PARALLEL_WORK ? 1 : Infinity);
  return arena.take(yAt, rows * outputs);
}

export interface DenseGradients {
  dX: Float32Array;
  dKernel: Float32Array;
  dBias: Float32Array | null;
}

export function denseBackward(
  x: Float32Array, kernel: Float32Array, dY: Float32Array, withBias: boolean, rows: number, inputs: number, outputs: number,
): DenseGradients {
  const pool = threadPool();
  const { arena, kernels } = pool;
  arena.reset();
  const xAt = arena.put(x);
  const kAt = arena.put(kernel);
  const dyAt = arena.put(dY);
  const kT = arena.alloc(outputs * inputs * 4);
  kernels.transpose(kAt, inputs, outputs, kT);
  const dX = arena.alloc(rows * inputs * 4);
  const dKernel = arena.alloc(inputs * outputs * 4);
  const dBias = withBias ? arena.alloc(outputs * 4) : 0;
  const params = writeParams({ rows, inputs, outputs, x: xAt, kernel: kAt, dY: dyAt, kernelT: kT, dX, dKernel, dBias });
  pool.run(TASK.denseBackward, params, rows * inputs * outputs < MIN_PARALLEL_WORK ? 1 : Infinity);
  return {
    dX: arena.take(dX, rows * inputs),
    dKernel: arena.take(dKernel, inputs * outputs),
    dBias: dBias !== 0 ? arena.take(dBias, outputs) : null,
  };
}
