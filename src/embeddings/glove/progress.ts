/** What GloVe reports through its callbacks; the CLI draws it. */
export interface GloveCountProgress {
  /** In-vocabulary tokens counted so far. */
  tokens: number;
  /** On-disk bytes of the corpus read so far, of totalBytes. */
  bytesRead: number;
  totalBytes: number;
  tokensPerSecond: number;
  /** Sparse shards spilled so far. */
  shards: number;
  elapsedSeconds: number;
}

export interface GloveTrainProgress {
  /** 1-based iteration. */
  iteration: number;
  iterations: number;
  /** Records done in this iteration, of records. */
  done: number;
  records: number;
  /** Share of the whole run done, 0..1. */
  fraction: number;
  /** Average cost per record so far in this iteration. */
  cost: number;
  recordsPerSecond: number;
  etaSeconds: number;
}

export interface GloveIterationReport {
  iteration: number;
  iterations: number;
  /** Average weighted squared error per record (the C tool's "cost"). */
  cost: number;
  seconds: number;
  /** Records trained this iteration, per second. */
  recordsPerSecond: number;
}
