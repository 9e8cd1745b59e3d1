import type { KernelRandomState, ModelLayout } from './kernel/index.js';

/** What the main thread hands each word2vec worker at start (structured-cloned once). */
export interface Word2VecWorkerData {
  memory: WebAssembly.Memory;
  layout: ModelLayout;
  threadIndex: number;
  sg: boolean;
  hs: boolean;
  negative: number;
  window: number;
  kernel: 'wasm' | 'js' | 'auto';
  /** Seeds the kernel RNG (window shrink, negatives) and the subsampling RNG of this thread. */
  seed: number;
  /** On resume with the same thread count: this thread's saved random state, replacing the seeded one. */
  randomState: ThreadRandomState | null;
  /** Temporary file of Int32 ids (see shared/id-file.ts). */
  idPath: string;
  separatorId: number;
  /** Keep probability per id (subsampling); 0 for ids never trained. */
  keep: Float32Array;
  /** Int32 [stop flag] at byte 0, BigInt64 [words done, whole run] at byte 8. */
  control: SharedArrayBuffer;
  alpha: number;
  minAlpha: number;
  /** Words of the whole run (epochs x words per epoch): the learning-rate schedule's length. */
  totalWords: number;
}

/** One epoch's work for one worker: id ranges [start, end) of the id file. */
export interface EpochTask {
  type: 'epoch';
  ranges: [number, number][];
}

/** Posted every few thousand words. */
export interface StatsMessage {
  type: 'stats';
  loss: number;
  examples: number;
  alpha: number;
}

/** Posted once per task. `remaining` lists the unfinished ranges when the stop flag interrupted it. */
export interface DoneMessage {
  type: 'done';
  remaining: [number, number][];
  kernel: 'wasm' | 'js';
  /** The thread's random state after the task, so a checkpoint can continue it exactly. */
  randomState: ThreadRandomState;
}

/** All random state of one worker thread: its kernel's streams and ring, and its subsampling RNG. */
export interface ThreadRandomState {
  kernel: KernelRandomState;
  subsampling: number;
}

export const CONTROL_BYTES = 16;
export const STOP_FLAG = 0; // index in the Int32Array view
export const WORDS_DONE = 1; // index in the BigInt64Array view
