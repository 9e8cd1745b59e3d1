// What every recurrent kernel (lstm.ts, gru.ts, simple-rnn.ts) reads first: the task's shape and
// the batch rows of the slice this thread works on, kept in module globals, which are per instance, i.e. per thread; and
// the small row operations the three cells share.
import { param, pointer, P_B, P_T, P_U, P_FLAGS, P_ACT, P_RECACT, P_MASK, P_SCRATCH, P_SCRATCH_STRIDE, P_SLICE_ROWS, P_NEXT_SLICE, FLAG_BACKWARDS, FLAG_MASK } from './params';

export let T: i32 = 0;
/** Units, padded to a multiple of 4. */
export let U: i32 = 0;
/** Bytes of one state row (U floats). */
export let rowU: usize = 0;
/** This thread's batch rows [b0, b0 + bs). */
export let b0: i32 = 0;
export let bs: i32 = 0;
export let backwards: bool = false;
/** [B, T] f32, 0 where a step keeps the state; 0 (no pointer) without a mask. */
export let mask: usize = 0;
export let act: i32 = 0;
export let rec: i32 = 0;
/** This thread's scratch block. */
export let scratch: usize = 0;

/**
 * Reads the task's shape and this thread's scratch block. The batch is cut into slices of
 * P_SLICE_ROWS rows that threads take one at a time (nextSlice), so a thread that loses its core
 * to another process holds up one slice, not half the batch; every row's arithmetic is the same
 * whichever thread takes its slice, so results do not depend on the thread count.
 */
export function beginTask(p: usize, thread: i32): void {
  T = param(p, P_T);
  U = param(p, P_U);
  rowU = <usize>U << 2;
  const flags = param(p, P_FLAGS);
  backwards = (flags & FLAG_BACKWARDS) != 0;
  mask = (flags & FLAG_MASK) != 0 ? pointer(p, P_MASK) : 0;
  act = param(p, P_ACT);
  rec = param(p, P_RECACT);
  scratch = pointer(p, P_SCRATCH) + <usize>thread * <usize>param(p, P_SCRATCH_STRIDE);
}

/** Takes the next untaken slice of batch rows into [b0, b0 + bs); false when none is left. */
export function nextSlice(p: usize): bool {
  const B = param(p, P_B);
  const rows = param(p, P_SLICE_ROWS);
  const start = atomic.add<i32>(p + (<usize>P_NEXT_SLICE << 2), 1) * rows;
  if (start >= B) return false;
  b0 = start;
  bs = min(rows, B - start);
  return true;
}

/** The input time index of processing step s. */
@inline export function timeOf(s: i32): i32 {
  return backwards ? T - 1 - s : s;
}

/** The input time index of the step before processing step s, or -1 for the first. */
@inline export function previousTimeOf(s: i32): i32 {
  return s == 0 ? -1 : backwards ? T - s : s - 1;
}

/** Whether the mask keeps the state at (b, t): the step changes nothing. */
@inline export function keeps(b: i32, t: i32): bool {
  return mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0;
}

/** The row of [B, T, U] buffer `base` at (b, t). */
@inline export function stateRow(base: usize, b: i32, t: i32): usize {
  return base + <usize>(b * T + t) * rowU;
}

/** The state before step s of batch row b: the previous step's row of `states`, or row b of `initial`. */
@inline export function previousState(states: usize, initial: usize, b: i32, s: i32): usize {
  const tp = previousTimeOf(s);
  return tp >= 0 ? stateRow(states, b, tp) : initial + <usize>b * rowU;
}

/** This thread's rows of a [B, U] buffer copied to `dst`, or zeros when `src` is 0. */
export function loadRows(dst: usize, src: usize): void {
  const bytes = <usize>bs * rowU;
  if (src != 0) memory.copy(dst, src + <usize>b0 * rowU, bytes);
  else memory.fill(dst, 0, bytes);
}

/** `dst` (this thread's rows of a [B, U] buffer) = src. */
export function storeRows(dst: usize, src: usize): void {
  memory.copy(dst + <usize>b0 * rowU, src, <usize>bs * rowU);
}

/** dst += src over one state row. */
export function addRow(dst: usize, src: usize): void {
  for (let u: usize = 0; u < rowU; u += 16) v128.store(dst + u, f32x4.add(v128.load(dst + u), v128.load(src + u)));
}
