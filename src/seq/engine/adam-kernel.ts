/**
 * Adam steps over parameter arrays on the kernel threads (assembly/seq/adam.ts), with the
 * arithmetic of tfjs's AdamOptimizer in its order, in float32: the same numbers tfjs's own Adam
 * gives, in one pass instead of a dozen elementwise tfjs ops over every array.
 */
import { TASK } from './params.js';
import { threadPool } from './thread-pool.js';
import { aligned, type TapeBlock } from './arena.js';

const FIELDS = 15; // assembly/seq/adam.ts: n, p, g, m, v, lr, b1, 1-b1, b2, 1-b2, c1, c2, eps, work counter, gradient scale

/** Below this many elements one thread is faster than waking another. */
const MIN_PARALLEL = 64 * 1024;

export interface AdamStepSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t, the bias corrections of this step, as tfjs computes them (float32). */
  correction1: number;
  correction2: number;
}

function runAdam(n: number, p: number, g: number, mAt: number, vAt: number, s: AdamStepSettings, gradientScale: number): void {
  const pool = threadPool();
  const params = pool.arena.alloc(FIELDS * 4);
  new Int32Array(pool.memory.buffer, params, FIELDS).set([n, p, g, mAt, vAt]);
  // tfjs passes 1 - beta as a JavaScript number that becomes a float32 scalar: the same rounding here.
  new Float32Array(pool.memory.buffer, params + 5 * 4, 8).set([
    s.learningRate, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.correction1, s.correction2, s.epsilon,
  ]);
  new Int32Array(pool.memory.buffer, params + 13 * 4, 1)[0] = 0;
  new Float32Array(pool.memory.buffer, params + 14 * 4, 1)[0] = gradientScale;
  pool.run(TASK.adamStep, params, n < MIN_PARALLEL ? 1 : Infinity);
}

/**
 * Adam over a fixed list of parameter arrays whose moments stay in the kernels' memory between
 * steps, and a step in two parts so that clipping by the global norm needs no pass of its own:
 * `stage` copies the step's gradients in and returns the sum of their squares; `step` then updates
 * each array with its gradient times a scale. Per step this copies each gradient in and each
 * parameter array in and out, instead of also every moment in and out. The gradients are staged
 * in the same long-lived block as the moments, so several optimizers can stage before any steps
 * (one global norm over all of them) and no other engine call can overwrite them.
 */
export class ResidentAdam {
  private readonly block: TapeBlock;
  private readonly at: { m: number; v: number; g: number }[];
  private staged: boolean[] | null = null;

  constructor(readonly sizes: readonly number[]) {
    let bytes = 0;
    const take = (n: number): number => {
      const at = bytes;
      bytes += aligned(n * 4);
      return at;
    };
    const offsets = sizes.map((n) => ({ m: take(n), v: take(n), g: take(n) }));
    this.block = threadPool().arena.allocTape(bytes, this);
    const start = this.block.start;
    this.at = offsets.map((o) => ({ m: o.m + start, v: o.v + start, g: o.g + start }));
    new Uint8Array(threadPool().memory.buffer, start, bytes).fill(0);
  }

  /** Array i's first and second moments (views, valid until the memory grows). */
  moments(i: number): { m: Float32Array; v: Float32Array } {
    const { arena } = threadPool();
    return { m: arena.view(this.at[i]!.m, this.sizes[i]!), v: arena.view(this.at[i]!.v, this.sizes[i]!) };
  }

  /** Copies in the step's gradients (null: that array has none this step); returns the sum of all their squares. */
  stage(gradients: readonly (Float32Array | null)[]): number {
    this.check();
    const { arena } = threadPool();
    let total = 0;
    this.staged = gradients.map((g, i) => {
      if (g === null) return false;
      const n = this.sizes[i]!;
      if (g.length !== n) throw new RangeError(`ResidentAdam: gradient ${i} has ${g.length} elements, its parameters ${n}`);
      arena.view(this.at[i]!.g, n).set(g);
      total += sumOfSquaresAt(this.at[i]!.g, n);
      return true;
    });
    return total;
  }

  /** Array i's new values from `value` and its staged gradient times `gradientScale` (a view, valid until the next engine call); null when it had none. */
  step(i: number, value: Float32Array, s: AdamStepSettings, gradientScale: number): Float32Array | null {
    this.check();
    if (this.staged === null) throw new Error('ResidentAdam: step before stage');
    if (!this.staged[i]) return null;
    const n = this.sizes[i]!;
    if (value.length !== n) throw new RangeError(`ResidentAdam: parameters ${i} have ${value.length} elements, expected ${n}`);
    const { arena } = threadPool();
    arena.reset();
    const p = arena.put(value);
    runAdam(n, p, this.at[i]!.g, this.at[i]!.m, this.at[i]!.v, s, gradientScale);
    return arena.view(p, n);
  }

  dispose(): void {
    this.block.free();
    this.staged = null;
  }

  private check(): void {
    if (!this.block.live) throw new Error('ResidentAdam: used after dispose');
  }
}

const SQUARES_FIELDS = 4; // assembly/seq/adam.ts: n, x, out, work counter
const SQUARES_BLOCK = 65536;

/** The sum of squares of n floats at `at` in the kernels' memory, in fixed blocks (the same for any thread count). */
function sumOfSquaresAt(at: number, n: number): number {
  const pool = threadPool();
  pool.arena.reset();
  const blocks = Math.ceil(n / SQUARES_BLOCK);
  const out = pool.arena.alloc(blocks * 8);
  const params = pool.arena.alloc(SQUARES_FIELDS * 4);
  new Int32Array(pool.memory.buffer, params, SQUARES_FIELDS).set([n, at, out, 0]);
  pool.run(TASK.sumsOfSquares, params, blocks > 1 ? Infinity : 1);
  let total = 0;
  for (const partial of new Float64Array(pool.memory.buffer, out, blocks)) total += partial;
  return total;
}
