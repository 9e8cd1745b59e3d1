import { availableParallelism } from 'node:os';
import { WordloomError } from '../../errors.js';
import {
  checkSettings, defaultsOf, definedOnly, recordedKeysOf, type DefaultedKeys, type OptionSpecs, type RecordedKeys,
} from '../../util/option-spec.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenizer.js';
import type { EpochReport, LanguageModelProgress } from './progress.js';
import type { Trial } from '../tune/random-search.js';

/**
 * Every language-model training option in one place, declared once: the interface (what the
 * library takes), the defaults, and per option its command-line flag, kind, range and help
 * (LANGUAGE_MODEL_OPTION_SPECS, on the shared util/option-spec.ts), from which come the defaults,
 * the recorded settings of checkpoints, the CLI's `wordloom lm train` flags, and validation. Flags map one to one onto fields (`--seq-len` -> seqLen).
 */
export type LanguageModelLevel = 'char' | 'word';
export type CellName = 'lstm' | 'gru' | 'rnn';
export type OptimizerName = 'adam' | 'rmsprop' | 'adagrad' | 'sgd';

export const LEVELS: readonly LanguageModelLevel[] = ['char', 'word'];
export const CELLS: readonly CellName[] = ['lstm', 'gru', 'rnn'];
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'rmsprop', 'adagrad', 'sgd'];

export interface LanguageModelOptions {
  /** 'char': one token per Unicode code point; 'word': tokens from `tokenizer`. Default 'char'. */
  level: LanguageModelLevel;
  /** How word-level lines are split ('whitespace', 'english'); char level always uses 'characters'. Default 'whitespace'. */
  tokenizer: TokenizerName;
  /** Lowercase the text (after NFC). Default false. */
  lowercase: boolean;
  /** Tokens seen fewer times become `<UNK>`. Default 1. */
  minCount: number;
  /** Keep at most this many tokens (most frequent first; the rest become `<UNK>`); 0 = no limit. Default 0. */
  maxVocab: number;
  /** Recurrent cell: 'lstm', 'gru' or 'rnn' (SimpleRNN, tanh). Default 'lstm'. */
  cell: CellName;
  /** Stacked recurrent layers. Default 2. */
  layers: number;
  /** Units of every recurrent layer. Default 256. */
  units: number;
  /** Embedding dimension. Default 64 for char level, 256 for word level. */
  embedding: number;
  /** Dropout on the output of every recurrent layer (between layers and before the output layer), training only. Default 0. */
  dropout: number;
  /** Tokens per window of truncated backpropagation through time. Default 64. */
  seqLen: number;
  /** Parallel streams the text is cut into (rows of a batch). Default 32. */
  batch: number;
  /** Passes over the training text. Default 10. */
  epochs: number;
  /** Stop after this many training steps (windows) in all; 0 = no limit. Default 0. */
  maxSteps: number;
  /** Learning rate. Default 2e-3. */
  lr: number;
  /** 'adam', 'rmsprop', 'adagrad' or 'sgd' (with momentum 0.9). Default 'adam'. */
  optimizer: OptimizerName;
  /** Gradients are scaled down when their global norm exceeds this; 0 = no clipping. Default 5. */
  clip: number;
  /** Share of the text (its last part) held out for validation; 0 = none. Ignored with valFile. Default 0.1. */
  valFraction: number;
  /** A separate validation text file (or .gz or directory); then the whole text trains. Default none. */
  valFile: string | undefined;
  /** The learning rate is multiplied by this after an epoch that did not improve the validation loss; 1 = never. Default 0.5. */
  lrDecay: number;
  /** Stop after this many epochs in a row without improvement of the validation loss; 0 = never stop early. Default 3. */
  patience: number;
  /** Word level: the output layer reuses the embedding table (Press & Wolf 2017); needs embedding == units. Default false. */
  tieWeights: boolean;
  /**
   * Also train a backward model (same architecture, its own weights) that reads the text right to
   * left and predicts the previous token, together with the forward one, as ELMo does; their
   * states give contextual vectors (contextualEmbeddings). Generation uses the forward model. Default false.
   */
  bidirectional: boolean;
  /**
   * Random search (coarse, then fine, in log space) over the learning rate, dropout, units and
   * epochs, each trial a training run scored by its validation loss, within `budget` seconds; the
   * best trial's model is kept and lm.json records the trials. Needs validation. Default false.
   */
  autotune: boolean;
  /** Autotune: seconds the whole search may take. Default 300. */
  budget: number;
  /** Seeds the initial weights and the dropout masks. Default 1. */
  seed: number;
  /** Threads of the fused kernels (results do not depend on it). Default: all cores. */
  threads: number;
  /** Checkpoint file: written after every epoch, every checkpointEvery seconds and on interrupt; removed after success. Default none. */
  checkpoint: string | undefined;
  /** Also save the checkpoint this often within an epoch, in seconds (0: only between epochs). Default 600. */
  checkpointEvery: number;
  /** Continue the run saved in `checkpoint` (its settings win; threads and callbacks may change). Default false. */
  resume: boolean;
  /** Called after every training step (draw it throttled). */
  onProgress: ((progress: LanguageModelProgress) => void) | undefined;
  /** Called after every epoch with its training and validation figures. */
  onEpoch: ((report: EpochReport) => void) | undefined;
  /** Autotune: called after every trial. */
  onTrial: ((trial: Trial) => void) | undefined;
  /** One-line notes (vocabulary size, data layout, checkpoint saved, learning-rate decay, early stop). */
  onLog: ((message: string) => void) | undefined;
  /** Aborting stops training after the current step, saves a checkpoint (when `checkpoint` is set)
   *  and rejects with WordloomError 'EINTERRUPTED'. */
  signal: AbortSignal | undefined;
}

/** The options that are plain values (no callbacks): those a checkpoint and lm.json record. */
export type LanguageModelSetting = Exclude<keyof LanguageModelOptions, 'onProgress' | 'onEpoch' | 'onTrial' | 'onLog' | 'signal'>;

export type { OptionSpec } from '../../util/option-spec.js';

/** Embedding dimension when none is given. */
export function defaultEmbedding(level: LanguageModelLevel): number {
  return level === 'char' ? 64 : 256;
}

export const LANGUAGE_MODEL_OPTION_SPECS = {
  level: { flag: '--level', kind: 'choice', choices: LEVELS, help: 'tokens: characters (Unicode code points) or words', defaultText: 'char', default: 'char', recorded: true },
  tokenizer: { flag: '--tokenizer', kind: 'choice', choices: TOKENIZER_NAMES.filter((t) => t !== 'characters'), help: 'how word-level lines are split into words', defaultText: 'whitespace', default: 'whitespace', recorded: true },
  lowercase: { flag: '--lowercase', kind: 'boolean', help: 'lowercase the text', defaultText: 'off', default: false, recorded: true },
  minCount: { flag: '--min-count', kind: 'integer', min: 1, help: 'tokens seen fewer times become <UNK>', defaultText: '1', default: 1, recorded: true },
  maxVocab: { flag: '--max-vocab', kind: 'integer', min: 0, help: 'keep only the n most frequent tokens, the rest become <UNK>; 0 = all', defaultText: '0 (all)', default: 0, recorded: true },
  cell: { flag: '--cell', kind: 'choice', choices: CELLS, help: 'recurrent cell: LSTM, GRU or SimpleRNN (tanh)', defaultText: 'lstm', default: 'lstm', recorded: true },
  layers: { flag: '--layers', kind: 'integer', min: 1, max: 16, help: 'stacked recurrent layers', defaultText: '2', default: 2, recorded: true },
  units: { flag: '--units', kind: 'integer', min: 1, max: 8192, help: 'units of each recurrent layer', defaultText: '256', default: 256, recorded: true },
  embedding: { flag: '--embedding', kind: 'integer', min: 1, max: 8192, help: 'embedding dimension', defaultText: '64 for char, 256 for word level', recorded: true },
  dropout: { flag: '--dropout', kind: 'number', min: 0, max: 0.95, help: 'dropout on each recurrent layer output while training', defaultText: '0', default: 0, recorded: true },
  seqLen: { flag: '--seq-len', kind: 'integer', min: 1, max: 100000, help: 'tokens per window of truncated backpropagation through time', defaultText: '64', default: 64, recorded: true },
  batch: { flag: '--batch', kind: 'integer', min: 1, max: 100000, help: 'parallel streams per batch', defaultText: '32', default: 32, recorded: true },
  epochs: { flag: '--epochs', kind: 'integer', min: 1, max: 100000, help: 'passes over the training text', defaultText: '10', default: 10, recorded: true },
  maxSteps: { flag: '--max-steps', kind: 'integer', min: 0, help: 'stop after this many training steps in all; 0 = no limit', defaultText: '0 (no limit)', default: 0, recorded: true },
  lr: { flag: '--lr', kind: 'number', above: 0, max: 100, help: 'learning rate', defaultText: '0.002', default: 2e-3, recorded: true },
  optimizer: { flag: '--optimizer', kind: 'choice', choices: OPTIMIZERS, help: 'adam, rmsprop, adagrad or sgd (momentum 0.9)', defaultText: 'adam', default: 'adam', recorded: true },
  clip: { flag: '--clip', kind: 'number', min: 0, help: 'clip gradients to this global norm; 0 = off', defaultText: '5', default: 5, recorded: true },
  valFraction: { flag: '--val', kind: 'number', min: 0, max: 0.9, help: 'share of the text (its end) held out for validation; 0 = none', defaultText: '0.1', default: 0.1, recorded: true },
  valFile: { flag: '--val-file', kind: 'path', help: 'validation text (instead of --val)', defaultText: 'none', recorded: true },
  lrDecay: { flag: '--lr-decay', kind: 'number', above: 0, max: 1, help: 'multiply the learning rate by this after an epoch without validation improvement; 1 = never', defaultText: '0.5', default: 0.5, recorded: true },
  patience: { flag: '--patience', kind: 'integer', min: 0, help: 'stop after this many epochs without validation improvement; 0 = never', defaultText: '3', default: 3, recorded: true },
  tieWeights: { flag: '--tie-weights', kind: 'boolean', help: 'word level: share the embedding table with the output layer (needs --embedding equal to --units)', defaultText: 'off', default: false, recorded: true },
  bidirectional: { flag: '--bidirectional', kind: 'boolean', help: 'also train a backward model (right to left) for contextual word vectors (wordloom lm embed), as ELMo does', defaultText: 'off', default: false, recorded: true },
  autotune: { flag: '--autotune', kind: 'boolean', help: 'random search (coarse, then fine, in log space) over --lr, --dropout, --units and --epochs on the validation loss, within --budget seconds', defaultText: 'off', default: false, recorded: false },
  budget: { flag: '--budget', kind: 'number', above: 0, max: 1e7, help: 'autotune: seconds the whole search may take', defaultText: '300', default: 300, recorded: false },
  seed: { flag: '--seed', kind: 'integer', min: 0, max: 2 ** 32 - 1, help: 'seed of the initial weights and dropout masks', defaultText: '1', default: 1, recorded: true },
  threads: { flag: '--threads', kind: 'integer', min: 1, max: 1024, help: 'kernel threads (results do not depend on it)', defaultText: 'all cores', recorded: false },
  checkpoint: { flag: '--checkpoint', kind: 'path', help: 'checkpoint file written each epoch and on interrupt', defaultText: 'none', recorded: false },
  checkpointEvery: { flag: '--checkpoint-every', kind: 'number', min: 0, help: 'also checkpoint this often within an epoch, in seconds; 0 = only between epochs', defaultText: '600', default: 600, recorded: false },
  resume: { flag: '--resume', kind: 'boolean', help: 'continue the run saved in the checkpoint', defaultText: 'off', default: false, recorded: false },
} as const satisfies OptionSpecs<Pick<LanguageModelOptions, LanguageModelSetting>>;

type Specs = typeof LANGUAGE_MODEL_OPTION_SPECS;

export const LANGUAGE_MODEL_DEFAULTS = defaultsOf(LANGUAGE_MODEL_OPTION_SPECS) as Pick<LanguageModelOptions, DefaultedKeys<Specs>>;

/** The settings a checkpoint records and a resumed run keeps (everything that shapes the model or its schedule). */
export const RECORDED_SETTINGS = recordedKeysOf(LANGUAGE_MODEL_OPTION_SPECS) as readonly RecordedKeys<Specs>[];
export type RecordedSettings = Pick<LanguageModelOptions, RecordedKeys<Specs>>;

/** Fills in defaults and rejects impossible values with one line naming the flag and the accepted range. */
export function resolveLanguageModelOptions(partial: Partial<LanguageModelOptions> = {}): LanguageModelOptions {
  const defined = definedOnly(partial);
  const level = defined.level ?? LANGUAGE_MODEL_DEFAULTS.level;
  const o: LanguageModelOptions = {
    ...LANGUAGE_MODEL_DEFAULTS,
    embedding: LEVELS.includes(level) ? defaultEmbedding(level) : 64,
    threads: availableParallelism(),
    valFile: undefined,
    checkpoint: undefined,
    onProgress: undefined,
    onEpoch: undefined,
    onTrial: undefined,
    onLog: undefined,
    signal: undefined,
    ...defined,
  };
  checkSettings(LANGUAGE_MODEL_OPTION_SPECS, o);
  if (o.level === 'char' && defined.tokenizer !== undefined && defined.tokenizer !== LANGUAGE_MODEL_DEFAULTS.tokenizer) {
    throw new WordloomError('EOPTION', `option --tokenizer applies to --level word only (a char model reads characters), got ${defined.tokenizer}`);
  }
  if (o.tieWeights && o.embedding !== o.units) {
    throw new WordloomError('EOPTION', `option --tie-weights needs --embedding equal to --units (the output layer reuses the embedding table), got --embedding ${o.embedding} and --units ${o.units}`);
  }
  if (o.valFile !== undefined) {
    if (defined.valFraction !== undefined && defined.valFraction !== 0) {
      throw new WordloomError('EOPTION', 'options --val and --val-file exclude each other (give one)');
    }
    o.valFraction = 0;
  }
  if (o.autotune && o.valFraction === 0 && o.valFile === undefined) {
    throw new WordloomError('EOPTION', 'option --autotune needs validation text: give --val-file or a --val share above 0');
  }
  if (o.autotune && o.resume) throw new WordloomError('EOPTION', 'option --autotune cannot --resume (each trial is a run of its own)');
  if (o.resume && !o.checkpoint) {
    throw new WordloomError('EOPTION', 'option --resume needs a checkpoint path (library option checkpoint)');
  }
  return o;
}

