/**
 * Memory in the shared WebAssembly memory that every kernel thread sees, in two kinds:
 * - scratch: a bump allocator that one kernel call lays out all its buffers in, reset by the next
 *   call, so nothing is freed one by one;
 * - tape blocks: what a forward pass keeps for its backward pass (gate activations, states,
 *   inputs), left in place between the two calls instead of being copied out and back in.
 * Tape blocks form a stack below the scratch space. Backward passes run in the reverse order of
 * their forward passes, so a freed block is almost always the top one; a block freed out of order
 * waits until the blocks above it go. A block whose backward pass never comes (a forward pass under
 * a gradient tape that did not reach it) is freed when its owner is garbage-collected.
 * Growing the memory keeps every offset valid.
 */
const PAGE = 65536;
const ALIGN = 64; // a cache line: no two buffers share one, and every f32x4 load is aligned

/** `n` bytes rounded up to whole cache lines: where the next buffer packed after them may start. */
export function aligned(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export class TapeBlock {
  live = true;
  constructor(
    readonly start: number,
    readonly end: number,
    private readonly owner: Arena,
  ) {}

  free(): void {
    if (!this.live) return;
    this.live = false;
    this.owner.release();
  }
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private readonly tapes: TapeBlock[] = [];
  private tapeTop: number;
  private top: number;
  private readonly collected = new FinalizationRegistry<TapeBlock>((block) => block.free());

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.base = base;
    this.tapeTop = base;
    this.top = base;
  }

  /** Starts a kernel call's scratch space, above the live tape blocks. */
  reset(): void {
    this.top = this.tapeTop;
  }

  /**
   * A block of `bytes` that outlives the current call, freed by `block.free()` or when `owner` is
   * garbage-collected. Call before laying out the call's scratch (it moves the scratch space up).
   */
  allocTape(bytes: number, owner: object): TapeBlock {
    const start = this.tapeTop;
    const block = new TapeBlock(start, start + aligned(bytes), this);
    this.tapes.push(block);
    this.tapeTop = block.end;
    this.grow(block.end);
    this.top = Math.max(this.top, this.tapeTop);
    this.collected.register(owner, block, block);
    return block;
  }

  /** Drops the freed blocks at the top of the tape stack. */
  release(): void {
    while (this.tapes.length > 0 && !this.tapes[this.tapes.length - 1]!.live) {
      const block = this.tapes.pop()!;
      this.collected.unregister(block);
      this.tapeTop = block.start;
    }
    if (this.tapes.length === 0) this.tapeTop = this.base;
  }

  /** Bytes held by live tape blocks and the holes between them. */
  get tapeBytes(): number {
    return this.tapeTop - this.base;
  }

  /** Returns the byte offset of `bytes` fresh scratch bytes (contents undefined). */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = aligned(at + Math.max(bytes, 0));
    this.grow(this.top);
    return at;
  }

  private grow(end: number): void {
    const needed = end - this.memory.buffer.byteLength;
    if (needed > 0) this.memory.grow(Math.ceil(needed / PAGE));
  }

  /** Allocates scratch and copies `data` in; returns its offset. */
  put(data: Float32Array): number {
    const at = this.alloc(data.length * 4);
    new Float32Array(this.memory.buffer, at, data.length).set(data);
    return at;
  }

  view(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }
}
