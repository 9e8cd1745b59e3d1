/**
 * A bump allocator over the shared WebAssembly memory that every kernel thread sees. One kernel
 * call lays out all its buffers, runs, and copies its results out; the next call starts over, so
 * nothing is ever freed one by one. Growing the memory keeps earlier offsets valid.
 */
const PAGE = 65536;
const ALIGN = 64; // a cache line: no two buffers share one, and every f32x4 load is aligned

export class Arena {
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.base = base;
    this.top = base;
  }

  reset(): void {
    this.top = this.base;
  }

  /** Returns the byte offset of `bytes` fresh bytes (contents undefined). */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = Math.ceil((at + Math.max(bytes, 0)) / ALIGN) * ALIGN;
    const needed = this.top - this.memory.buffer.byteLength;
    if (needed > 0) this.memory.grow(Math.ceil(needed / PAGE));
    return at;
  }

  /** Allocates and copies `data` in; returns its offset. */
  put(data: Float32Array): number {
    const at = this.alloc(data.length * 4);
    new Float32Array(this.memory.buffer, at, data.length).set(data);
    return at;
  }

  /** Allocates n floats set to zero. */
  zeros(n: number): number {
    const at = this.alloc(n * 4);
    new Float32Array(this.memory.buffer, at, n).fill(0);
    return at;
  }

  view(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }

  /** A copy of n floats at `at`, owned by the caller. */
  take(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n).slice();
  }
}
