import { WordloomError } from '../../errors.js';
import { checkSettings, defaultsOf, definedOnly, recordedKeysOf, type DefaultedKeys, type OptionSpecs, type RecordedKeys } from '../../util/option-spec.js';
import { CELLS, type CellName } from '../lm/options.js';
import { checkResumeHasCheckpoint, resolveValidationSource, trainingRunSpecs, trainingRuntimeDefaults } from '../training/training-options.js';
import type { ClassifierEpochReport, ClassifierProgress, TrialReport } from './progress.js';

/**
 * Every text-classifier training option in one place: the interface the library takes, the
 * defaults, and per option its flag, kind, range and help (CLASSIFIER_OPTION_SPECS), from which
 * `wordloom classify train` builds its flags and resolveClassifierOptions() validates. Flags map
 * one to one onto fields (`--word-ngrams` -> wordNgrams), with the language model's names where
 * the concept is the same (--cell, --layers, --units, --lr, --dropout, --val, --val-file, --patience).
 */
export type ClassifierModelName = 'avg' | 'rnn';
export type PoolingName = 'last' | 'max' | 'mean' | 'max-mean';
export type UnknownWords = 'skip' | 'unk' | 'learn';
export type ClassWeighting = 'none' | 'balanced';
export type ClassifierTokenizer = 'whitespace' | 'english';

export const CLASSIFIER_MODELS: readonly ClassifierModelName[] = ['avg', 'rnn'];
export const POOLINGS: readonly PoolingName[] = ['last', 'max', 'mean', 'max-mean'];
export const UNKNOWN_WORDS: readonly UnknownWords[] = ['skip', 'unk', 'learn'];
export const CLASS_WEIGHTINGS: readonly ClassWeighting[] = ['none', 'balanced'];
export const CLASSIFIER_TOKENIZERS: readonly ClassifierTokenizer[] = ['whitespace', 'english'];

export interface ClassifierOptions {
  /** 'avg': the mean of the words' vectors (plus hashed word n-grams) into a softmax, trained by SGD as fastText's supervised mode; 'rnn': embedding, recurrent layers, softmax. Default 'avg'. */
  model: ClassifierModelName;
  /** How a text is split into words. Default 'whitespace' (pre-tokenized text). */
  tokenizer: ClassifierTokenizer;
  /** Lowercase the text. Default false (a word missing from the vectors is looked up lowercased anyway). */
  lowercase: boolean;
  /** avg: also average hashed embeddings of word n-grams up to this length (fastText's -wordNgrams); 1 = words only. Default 1. */
  wordNgrams: number;
  /** avg: rows of the hashed n-gram table (fastText's -bucket). Default 100000. */
  buckets: number;
  /** Keep the first n words of the vectors file besides every word of the training and validation text; 0 = all. Default 100000. */
  maxVectors: number;
  /** Keep the pretrained word vectors fixed (the n-gram table, learned words and the layers above still train). Default false. */
  freeze: boolean;
  /**
   * Words of the text the vectors lack: 'skip' them (and count them); 'unk': all share one
   * trained <UNK> vector; 'learn': a training word seen at least minCount times gets a vector of
   * its own, learned from the training set (the others share <UNK>). Default 'learn' for avg (fastText with
   * pretrained vectors also trains a row for every training word the vectors lack), 'skip' for rnn.
   */
  unknown: UnknownWords;
  /** unknown 'learn': training words without a vector seen fewer times share <UNK>. Default 1 for avg (as fastText's -minCount), 2 for rnn. */
  minCount: number;
  /** rnn: the word vectors learn at this multiple of the learning rate (fine-tuning pretrained vectors gently). Default 1. */
  embeddingLrScale: number;
  /** rnn: the word vectors stay fixed for this many first epochs (the layers above settle first), then fine-tune. Default 0. */
  freezeEpochs: number;
  /** rnn: dropout on the word vectors while training. Default 0. */
  embeddingDropout: number;
  /** rnn: share of the words of a training text replaced by <UNK> (removed with unknown 'skip'), drawn anew each time. Default 0. */
  wordDropout: number;
  /** rnn: recurrent cell. Default 'lstm'. */
  cell: CellName;
  /** rnn: stacked recurrent layers. Default 1. */
  layers: number;
  /** rnn: units per direction of every recurrent layer (the hidden size). Default 128. */
  units: number;
  /** rnn: also read the text right to left, concatenating both directions. Default false. */
  bidirectional: boolean;
  /** rnn: the sentence vector: the last state, or the max or mean over time of the states, or both concatenated (padding masked). Default 'last'. */
  pooling: PoolingName;
  /** Dropout on the sentence vector (and between recurrent layers), training only. Default 0. */
  dropout: number;
  /** L2 weight decay on the output layer (avg) or every trainable weight (rnn, decoupled as AdamW). Default 0. */
  weightDecay: number;
  /** Learning rate: SGD decaying linearly to 0 (avg), Adam (rnn). Default 0.1 for avg, 0.002 for rnn. */
  lr: number;
  /** rnn: the learning rate is multiplied by this after an epoch that did not improve the validation accuracy; 1 = never. Default 1. */
  lrDecay: number;
  /** rnn: sentences per training step. Default 32. */
  batch: number;
  /** Passes over the training set (at most, with early stopping). Default 10. */
  epochs: number;
  /** Stop after this many epochs in a row without a better validation accuracy; 0 = never. Default 3. */
  patience: number;
  /** rnn: gradients are scaled down when their global norm exceeds this; 0 = off. Default 5. */
  clip: number;
  /** Share of the training set (a seeded random sample) held out for validation; 0 = none. Ignored with valFile. Default 0.1. */
  valFraction: number;
  /** A separate labelled validation file; then the whole training file trains. Default none. */
  valFile: string | undefined;
  /** 'balanced': weigh each class's loss by examples / (classes x examples of the class), for imbalanced data. Default 'none'. */
  classWeights: ClassWeighting;
  /** Random search over the learning rate, weight decay, dropout, epochs and the hidden size (rnn) or n-grams (avg), on the validation set. Default false. */
  autotune: boolean;
  /** Seconds the search may take in all (fastText's -autotune-duration). Default 300. */
  budget: number;
  /** rnn: checkpoint file written after every epoch and on abort, removed after success. Default none. */
  checkpoint: string | undefined;
  /** rnn: also save the checkpoint this often within an epoch, in seconds (0: only between epochs). Default 600. */
  checkpointEvery: number;
  /** Continue the run saved in `checkpoint` (its settings win; threads and callbacks may change). Default false. */
  resume: boolean;
  /** Seeds the initial weights, the shuffling, the dropout masks and the validation split. Default 1. */
  seed: number;
  /** Threads of the fused kernels (results do not depend on it). Default: all cores. */
  threads: number;
  /** Called after every training step (rnn) or every 1,000 examples (avg). */
  onProgress: ((progress: ClassifierProgress) => void) | undefined;
  /** Called after every epoch with its training and validation figures. */
  onEpoch: ((report: ClassifierEpochReport) => void) | undefined;
  /** Autotune: called after every trial. */
  onTrial: ((trial: TrialReport) => void) | undefined;
  /** One-line notes (vocabulary, unknown words, early stop). */
  onLog: ((message: string) => void) | undefined;
  /** Aborting stops training after the current step and rejects with WordloomError 'EINTERRUPTED'. */
  signal: AbortSignal | undefined;
}

export type ClassifierSetting = Exclude<keyof ClassifierOptions, 'onProgress' | 'onEpoch' | 'onTrial' | 'onLog' | 'signal'>;

/**
 * Words without a vector when none is said: the averaged model does what fastText's supervised mode
 * does with -pretrainedVectors (every training word gets a trained row: 80.96% mean test accuracy
 * on SST-2 over 3 seeds against 80.31% skipping them); the recurrent model skips them.
 */
export function defaultUnknownWords(model: ClassifierModelName): Pick<ClassifierOptions, 'unknown' | 'minCount'> {
  return model === 'avg' ? { unknown: 'learn', minCount: 1 } : { unknown: 'skip', minCount: 2 };
}

/** The learning rate when none is given: per-example SGD (avg) takes a far larger step than Adam (rnn). */
export function defaultLearningRate(model: ClassifierModelName): number {
  return model === 'avg' ? 0.1 : 2e-3;
}

const RUN_SPECS = trainingRunSpecs('seed of the weights, shuffling, dropout and validation split');

export const CLASSIFIER_OPTION_SPECS = {
  model: { flag: '--model', kind: 'choice', choices: CLASSIFIER_MODELS, help: 'avg: mean of word vectors (+ n-grams) into a softmax; rnn: recurrent layers over the word vectors', defaultText: 'avg', default: 'avg', recorded: true },
  tokenizer: { flag: '--tokenizer', kind: 'choice', choices: CLASSIFIER_TOKENIZERS, help: 'how a text is split into words', defaultText: 'whitespace', default: 'whitespace', recorded: true },
  lowercase: { flag: '--lowercase', kind: 'boolean', help: 'lowercase the text (a word missing from the vectors is looked up lowercased anyway)', defaultText: 'off', default: false, recorded: true },
  wordNgrams: { flag: '--word-ngrams', kind: 'integer', min: 1, max: 5, help: 'avg: also average hashed word n-grams up to this length', defaultText: '1 (words only)', default: 1, recorded: true },
  buckets: { flag: '--buckets', kind: 'integer', min: 1, max: 10_000_000, help: 'avg: rows of the hashed n-gram table', defaultText: '100000', default: 100_000, recorded: true },
  maxVectors: { flag: '--max-vectors', kind: 'integer', min: 0, help: 'keep the first n words of the vectors file (besides the words of the training text); 0 = all', defaultText: '100000', default: 100_000, recorded: true },
  freeze: { flag: '--freeze', kind: 'boolean', help: 'keep the pretrained word vectors fixed', defaultText: 'off (fine-tuned)', default: false, recorded: true },
  unknown: { flag: '--unknown', kind: 'choice', choices: UNKNOWN_WORDS, help: 'words without a vector: skip them; unk: one shared trained <UNK> vector; learn: training words seen --min-count times get their own trained vector', defaultText: 'learn for avg (as fastText with pretrained vectors), skip for rnn', recorded: true },
  minCount: { flag: '--min-count', kind: 'integer', min: 1, help: '--unknown learn: training words seen fewer times share <UNK>', defaultText: '1 for avg, 2 for rnn', recorded: true },
  embeddingLrScale: { flag: '--embedding-lr-scale', kind: 'number', min: 0, max: 100, help: 'rnn: the pretrained word vectors learn at this multiple of --lr (<UNK> and learned words at --lr)', defaultText: '1', default: 1, recorded: true },
  freezeEpochs: { flag: '--freeze-epochs', kind: 'integer', min: 0, help: 'rnn: keep the word vectors fixed for the first n epochs, then fine-tune', defaultText: '0', default: 0, recorded: true },
  embeddingDropout: { flag: '--embedding-dropout', kind: 'number', min: 0, max: 0.95, help: 'rnn: dropout on the word vectors while training', defaultText: '0', default: 0, recorded: true },
  wordDropout: { flag: '--word-dropout', kind: 'number', min: 0, max: 0.95, help: 'rnn: share of the words replaced by <UNK> while training (removed with --unknown skip)', defaultText: '0', default: 0, recorded: true },
  cell: { flag: '--cell', kind: 'choice', choices: CELLS.filter((c) => c !== 'rnn'), help: 'rnn: recurrent cell', defaultText: 'lstm', default: 'lstm', recorded: true },
  layers: { flag: '--layers', kind: 'integer', min: 1, max: 16, help: 'rnn: stacked recurrent layers', defaultText: '1', default: 1, recorded: true },
  units: { flag: '--units', kind: 'integer', min: 1, max: 8192, help: 'rnn: units per direction of each recurrent layer', defaultText: '128', default: 128, recorded: true },
  bidirectional: { flag: '--bidirectional', kind: 'boolean', help: 'rnn: read the text in both directions', defaultText: 'off', default: false, recorded: true },
  pooling: { flag: '--pooling', kind: 'choice', choices: POOLINGS, help: 'rnn: the sentence vector: last state, or max or mean over time, or max and mean concatenated', defaultText: 'last', default: 'last', recorded: true },
  dropout: { flag: '--dropout', kind: 'number', min: 0, max: 0.95, help: 'dropout on the sentence vector (and between recurrent layers) while training', defaultText: '0', default: 0, recorded: true },
  weightDecay: { flag: '--weight-decay', kind: 'number', min: 0, max: 1, help: 'L2 weight decay (avg: output layer; rnn: all trainable weights, decoupled)', defaultText: '0', default: 0, recorded: true },
  lr: { flag: '--lr', kind: 'number', above: 0, max: 100, help: 'learning rate (avg: SGD decaying to 0; rnn: Adam)', defaultText: '0.1 for avg, 0.002 for rnn', recorded: true },
  lrDecay: { flag: '--lr-decay', kind: 'number', above: 0, max: 1, help: 'rnn: multiply the learning rate by this after an epoch without validation improvement; 1 = never', defaultText: '1', default: 1, recorded: true },
  batch: { flag: '--batch', kind: 'integer', min: 1, max: 100_000, help: 'rnn: sentences per training step', defaultText: '32', default: 32, recorded: true },
  epochs: { flag: '--epochs', kind: 'integer', min: 1, max: 100_000, help: 'passes over the training set (at most)', defaultText: '10', default: 10, recorded: true },
  patience: { flag: '--patience', kind: 'integer', min: 0, help: 'stop after this many epochs without a better validation accuracy; 0 = never', defaultText: '3', default: 3, recorded: true },
  clip: { flag: '--clip', kind: 'number', min: 0, help: 'rnn: clip gradients to this global norm; 0 = off', defaultText: '5', default: 5, recorded: true },
  valFraction: { flag: '--val', kind: 'number', min: 0, max: 0.9, help: 'share of the training set (a seeded random sample) held out for validation; 0 = none', defaultText: '0.1', default: 0.1, recorded: true },
  valFile: { flag: '--val-file', kind: 'path', help: 'labelled validation file (instead of --val)', defaultText: 'none', recorded: true },
  classWeights: { flag: '--class-weights', kind: 'choice', choices: CLASS_WEIGHTINGS, help: 'balanced: weigh each class inversely to its frequency', defaultText: 'none', default: 'none', recorded: true },
  autotune: { flag: '--autotune', kind: 'boolean', help: 'random search (coarse, then fine, in log space) over lr, weight decay, dropout, epochs and units (rnn) or n-grams and buckets (avg) on the validation set', defaultText: 'off', default: false, recorded: false },
  budget: { flag: '--budget', kind: 'number', above: 0, max: 1e7, help: 'autotune: seconds the whole search may take', defaultText: '300', default: 300, recorded: false },
  // --seed --threads --checkpoint --checkpoint-every --resume: the sequence trainers' shared flags (the checkpoint is rnn's only).
  ...RUN_SPECS,
  checkpoint: { ...RUN_SPECS.checkpoint, help: `rnn: ${RUN_SPECS.checkpoint.help}` },
} as const satisfies OptionSpecs<Pick<ClassifierOptions, ClassifierSetting>>;

type Specs = typeof CLASSIFIER_OPTION_SPECS;

export const CLASSIFIER_DEFAULTS = defaultsOf(CLASSIFIER_OPTION_SPECS) as Pick<ClassifierOptions, DefaultedKeys<Specs>>;

/** The settings a saved model records (everything that shapes the model or its training). */
export const RECORDED_CLASSIFIER_SETTINGS = recordedKeysOf(CLASSIFIER_OPTION_SPECS) as readonly RecordedKeys<Specs>[];
export type RecordedClassifierSettings = Pick<ClassifierOptions, RecordedKeys<Specs>>;

/** Fills in defaults and rejects impossible values with one line naming the flag and the accepted range. */
export function resolveClassifierOptions(partial: Partial<ClassifierOptions> = {}): ClassifierOptions {
  const defined = definedOnly(partial);
  const model = defined.model ?? CLASSIFIER_DEFAULTS.model;
  const o: ClassifierOptions = {
    ...CLASSIFIER_DEFAULTS,
    lr: CLASSIFIER_MODELS.includes(model) ? defaultLearningRate(model) : 0.1,
    ...defaultUnknownWords(model),
    ...trainingRuntimeDefaults(),
    onProgress: undefined,
    onEpoch: undefined,
    onTrial: undefined,
    ...defined,
  };
  checkSettings(CLASSIFIER_OPTION_SPECS, o);
  resolveValidationSource(o, defined);
  if (o.autotune && o.valFile === undefined && o.valFraction === 0) {
    throw new WordloomError('EOPTION', 'option --autotune needs validation data: give --val-file or a --val share above 0');
  }
  if (o.autotune && o.resume) throw new WordloomError('EOPTION', 'option --autotune cannot --resume (each trial is a run of its own)');
  checkResumeHasCheckpoint(o);
  return o;
}

export function recordedClassifierSettings(options: ClassifierOptions): RecordedClassifierSettings {
  return Object.fromEntries(RECORDED_CLASSIFIER_SETTINGS.map((k) => [k, options[k]])) as unknown as RecordedClassifierSettings;
}
