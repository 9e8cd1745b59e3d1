/** What classifier training reports through its callbacks; the CLI draws them, nothing here prints. */
import type { Trial } from '../tune/random-search.js';

export interface ClassifierEpochReport {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Mean (class-weighted) cross-entropy over the epoch's training examples. */
  trainLoss: number;
  /** Validation accuracy and mean cross-entropy, or null without validation. */
  valAccuracy: number | null;
  valLoss: number | null;
  /** Whether this epoch's weights are the best so far (always true without validation). */
  improved: boolean;
  seconds: number;
}

/** An autotune trial, with the trial's settings as the classifier option names. */
export type TrialReport = Trial;
