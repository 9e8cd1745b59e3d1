/** What the GloVe trainer and its worker threads share. */
export interface GloveWorkerData {
  /** One shared memory holds everything (so the wasm kernel sees it too); offsets in bytes. */
  memory: WebAssembly.Memory;
  layout: GloveMemoryLayout;
  dim: number;
  words: number;
  xMax: number;
  alpha: number;
  eta: number;
  gradClip: number;
  kernel: 'wasm' | 'js' | 'auto';
  threadIndex: number;
}

/**
 * Byte offsets in the shared memory: the weights (2 x words x (dim + 1) floats: W then W~, each
 * row a vector and its bias, the C tool's layout), AdaGrad's sums (same layout), the current
 * block of records (1-based ids, counts), the stop flag, and 2 x dim floats of scratch per thread.
 */
export interface GloveMemoryLayout {
  weights: number;
  gradsq: number;
  size: number;
  word1: number;
  word2: number;
  values: number;
  blockCapacity: number;
  control: number;
  scratch: number;
}

/** A range of the current block to shuffle (with `seed`) and train. */
export interface GloveTask {
  start: number;
  end: number;
  seed: number;
}

/** Index in the control array: non-zero asks the workers to stop at their next report. */
export const STOP = 0;

/** Bytes at the bottom of the memory left to the wasm kernel's static data (Math.log and Math.pow tables). */
export const STATIC_DATA_BYTES = 65536;

/** Lays out the shared memory for `threads` threads and allocates it (64 KB pages). */
export function allocateGloveMemory(words: number, dim: number, blockCapacity: number, threads: number): { memory: WebAssembly.Memory; layout: GloveMemoryLayout } {
  const align = (n: number): number => Math.ceil(n / 16) * 16;
  const size = 2 * words * (dim + 1);
  const weights = STATIC_DATA_BYTES;
  const gradsq = align(weights + size * 4);
  const word1 = align(gradsq + size * 4);
  const word2 = align(word1 + blockCapacity * 4);
  const values = align(word2 + blockCapacity * 4);
  const control = align(values + blockCapacity * 8);
  const scratch = align(control + 16);
  const end = scratch + threads * 2 * dim * 4;
  const pages = Math.ceil(end / 65536);
  if (pages > 65536) throw new RangeError(`GloVe needs ${(end / 2 ** 30).toFixed(1)} GB of shared memory, more than the 4 GB WebAssembly allows; lower --memory or --dim`);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return { memory, layout: { weights, gradsq, size, word1, word2, values, blockCapacity, control, scratch } };
}
