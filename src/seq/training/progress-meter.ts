/**
 * Throughput and time left of a training run, from cumulative counts, shared by the sequence
 * trainers' progress reports (lm counts steps and tokens, classify examples). A resumed run
 * measures from where it resumed: the counts it started with are not its own work.
 */
export interface ProgressRates {
  /** done / total, 0..1. */
  fraction: number;
  /** Units counted (tokens, examples) per second of this run. */
  perSecond: number;
  elapsedSeconds: number;
  /** From this run's pace over what is left of `total`; infinite before the first unit. */
  etaSeconds: number;
}

export class ProgressMeter {
  private readonly start = performance.now();

  /** `startDone`: the run's position in the planned units at start; `startCounted`: the throughput counter's value at start. */
  constructor(
    private readonly startDone: number,
    private readonly startCounted = startDone,
  ) {}

  elapsedSeconds(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** `done` of `total` planned units (steps, examples); `counted` what the throughput counts (default `done`). */
  measure(done: number, total: number, counted = done): ProgressRates {
    const elapsed = this.elapsedSeconds();
    const doneHere = done - this.startDone;
    const left = Math.max(0, total - done);
    return {
      fraction: total > 0 ? Math.min(1, done / total) : 1,
      perSecond: elapsed > 0 ? (counted - this.startCounted) / elapsed : 0,
      elapsedSeconds: elapsed,
      etaSeconds: doneHere > 0 ? (left * elapsed) / doneHere : Number.POSITIVE_INFINITY,
    };
  }
}
