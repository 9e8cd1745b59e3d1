/**
 * lm.json: what a saved language model is and how to feed it. Everything a reader needs besides
 * the network and the vocabulary: how text becomes tokens, the architecture, how it was trained
 * and how well it did on its validation text.
 */
import type { TokenizerName } from '../../text/tokenizer.js';
import type { AutotuneRecord } from '../tune/random-search.js';
import type { Architecture } from './network.js';
import type { LanguageModelLevel, RecordedSettings } from './options.js';
import type { EpochReport, LanguageModelEvaluation } from './progress.js';

export const LANGUAGE_MODEL_FORMAT = 'wordloom-lm';
export const LANGUAGE_MODEL_FORMAT_VERSION = 1;

export interface TrainingRecord {
  /** The training settings (callbacks, paths and threads excepted). */
  settings: RecordedSettings;
  /** Why training ended: all epochs done, early stopping, or the step limit. */
  stopped: 'epochs' | 'early-stop' | 'max-steps';
  /** Training steps, epochs begun, training tokens per epoch, and the wall time of the last run (seconds). */
  steps: number;
  epochs: number;
  trainTokens: number;
  valTokens: number;
  seconds: number;
  /** Epoch by epoch figures. */
  history: EpochReport[];
  /** The epoch whose weights the model has (the best validation loss), 1-based; null without validation. */
  bestEpoch: number | null;
}

/** A bidirectional model's backward direction (lm.json `backward`; absent for a forward-only model). */
export interface BackwardRecord {
  /** The subfolder holding its model.json + weights.bin (the forward model is at the top of the folder). */
  folder: string;
  /** Its final validation figures on the validation text read right to left, or null without validation. */
  validation: LanguageModelEvaluation | null;
}

export interface LanguageModelConfig {
  format: typeof LANGUAGE_MODEL_FORMAT;
  version: typeof LANGUAGE_MODEL_FORMAT_VERSION;
  level: LanguageModelLevel;
  /** Word level: the tokenizer that splits lines into words ('characters' for char level). */
  tokenizer: TokenizerName;
  lowercase: boolean;
  /** Network shape; vocabularySize counts the special tokens `<PAD>`, `<UNK>`, `<BOS>`, `<EOS>` (ids 0..3). */
  architecture: Architecture;
  /** Null for a model not trained by wordloom's trainer. */
  training: TrainingRecord | null;
  /** Final validation figures (those of the weights kept), or null without validation; of the forward model for a bidirectional one. */
  validation: LanguageModelEvaluation | null;
  /**
   * Bidirectional models only: where the backward model is and how it did. The forward model stays
   * where a forward-only one is, so readers that know nothing of this key (older wordloom, plain
   * tfjs, `generate`) use the forward model; hence no format version change.
   */
  backward?: BackwardRecord;
  /** After --autotune: the trials and the settings of the model kept. */
  autotune?: AutotuneRecord;
}
