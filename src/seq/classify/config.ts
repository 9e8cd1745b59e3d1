/**
 * classifier.json: what a saved classifier is and how to feed it: how text becomes words, the
 * classes in output order, the model's shape, how it was trained, its validation figures and,
 * after --autotune, the table of trials and the settings chosen.
 */
import type { AutotuneRecord } from '../tune/random-search.js';
import type { ClassifierModelName, ClassifierTokenizer, RecordedClassifierSettings, UnknownWords } from './options.js';
import type { ClassifierEpochReport } from './progress.js';
import type { RecurrentArchitecture } from './recurrent.js';
import type { AveragedShape } from './averaged.js';

export const CLASSIFIER_FORMAT = 'wordloom-classifier';
export const CLASSIFIER_FORMAT_VERSION = 1;

export interface ClassifierTrainingRecord {
  settings: RecordedClassifierSettings;
  /** The vectors file the words started from (null when given as an object). */
  vectors: string | null;
  stopped: 'epochs' | 'early-stop';
  epochs: number;
  /** 1-based epoch whose weights the model has (best validation accuracy), null without validation. */
  bestEpoch: number | null;
  trainExamples: number;
  valExamples: number;
  /** Training tokens, and those not in the word table (skipped). */
  tokens: number;
  unknownTokens: number;
  seconds: number;
  history: ClassifierEpochReport[];
}

export interface ClassifierConfig {
  format: typeof CLASSIFIER_FORMAT;
  version: typeof CLASSIFIER_FORMAT_VERSION;
  model: ClassifierModelName;
  /** Class names in the order of the model's outputs. */
  labels: string[];
  tokenizer: ClassifierTokenizer;
  lowercase: boolean;
  /** What unknown words read: skipped, or the <UNK> row (id 1); absent in older files: 'skip'. 'learn' reads <UNK> too (its learned words are in the vocabulary). */
  unknown?: UnknownWords;
  /** avg: the table's shape (features.bin: (words + buckets) x dim float32 little-endian; model.json reads the mean row). */
  averaged: AveragedShape | null;
  /** rnn: the network's shape (model.json reads word ids, 0 = padding). */
  recurrent: RecurrentArchitecture | null;
  training: ClassifierTrainingRecord | null;
  validation: { accuracy: number; loss: number; examples: number } | null;
  autotune?: AutotuneRecord;
  /**
   * An ensemble (`wordloom classify ensemble`): model.json holds every member's network (layers
   * prefixed m1_, m2_, ...) and averages their probabilities; `recurrent` is the first member's shape.
   */
  ensemble?: {
    members: RecurrentArchitecture[];
    /** Where each member was loaded from. */
    sources: string[];
    /** Each member's own validation figures, as it was saved. */
    validation: ({ accuracy: number; loss: number; examples: number } | null)[];
  };
}
