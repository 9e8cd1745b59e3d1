import { instantiateDotKernel, WASM_LANES, type DotKernel } from './dot-wasm.js';
import { dotsJs, unitRowsInto } from './unit-rows.js';

const PAGE = 65536;

function paddedStride(dim: number): number {
  return Math.ceil(dim / WASM_LANES) * WASM_LANES;
}

/** A SIMD kernel whose memory holds the matrix, a query and the scores; null when that cannot be had (no SIMD, or over 4 GB). */
function kernelWithRoom(rows: number, dim: number): DotKernel | null {
  const kernel = instantiateDotKernel();
  if (kernel === null) return null;
  const stride = paddedStride(dim);
  const bytes = (rows * stride + stride + rows) * 4;
  const pagesNeeded = Math.ceil(bytes / PAGE);
  const have = kernel.memory.buffer.byteLength / PAGE;
  try {
    if (pagesNeeded > have) kernel.memory.grow(pagesNeeded - have);
  } catch {
    return null;
  }
  return kernel;
}

/**
 * The unit-normalised copy of a vector matrix, computed once, with a `scores(query)` that
 * returns cosine similarities of a unit query against the first `rows` rows. The matrix lives
 * in WebAssembly memory (rows padded to 8 floats) so the SIMD kernel can read it; where SIMD
 * is unavailable it is a plain Float32Array and a JavaScript loop does the same.
 */
export class UnitMatrix {
  readonly rows: number;
  readonly dim: number;
  readonly stride: number;
  /** Row r at [r * stride, r * stride + dim). */
  readonly data: Float32Array;
  /** Length of each original row. */
  readonly norms: Float32Array;
  private readonly query: Float32Array;
  private readonly out: Float32Array;
  private readonly kernel: DotKernel | null;

  constructor(vectors: Float32Array, rows: number, dim: number, options: { simd?: boolean } = {}) {
    this.rows = rows;
    this.dim = dim;
    this.norms = new Float32Array(rows);
    this.kernel = options.simd === false ? null : kernelWithRoom(rows, dim);
    if (this.kernel !== null) {
      this.stride = paddedStride(dim);
      const buffer = this.kernel.memory.buffer;
      this.data = new Float32Array(buffer, 0, rows * this.stride);
      this.query = new Float32Array(buffer, rows * this.stride * 4, this.stride);
      this.out = new Float32Array(buffer, (rows * this.stride + this.stride) * 4, rows);
    } else {
      this.stride = dim;
      this.data = new Float32Array(rows * dim);
      this.query = new Float32Array(dim);
      this.out = new Float32Array(rows);
    }
    unitRowsInto(vectors, rows, dim, this.data, this.stride, this.norms);
  }

  get simd(): boolean {
    return this.kernel !== null;
  }

  /** A view of unit row r. */
  row(r: number): Float32Array {
    return this.data.subarray(r * this.stride, r * this.stride + this.dim);
  }

  /**
   * Dot products of `query` (length dim) with rows 0..rows-1. The returned array is reused by
   * the next call: read it before asking again.
   */
  scores(query: Float32Array | Float64Array, rows = this.rows): Float32Array {
    const n = Math.min(rows, this.rows);
    this.query.set(query);
    if (this.kernel !== null) {
      this.kernel.dots(this.data.byteOffset, n, this.stride, this.query.byteOffset, this.out.byteOffset);
    } else {
      dotsJs(this.data, n, this.stride, this.query, this.out);
    }
    return this.out.subarray(0, n);
  }

  /** Cosine of unit rows a and b. */
  dot(a: number, b: number): number {
    const d = this.data;
    let s = 0;
    for (let k = 0, pa = a * this.stride, pb = b * this.stride; k < this.dim; k++) s += d[pa + k]! * d[pb + k]!;
    return s;
  }
}
