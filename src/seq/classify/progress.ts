/** What classifier training reports through its callbacks; the CLI draws them, nothing here prints. */
import type { Trial } from '../tune/random-search.js';
import { ProgressMeter } from '../training/progress-meter.js';

/** A snapshot during training: after every step (rnn) or every 1,000 examples (avg). */
export interface ClassifierProgress {
  /** 1-based epoch being trained, and the planned number. */
  epoch: number;
  epochs: number;
  /** Training examples done over the whole run, and the planned total (epochs x training examples). */
  examplesDone: number;
  totalExamples: number;
  /** examplesDone / totalExamples, 0..1. */
  fraction: number;
  /** Throughput of this run (since start or resume). */
  examplesPerSecond: number;
  learningRate: number;
  /** Mean (class-weighted) cross-entropy of the last step, and of the epoch so far. */
  loss: number;
  epochLoss: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface ClassifierEpochReport {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Mean (class-weighted) cross-entropy over the epoch's training examples. */
  trainLoss: number;
  /** Share of the epoch's training examples the model got right as it trained on them (with dropout). */
  trainAccuracy: number;
  /** Validation accuracy and mean cross-entropy, or null without validation. */
  valAccuracy: number | null;
  valLoss: number | null;
  /** Whether this epoch's weights are the best so far (always true without validation). */
  improved: boolean;
  /** The learning rate the epoch trained with (avg: at its start; it decays linearly within). */
  learningRate: number;
  examplesPerSecond: number;
  seconds: number;
}

/** An autotune trial, with the trial's settings as the classifier option names. */
export type TrialReport = Trial;

/** Throughput and ETA from cumulative example counts (a resumed run counts from where it resumed; the shared ProgressMeter). */
export class ExampleMeter {
  private readonly meter: ProgressMeter;

  constructor(startExamples: number) {
    this.meter = new ProgressMeter(startExamples);
  }

  elapsedSeconds(): number {
    return this.meter.elapsedSeconds();
  }

  snapshot(fields: Omit<ClassifierProgress, 'fraction' | 'examplesPerSecond' | 'elapsedSeconds' | 'etaSeconds'>): ClassifierProgress {
    const r = this.meter.measure(fields.examplesDone, fields.totalExamples);
    return { ...fields, fraction: r.fraction, examplesPerSecond: r.perSecond, elapsedSeconds: r.elapsedSeconds, etaSeconds: r.etaSeconds };
  }
}
