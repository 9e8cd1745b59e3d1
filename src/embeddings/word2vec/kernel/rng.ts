/**
 * The random generator of both word2vec kernels: xoshiro128** (Blackman & Vigna), four 32-bit
 * words of state, period 2^128. Chosen because it needs only 32-bit integer ops (Math.imul, shifts,
 * rotates), so the JS kernel and the wasm kernel (assembly/word2vec.ts, keep in sync) produce the
 * very same sequence, and its period never wraps in a long run (a 32-bit-state generator drawing
 * 5M negatives a second would wrap within 15 minutes).
 *
 * Each thread uses TWO streams: one for the window shrink, one for the negative draws. Separate
 * streams let the kernels draw negatives ahead of use (to overlap their cache misses) without
 * changing which value each draw gets: the result is the same as drawing at the point of use.
 */

/** Fills `state` (4 x u32) from a seed and a stream number with splitmix32-style mixing. */
export function seedStream(state: Uint32Array | Int32Array, offset: number, seed: number, stream: number): void {
  let x = (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(stream + 1, 0x85ebca6b)) | 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    state[offset + i] = z;
  }
  // xoshiro's state must not be all zero.
  if ((state[offset]! | state[offset + 1]! | state[offset + 2]! | state[offset + 3]!) === 0) state[offset] = 1;
}

export const WINDOW_STREAM = 0;
export const NEGATIVE_STREAM = 1;
