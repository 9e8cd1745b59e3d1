/**
 * Progress figures every trainer reports through its `onProgress` callback; the CLI draws them.
 */
export interface TrainingProgress {
  /** 1-based epoch being trained. */
  epoch: number;
  epochs: number;
  /** Words processed over the whole run (all epochs, all threads), and the total planned. */
  wordsDone: number;
  totalWords: number;
  /** wordsDone / totalWords, 0..1. */
  fraction: number;
  /** Throughput of the current run (since start or resume), per thread. */
  wordsPerSecondPerThread: number;
  /** Current learning rate. */
  learningRate: number;
  /** Average training loss per example over the last reporting interval (NaN before the first). */
  loss: number;
  /** Seconds since this run started, and the estimate of the seconds left. */
  elapsedSeconds: number;
  etaSeconds: number;
}

/** Tracks throughput and ETA from cumulative word counts. */
export class ProgressMeter {
  private readonly startTime = performance.now();
  private readonly startWords: number;

  constructor(
    private readonly totalWords: number,
    private readonly threads: number,
    startWords = 0,
  ) {
    this.startWords = startWords;
  }

  elapsedSeconds(): number {
    return (performance.now() - this.startTime) / 1000;
  }

  snapshot(fields: { epoch: number; epochs: number; wordsDone: number; learningRate: number; loss: number }): TrainingProgress {
    const elapsed = this.elapsedSeconds();
    const doneHere = fields.wordsDone - this.startWords;
    const rate = elapsed > 0 ? doneHere / elapsed : 0;
    const left = Math.max(0, this.totalWords - fields.wordsDone);
    return {
      ...fields,
      totalWords: this.totalWords,
      fraction: this.totalWords > 0 ? Math.min(1, fields.wordsDone / this.totalWords) : 1,
      wordsPerSecondPerThread: rate / this.threads,
      elapsedSeconds: elapsed,
      etaSeconds: rate > 0 ? left / rate : Number.POSITIVE_INFINITY,
    };
  }
}
