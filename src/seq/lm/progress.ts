/**
 * What a language-model run reports through its callbacks: a progress snapshot after every
 * training step, and a report after every epoch. The CLI draws them; nothing here prints.
 */
import { ProgressMeter } from '../training/progress-meter.js';

export interface LanguageModelProgress {
  /** 1-based epoch being trained, and the planned number. */
  epoch: number;
  epochs: number;
  /** Training steps (windows) done over the whole run, and the planned total. */
  step: number;
  totalSteps: number;
  /** Training tokens (predicted positions) done over the whole run, and the planned total. */
  tokensDone: number;
  totalTokens: number;
  /** step / totalSteps, 0..1. */
  fraction: number;
  /** Throughput of this run (since start or resume). */
  tokensPerSecond: number;
  learningRate: number;
  /** Mean cross-entropy (nats per token) of the last step, and of the epoch so far (the forward model's, for a bidirectional run). */
  loss: number;
  epochLoss: number;
  /** Bidirectional runs only: the backward model's figures of the last step and of the epoch so far. */
  backward?: { loss: number; epochLoss: number };
  elapsedSeconds: number;
  etaSeconds: number;
}

/** Validation figures of a text: mean loss in nats per token, its exponential, and for char models bits per character. */
export interface LanguageModelEvaluation {
  loss: number;
  perplexity: number;
  /** loss / ln 2 for character models; null for word models. */
  bitsPerChar: number | null;
  /** Predicted positions the figures average over. */
  tokens: number;
}

/** One direction's figures of an epoch. */
export interface DirectionReport {
  trainLoss: number;
  validation: LanguageModelEvaluation | null;
}

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Mean training loss over the epoch's steps (nats per token); the forward model's for a bidirectional run. */
  trainLoss: number;
  /** Validation figures, or null when the run has no validation text; the forward model's for a bidirectional run. */
  validation: LanguageModelEvaluation | null;
  /** Bidirectional runs only: the backward model's training loss and validation figures (on the validation text read right to left). */
  backward?: DirectionReport;
  /**
   * Whether the validation loss is the best so far (always true without validation); for a
   * bidirectional run, the mean of the two directions' losses (their joint objective) is compared.
   */
  improved: boolean;
  /** The learning rate the epoch trained with, and the one the next epoch will use. */
  learningRate: number;
  nextLearningRate: number;
  /** Training steps done over the whole run. */
  step: number;
  seconds: number;
}

/** Throughput and ETA from cumulative step and token counts (the shared ProgressMeter). */
export class StepMeter {
  private readonly meter: ProgressMeter;

  constructor(startSteps: number, startTokens: number) {
    this.meter = new ProgressMeter(startSteps, startTokens);
  }

  elapsedSeconds(): number {
    return this.meter.elapsedSeconds();
  }

  snapshot(fields: Omit<LanguageModelProgress, 'fraction' | 'tokensPerSecond' | 'elapsedSeconds' | 'etaSeconds'>): LanguageModelProgress {
    const r = this.meter.measure(fields.step, fields.totalSteps, fields.tokensDone);
    return { ...fields, fraction: r.fraction, tokensPerSecond: r.perSecond, elapsedSeconds: r.elapsedSeconds, etaSeconds: r.etaSeconds };
  }
}
