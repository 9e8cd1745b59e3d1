/** What the GloVe trainer and its worker threads share. */
export interface GloveWorkerData {
  /** 2 x words x (dim + 1) floats: W then W~, each row a vector and its bias (the C tool's layout). */
  weights: SharedArrayBuffer;
  /** AdaGrad's sums of squared gradients, same layout. */
  gradsq: SharedArrayBuffer;
  /** The current block of records (1-based ids, counts). */
  word1: SharedArrayBuffer;
  word2: SharedArrayBuffer;
  values: SharedArrayBuffer;
  control: SharedArrayBuffer;
  dim: number;
  words: number;
  xMax: number;
  alpha: number;
  eta: number;
  gradClip: number;
}

/** A range of the current block to shuffle (with `seed`) and train. */
export interface GloveTask {
  start: number;
  end: number;
  seed: number;
}

/** Index in the control array: non-zero asks the workers to stop at their next report. */
export const STOP = 0;
