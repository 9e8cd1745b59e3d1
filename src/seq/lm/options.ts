import { availableParallelism } from 'node:os';
import { WordloomError, checkOption } from '../../errors.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenizer.js';
import type { EpochReport, LanguageModelProgress } from './progress.js';

/**
 * Every language-model training option in one place, declared once: the interface (what the
 * library takes), the defaults, and per option its command-line flag, kind, range and help
 * (LANGUAGE_MODEL_OPTION_SPECS), from which the CLI builds `wordloom lm train` and from which
 * resolveLanguageModelOptions() validates. Flags map one to one onto fields (`--seq-len` -> seqLen).
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
  /** One-line notes (vocabulary size, data layout, checkpoint saved, learning-rate decay, early stop). */
  onLog: ((message: string) => void) | undefined;
  /** Aborting stops training after the current step, saves a checkpoint (when `checkpoint` is set)
   *  and rejects with WordloomError 'EINTERRUPTED'. */
  signal: AbortSignal | undefined;
}

/** The options that are plain values (no callbacks): those a checkpoint and lm.json record. */
export type LanguageModelSetting = Exclude<keyof LanguageModelOptions, 'onProgress' | 'onEpoch' | 'onLog' | 'signal'>;

export interface OptionSpec {
  /** The command-line flag. */
  flag: string;
  kind: 'integer' | 'number' | 'boolean' | 'choice' | 'path';
  /** Inclusive bounds; `above` is an exclusive lower bound. */
  min?: number;
  max?: number;
  above?: number;
  choices?: readonly string[];
  help: string;
  /** The default in words, for help texts. */
  defaultText: string;
}

export const LANGUAGE_MODEL_DEFAULTS = {
  level: 'char',
  tokenizer: 'whitespace',
  lowercase: false,
  minCount: 1,
  maxVocab: 0,
  cell: 'lstm',
  layers: 2,
  units: 256,
  dropout: 0,
  seqLen: 64,
  batch: 32,
  epochs: 10,
  maxSteps: 0,
  lr: 2e-3,
  optimizer: 'adam',
  clip: 5,
  valFraction: 0.1,
  lrDecay: 0.5,
  patience: 3,
  tieWeights: false,
  bidirectional: false,
  seed: 1,
  checkpointEvery: 600,
  resume: false,
} as const satisfies Partial<LanguageModelOptions>;

/** Embedding dimension when none is given. */
export function defaultEmbedding(level: LanguageModelLevel): number {
  return level === 'char' ? 64 : 256;
}

export const LANGUAGE_MODEL_OPTION_SPECS: Readonly<Record<LanguageModelSetting, OptionSpec>> = {
  level: { flag: '--level', kind: 'choice', choices: LEVELS, help: 'tokens: characters (Unicode code points) or words', defaultText: 'char' },
  tokenizer: { flag: '--tokenizer', kind: 'choice', choices: TOKENIZER_NAMES.filter((t) => t !== 'characters'), help: 'how word-level lines are split into words', defaultText: 'whitespace' },
  lowercase: { flag: '--lowercase', kind: 'boolean', help: 'lowercase the text', defaultText: 'off' },
  minCount: { flag: '--min-count', kind: 'integer', min: 1, help: 'tokens seen fewer times become <UNK>', defaultText: '1' },
  maxVocab: { flag: '--max-vocab', kind: 'integer', min: 0, help: 'keep only the n most frequent tokens, the rest become <UNK>; 0 = all', defaultText: '0 (all)' },
  cell: { flag: '--cell', kind: 'choice', choices: CELLS, help: 'recurrent cell: LSTM, GRU or SimpleRNN (tanh)', defaultText: 'lstm' },
  layers: { flag: '--layers', kind: 'integer', min: 1, max: 16, help: 'stacked recurrent layers', defaultText: '2' },
  units: { flag: '--units', kind: 'integer', min: 1, max: 8192, help: 'units of each recurrent layer', defaultText: '256' },
  embedding: { flag: '--embedding', kind: 'integer', min: 1, max: 8192, help: 'embedding dimension', defaultText: '64 for char, 256 for word level' },
  dropout: { flag: '--dropout', kind: 'number', min: 0, max: 0.95, help: 'dropout on each recurrent layer output while training', defaultText: '0' },
  seqLen: { flag: '--seq-len', kind: 'integer', min: 1, max: 100000, help: 'tokens per window of truncated backpropagation through time', defaultText: '64' },
  batch: { flag: '--batch', kind: 'integer', min: 1, max: 100000, help: 'parallel streams per batch', defaultText: '32' },
  epochs: { flag: '--epochs', kind: 'integer', min: 1, max: 100000, help: 'passes over the training text', defaultText: '10' },
  maxSteps: { flag: '--max-steps', kind: 'integer', min: 0, help: 'stop after this many training steps in all; 0 = no limit', defaultText: '0 (no limit)' },
  lr: { flag: '--lr', kind: 'number', above: 0, max: 100, help: 'learning rate', defaultText: '0.002' },
  optimizer: { flag: '--optimizer', kind: 'choice', choices: OPTIMIZERS, help: 'adam, rmsprop, adagrad or sgd (momentum 0.9)', defaultText: 'adam' },
  clip: { flag: '--clip', kind: 'number', min: 0, help: 'clip gradients to this global norm; 0 = off', defaultText: '5' },
  valFraction: { flag: '--val', kind: 'number', min: 0, max: 0.9, help: 'share of the text (its end) held out for validation; 0 = none', defaultText: '0.1' },
  valFile: { flag: '--val-file', kind: 'path', help: 'validation text (instead of --val)', defaultText: 'none' },
  lrDecay: { flag: '--lr-decay', kind: 'number', above: 0, max: 1, help: 'multiply the learning rate by this after an epoch without validation improvement; 1 = never', defaultText: '0.5' },
  patience: { flag: '--patience', kind: 'integer', min: 0, help: 'stop after this many epochs without validation improvement; 0 = never', defaultText: '3' },
  tieWeights: { flag: '--tie-weights', kind: 'boolean', help: 'word level: share the embedding table with the output layer (needs --embedding equal to --units)', defaultText: 'off' },
  bidirectional: { flag: '--bidirectional', kind: 'boolean', help: 'also train a backward model (right to left) for contextual word vectors (wordloom lm embed), as ELMo does', defaultText: 'off' },
  seed: { flag: '--seed', kind: 'integer', min: 0, max: 2 ** 32 - 1, help: 'seed of the initial weights and dropout masks', defaultText: '1' },
  threads: { flag: '--threads', kind: 'integer', min: 1, max: 1024, help: 'kernel threads (results do not depend on it)', defaultText: 'all cores' },
  checkpoint: { flag: '--checkpoint', kind: 'path', help: 'checkpoint file written each epoch and on interrupt', defaultText: 'none' },
  checkpointEvery: { flag: '--checkpoint-every', kind: 'number', min: 0, help: 'also checkpoint this often within an epoch, in seconds; 0 = only between epochs', defaultText: '600' },
  resume: { flag: '--resume', kind: 'boolean', help: 'continue the run saved in the checkpoint', defaultText: 'off' },
};

/** The settings a checkpoint records and a resumed run keeps (everything that shapes the model or its schedule). */
export const RECORDED_SETTINGS = [
  'level', 'tokenizer', 'lowercase', 'minCount', 'maxVocab', 'cell', 'layers', 'units', 'embedding', 'dropout',
  'seqLen', 'batch', 'epochs', 'maxSteps', 'lr', 'optimizer', 'clip', 'valFraction', 'valFile', 'lrDecay', 'patience',
  'tieWeights', 'bidirectional', 'seed',
] as const satisfies readonly LanguageModelSetting[];
export type RecordedSettings = Pick<LanguageModelOptions, (typeof RECORDED_SETTINGS)[number]>;

/** Fills in defaults and rejects impossible values with one line naming the flag and the accepted range. */
export function resolveLanguageModelOptions(partial: Partial<LanguageModelOptions> = {}): LanguageModelOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<LanguageModelOptions>;
  const level = defined.level ?? LANGUAGE_MODEL_DEFAULTS.level;
  const o: LanguageModelOptions = {
    ...LANGUAGE_MODEL_DEFAULTS,
    embedding: LEVELS.includes(level) ? defaultEmbedding(level) : 64,
    threads: availableParallelism(),
    valFile: undefined,
    checkpoint: undefined,
    onProgress: undefined,
    onEpoch: undefined,
    onLog: undefined,
    signal: undefined,
    ...defined,
  };
  for (const [key, spec] of Object.entries(LANGUAGE_MODEL_OPTION_SPECS) as [LanguageModelSetting, OptionSpec][]) {
    checkSetting(spec, o[key]);
  }
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
  if (o.resume && !o.checkpoint) {
    throw new WordloomError('EOPTION', 'option --resume needs a checkpoint path (library option checkpoint)');
  }
  return o;
}

function checkSetting(spec: OptionSpec, value: unknown): void {
  switch (spec.kind) {
    case 'integer':
    case 'number': {
      const range: { min?: number; max?: number; integer: boolean } = { integer: spec.kind === 'integer' };
      if (spec.min !== undefined) range.min = spec.min;
      if (spec.max !== undefined) range.max = spec.max;
      if (typeof value !== 'number') {
        throw new WordloomError('EOPTION', `option ${spec.flag} must be a number, got ${JSON.stringify(value)}`);
      }
      if (spec.above !== undefined && !(value > spec.above && (spec.max === undefined || value <= spec.max))) {
        const upTo = spec.max !== undefined ? ` and at most ${spec.max}` : '';
        throw new WordloomError('EOPTION', `option ${spec.flag} must be a number greater than ${spec.above}${upTo}, got ${String(value)}`);
      }
      checkOption(spec.flag, value, range);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new WordloomError('EOPTION', `option ${spec.flag} is a switch (true or false), got ${JSON.stringify(value)}`);
      return;
    case 'choice':
      if (!spec.choices!.includes(value as string)) {
        throw new WordloomError('EOPTION', `option ${spec.flag} must be one of ${spec.choices!.join(', ')}, got ${String(value)}`);
      }
      return;
    case 'path':
      if (value !== undefined && (typeof value !== 'string' || value === '')) {
        throw new WordloomError('EOPTION', `option ${spec.flag} must be a path, got ${JSON.stringify(value)}`);
      }
      return;
  }
}
