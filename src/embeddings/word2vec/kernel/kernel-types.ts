/** The per-thread kernel API shared by the wasm and JS implementations (see the kernel contract). */
export interface KernelOptions {
  /** Skip-gram (true) or CBOW with the mean of the context vectors (false). */
  sg: boolean;
  /** Hierarchical softmax over the Huffman tree in codes/points/codeLengths. */
  hs: boolean;
  /** Negatives per target (0 = off); must be <= layout.negative. */
  negative: number;
  /** Max window; the effective window is window - (rng % window) per center word. */
  window: number;
  /** Which per-thread scratch region (0 <= threadIndex < layout.threads). */
  threadIndex: number;
  /** Seeds this thread's RNG (window shrink, negative draws); same seed => same result. */
  seed: number;
  /** Default: wasm when WebAssembly SIMD + shared memory work, else js. */
  prefer?: 'wasm' | 'js';
}

export interface KernelStats {
  /** Sum of -log sigmoid(+-score) over all (center, target) updates. */
  loss: number;
  /** Number of (center, target) updates: positive + negatives drawn + HS inner nodes. */
  examples: number;
  /** Skip-gram: (center, context) pairs trained; CBOW: center words trained. */
  pairs: number;
}

export interface ThreadKernel {
  readonly kind: 'wasm' | 'js';
  /** Trains on one sentence of ids (already subsampled; no EOS; length <= maxSentence). */
  trainSentence(ids: Int32Array, length: number, alpha: number): void;
  /** Stats since the last call; resets them. */
  takeStats(): KernelStats;
  /** This thread's random state (see KernelRandomState), to resume a run bit-identically. */
  getRandomState(): KernelRandomState;
  /** Continues from a state taken by getRandomState of a kernel on the same layout. */
  setRandomState(state: KernelRandomState): void;
}

/**
 * Everything random a kernel carries between sentences, as unsigned 32-bit numbers: the window
 * stream (4), the negative stream (4), the ring head and count (2), then the whole negatives ring
 * (ringSize): negatives already drawn ahead belong to the future sequence, so they are state too.
 * Both kernels use this one format, so a state moves between them.
 */
export type KernelRandomState = number[];

/** Length of a KernelRandomState for a ring of `ringSize` entries. */
export function randomStateLength(ringSize: number): number {
  return RANDOM_STATE_RING + ringSize;
}

/** Index of the first ring entry in a KernelRandomState. */
export const RANDOM_STATE_RING = 10;

export function checkRandomState(state: KernelRandomState, ringSize: number): void {
  if (state.length !== randomStateLength(ringSize)) {
    throw new RangeError(`kernel random state has ${state.length} numbers, this layout needs ${randomStateLength(ringSize)}`);
  }
}
