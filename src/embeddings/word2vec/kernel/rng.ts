/**
 * The per-thread random generator of both word2vec kernels (window shrink and negative draws).
 * mulberry32: 32-bit state, a handful of integer ops, decent quality for these uses, and trivially
 * identical in JS (Math.imul, >>>) and in wasm (i32.mul, shr_u), so both kernels draw the very same
 * windows and negatives for the same seed. The wasm kernel keeps its own copy (assembly/word2vec.ts);
 * keep the two in sync.
 */
export const RNG_INCREMENT = 0x6d2b79f5;

/** Advances the state (a Weyl sequence); draw with rngOutput(state = rngStep(state)). */
export function rngStep(state: number): number {
  return (state + RNG_INCREMENT) | 0;
}

/** Output (unsigned 32-bit) for an already advanced state. */
export function rngOutput(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
  return (t ^ (t >>> 14)) >>> 0;
}

/** The initial state for a user seed (any number; its low 32 bits count). */
export function rngSeed(seed: number): number {
  return seed | 0;
}
