/**
 * What a seq2seq run reports through its callbacks; the CLI draws them, nothing here prints.
 */
export interface Seq2seqProgress {
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
  /** step / totalSteps, 0..1. */
  fraction: number;
  /** Training pairs per second since the run (or resume) started. */
  pairsPerSecond: number;
  /** Real (unpadded) target tokens per second since the run (or resume) started, `<EOS>` included. */
  tokensPerSecond: number;
  learningRate: number;
  /** Mean cross-entropy per target token of the last step, and of the epoch so far. */
  loss: number;
  epochLoss: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

/** Validation figures: teacher-forced loss per target token, and from greedy decoding exact match and token accuracy. */
export interface Seq2seqEvaluation {
  loss: number;
  /** Pairs the loss averages over. */
  pairs: number;
  /** Null when no pair was decoded (valDecode 0). */
  exactMatch: number | null;
  tokenAccuracy: number | null;
  decoded: number;
}

export interface Seq2seqEpochReport {
  epoch: number;
  epochs: number;
  trainLoss: number;
  validation: Seq2seqEvaluation | null;
  improved: boolean;
  learningRate: number;
  nextLearningRate: number;
  step: number;
  seconds: number;
}
