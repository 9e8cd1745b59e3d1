/**
 * A dense layer's forward and backward products on the kernel threads: y = x W + b, and
 * dx = dy W^T, dW = x^T dy, db = column sums of dy. tfjs's wasm matMul falls back to a scalar
 * loop whenever an operand is transposed, as in both gradient products, which makes the output
 * layer over a vocabulary the slowest part of a training step without this.
 *
 * Outputs are views into the kernels' memory, valid until the next engine call.
 */
import { DENSE_FIELDS as D, DENSE_FIELD_COUNT, TASK } from './params.js';
import { threadPool } from './thread-pool.js';
import { aligned, type TapeBlock } from './arena.js';

/** Below this many multiply-adds one thread is faster than waking another. */
const MIN_PARALLEL_WORK = 64 * 1024;

export interface DenseShape {
  rows: number;
  inputs: number;
  outputs: number;
}

/** x and the kernel, kept in the kernels' memory from the forward pass for the backward pass. */
export interface DenseTape {
  readonly block: TapeBlock;
  readonly x: number;
  readonly kernel: number;
  readonly hasBias: boolean;
}

export interface DenseGradients {
  dX: Float32Array;
  dKernel: Float32Array;
  dBias: Float32Array | null;
}

export function writeDenseParams(values: Partial<Record<keyof typeof D, number>>): number {
  const pool = threadPool();
  const at = pool.arena.alloc(DENSE_FIELD_COUNT * 4);
  const words = new Int32Array(pool.memory.buffer, at, DENSE_FIELD_COUNT).fill(0);
  for (const [name, value] of Object.entries(values)) words[D[name as keyof typeof D]] = value!;
  return at;
}

export function denseThreads(shape: DenseShape): number {
  return shape.rows * shape.inputs * shape.outputs < MIN_PARALLEL_WORK ? 1 : Infinity;
}

/** Bytes of the kernel's transpose packed in panels of 8 columns (assembly/seq/gemm.ts). */
export function packedTransposeBytes(shape: DenseShape): number {
  return Math.ceil(shape.inputs / 8) * 8 * shape.outputs * 4;
}

/**
 * Runs the dense backward task of `params` (written by writeDenseParams, kernelT the space for
 * packedTransposeBytes): first the kernel's transpose is packed, shared by the threads, then the
 * products.
 */
export function runDenseBackward(params: number, shape: DenseShape): void {
  const pool = threadPool();
  pool.run(TASK.packKernelTransposed, params, denseThreads(shape));
  new Int32Array(pool.memory.buffer, params, DENSE_FIELD_COUNT)[D.next] = 0;
  pool.run(TASK.denseBackward, params, denseThreads(shape));
}

/** y[rows, outputs] = x[rows, inputs] kernel[inputs, outputs] + bias */
export function denseForward(
  shape: DenseShape, x: Float32Array, kernel: Float32Array, bias: Float32Array | null, keepForBackward: boolean,
): { y: Float32Array; tape: DenseTape | null } {
  const pool = threadPool();
  const { arena } = pool;
  const { rows, inputs, outputs } = shape;
  const xBytes = aligned(rows * inputs * 4);
  let tape: DenseTape | null = null;
  let xAt: number;
  let kAt: number;
  if (keepForBackward) {
    const owner = {};
    const block = arena.allocTape(xBytes + inputs * outputs * 4, owner);
    tape = Object.assign(owner, { block, x: block.start, kernel: block.start + xBytes, hasBias: bias !== null });
    xAt = tape.x;
    kAt = tape.kernel;
    arena.reset();
  } else {
    arena.reset();
    xAt = arena.alloc(xBytes);
    kAt = arena.alloc(inputs * outputs * 4);
  }
  arena.view(xAt, rows * inputs).set(x);
  arena.view(kAt, inputs * outputs).set(kernel);
  const bAt = bias !== null ? arena.put(bias) : 0;
  const yAt = arena.alloc(rows * outputs * 4);
  const params = writeDenseParams({ rows, inputs, outputs, x: xAt, kernel: kAt, bias: bAt, y: yAt });
  pool.run(TASK.denseForward, params, denseThreads(shape));
  return { y: arena.view(yAt, rows * outputs), tape };
}

/** The gradients of the forward pass that made `tape`, which is freed. */
export function denseBackward(shape: DenseShape, tape: DenseTape, dY: Float32Array): DenseGradients {
  if (!tape.block.live) throw new Error('a fused dense layer was asked for the gradient of the same forward pass twice');
  const pool = threadPool();
  const { arena } = pool;
  const { rows, inputs, outputs } = shape;
  arena.reset();
  const dyAt = arena.put(dY);
  const kT = arena.alloc(packedTransposeBytes(shape));
  const dX = arena.alloc(rows * inputs * 4);
  const dKernel = arena.alloc(inputs * outputs * 4);
  const dBias = tape.hasBias ? arena.alloc(outputs * 4) : 0;
  const params = writeDenseParams({ rows, inputs, outputs, x: tape.x, kernel: tape.kernel, dY: dyAt, kernelT: kT, dX, dKernel, dBias });
  runDenseBackward(params, shape);
  tape.block.free();
  return {
    dX: arena.view(dX, rows * inputs),
    dKernel: arena.view(dKernel, inputs * outputs),
    dBias: dBias !== 0 ? arena.view(dBias, outputs) : null,
  };
}
