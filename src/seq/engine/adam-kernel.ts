/**
 * One Adam step over a parameter array on the kernel threads (assembly/seq/adam.ts), with the
 * arithmetic of tfjs's AdamOptimizer in its order, in float32: the same numbers tfjs's own Adam
 * gives, in a few copies and one pass instead of a dozen elementwise tfjs ops over every array.
 */
import { TASK } from './params.js';
import { threadPool } from './thread-pool.js';

const FIELDS = 14; // assembly/seq/adam.ts: n, p, g, m, v, lr, b1, 1-b1, b2, 1-b2, c1, c2, eps, work counter

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

export interface AdamStepResult {
  value: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/**
 * The new parameters and moments from the old ones and `gradient` (all of one length; the inputs
 * may be views into another heap: they are copied in first). The results are views into the
 * kernels' memory, valid until the next engine call.
 */
export function adamStep(value: Float32Array, gradient: Float32Array, m: Float32Array, v: Float32Array, s: AdamStepSettings): AdamStepResult {
  const n = value.length;
  if (gradient.length !== n || m.length !== n || v.length !== n) {
    throw new RangeError(`adamStep: arrays of lengths ${n}, ${gradient.length}, ${m.length}, ${v.length} must have one length`);
  }
  const pool = threadPool();
  const { arena } = pool;
  arena.reset();
  const p = arena.put(value);
  const g = arena.put(gradient);
  const mAt = arena.put(m);
  const vAt = arena.put(v);
  const params = arena.alloc(FIELDS * 4);
  new Int32Array(pool.memory.buffer, params, FIELDS).set([n, p, g, mAt, vAt]);
  // tfjs passes 1 - beta as a JavaScript number that becomes a float32 scalar: the same rounding here.
  new Float32Array(pool.memory.buffer, params + 5 * 4, 8).set([
    s.learningRate, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.correction1, s.correction2, s.epsilon,
  ]);
  new Int32Array(pool.memory.buffer, params + 13 * 4, 1)[0] = 0;
  pool.run(TASK.adamStep, params, n < MIN_PARALLEL ? 1 : Infinity);
  return { value: arena.view(p, n), m: arena.view(mAt, n), v: arena.view(vAt, n) };
}
